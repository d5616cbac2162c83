/// What `cva generate` makes: how many customers, the seed, the calendar, the true model
/// parameters, which files, and how much dirt.
///
/// Every field but `customers` and `seed` has a default, both in ``init(customers:seed:)`` and
/// when decoding (a configuration file may give only the fields it changes). JSON and YAML keys
/// are snake_case.
public struct SyntheticConfig: Sendable, Codable, Hashable {
    /// Number of customers, `customers ≥ 1`.
    public var customers: Int
    /// The seed of every random draw; the same seed and configuration give byte-identical files.
    public var seed: UInt64
    /// First day of the acquisition window. Default 2024-01-01.
    public var start: CalendarDay
    /// First purchases are uniform over `[start, start + acquisitionDays)`. Default 182 days.
    public var acquisitionDays: Int
    /// The observation ends on `start + observationDays − 1`, inclusive. Default 546 days
    /// (78 weeks, the CDNOW calibration + holdout span).
    public var observationDays: Int
    /// The true BG/NBD purchase process, rates per week. Default: CDNOW estimates.
    public var purchase: BGNBDTruth
    /// The true Gamma-Gamma spend process. Default: CDNOW estimates.
    public var spend: GammaGammaTruth
    /// The files to write besides the truth files (which are always written). Default: all.
    public var files: Set<SyntheticFile>
    /// Extra dirty rows injected into `transactions.csv`, as a fraction of its clean rows,
    /// in 0...0.5. Default 0 (a clean file).
    public var dirtyFraction: Double

    /// Creates a configuration with every other field at its default.
    /// - Parameters:
    ///   - customers: number of customers, `customers ≥ 1` (checked by ``SyntheticGenerator``).
    ///   - seed: the random seed.
    public init(customers: Int, seed: UInt64) {
        self.customers = customers
        self.seed = seed
        self.start = SyntheticConfig.defaultStart
        self.acquisitionDays = 182
        self.observationDays = 546
        self.purchase = .cdnow
        self.spend = .cdnow
        self.files = Set(SyntheticFile.allCases)
        self.dirtyFraction = 0
    }

    /// The last observed day, `start + observationDays − 1`.
    public var observationEnd: CalendarDay { start.adding(days: observationDays - 1) }

    static let defaultStart = CalendarDay(ordinal: 19_723)  // 2024-01-01

    enum CodingKeys: String, CodingKey {
        case customers, seed, start, purchase, spend, files
        case acquisitionDays = "acquisition_days"
        case observationDays = "observation_days"
        case dirtyFraction = "dirty_fraction"
    }

    /// Decodes a configuration; missing fields other than `customers` and `seed` take their
    /// defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            customers: try container.decode(Int.self, forKey: .customers),
            seed: try container.decode(UInt64.self, forKey: .seed))
        start = try container.decodeIfPresent(CalendarDay.self, forKey: .start) ?? start
        acquisitionDays = try container.decodeIfPresent(Int.self, forKey: .acquisitionDays) ?? acquisitionDays
        observationDays = try container.decodeIfPresent(Int.self, forKey: .observationDays) ?? observationDays
        purchase = try container.decodeIfPresent(BGNBDTruth.self, forKey: .purchase) ?? purchase
        spend = try container.decodeIfPresent(GammaGammaTruth.self, forKey: .spend) ?? spend
        files = try container.decodeIfPresent(Set<SyntheticFile>.self, forKey: .files) ?? files
        dirtyFraction = try container.decodeIfPresent(Double.self, forKey: .dirtyFraction) ?? dirtyFraction
    }

    /// Checks every field, throwing the first problem found.
    /// - Throws: ``SyntheticError`` naming the field, its value and what is allowed.
    public func validate() throws {
        func fail(_ message: String) -> SyntheticError { SyntheticError(message) }
        guard customers >= 1 else { throw fail("customers must be at least 1, got \(customers)") }
        guard customers <= SyntheticConfig.maximumCustomers else {
            throw fail("customers must be at most \(SyntheticConfig.maximumCustomers), got \(customers)")
        }
        guard acquisitionDays >= 1 else {
            throw fail("acquisition_days must be at least 1, got \(acquisitionDays)")
        }
        guard observationDays >= acquisitionDays else {
            throw fail("observation_days (\(observationDays)) must be at least acquisition_days (\(acquisitionDays))")
        }
        guard observationDays <= SyntheticConfig.maximumObservationDays else {
            throw fail("observation_days must be at most \(SyntheticConfig.maximumObservationDays) (100 years), got \(observationDays)")
        }
        // Registration dates reach up to ~2 years before the start; keep every date printable.
        guard start.components.year >= 1000, observationEnd.components.year <= 9999 else {
            throw fail("start and observation end must lie within the years 1000...9999, got \(start)...\(observationEnd)")
        }
        let parameters: [(String, Double)] = [
            ("purchase.r", purchase.r), ("purchase.alpha", purchase.alpha),
            ("purchase.a", purchase.a), ("purchase.b", purchase.b),
            ("spend.p", spend.p), ("spend.q", spend.q), ("spend.v", spend.v),
        ]
        for (name, value) in parameters where !(value > 0 && value.isFinite) {
            throw fail("\(name) must be a finite number > 0, got \(value)")
        }
        guard dirtyFraction >= 0 && dirtyFraction <= 0.5 else {
            throw fail("dirty_fraction must be in 0...0.5, got \(dirtyFraction)")
        }
    }

    /// Customer numbers are stored in 32 bits in the temporary sort runs.
    static let maximumCustomers = 1_000_000_000
    /// Day offsets are stored in 16 bits in the temporary sort runs; 100 years is plenty.
    static let maximumObservationDays = 36_525
}

/// One file of the synthetic data set (the truth files are always written).
public enum SyntheticFile: String, Sendable, Codable, CaseIterable {
    /// `transactions.csv`: one purchase per row, sorted by date.
    case transactions
    /// `customers.csv`: one row per customer with name, industry, region and demographics.
    case customers
    /// `tickets.csv`: service contacts with type, status and free text.
    case tickets
    /// `surveys.csv`: NPS, CSAT and CES answers with optional comments.
    case surveys
    /// `events.csv`: engagement events (logins, e-mail opens, ...).
    case events
    /// `opportunities.csv`: sales opportunities moving through a funnel.
    case opportunities

    /// The file's name in the output folder, e.g. `transactions.csv`.
    public var fileName: String { rawValue + ".csv" }
}

/// The true parameters of the BG/NBD purchase process: the model's own parameters
/// (``BGNBD/Parameters``), λ ~ Gamma(r, α) per week and dropout p ~ Beta(a, b).
public typealias BGNBDTruth = BGNBD.Parameters

/// The true parameters of the Gamma-Gamma spend process: the model's own parameters
/// (``GammaGamma/Parameters``), ν ~ Gamma(q, v) per customer, amounts ~ Gamma(p, ν).
public typealias GammaGammaTruth = GammaGamma.Parameters

extension BGNBD.Parameters {
    /// The CDNOW estimates of Fader, Hardie & Lee (2005): r = 0.243, α = 4.414, a = 0.793,
    /// b = 2.426 (weeks).
    public static let cdnow = BGNBD.Parameters(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)
}

extension GammaGamma.Parameters {
    /// The CDNOW estimates of Fader, Hardie & Lee (2005, JMR): p = 6.25, q = 3.74, v = 15.44.
    public static let cdnow = GammaGamma.Parameters(p: 6.25, q: 3.74, v: 15.44)
}
