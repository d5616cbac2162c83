import Foundation

/// A kind of dirty row injected into `transactions.csv`.
enum InjectedProblem: Int, CaseIterable {
    /// The date is `2024-13-45` or `yesterday`.
    case unparseableDate = 1
    /// The amount field is empty.
    case emptyAmount
    /// The customer_id field is empty.
    case emptyCustomerID
    /// An exact copy of the row just before it, order id included.
    case duplicateRow
    /// The negative amount of an earlier purchase of the same customer, on the same day or up to
    /// 30 days later.
    case returnOfPurchase
    /// The amount is `0.00`.
    case zeroAmount
    /// A valid extra purchase of 1,000.00–19,999.99 written `"1,234.50"`.
    case thousandsSeparator
    /// A valid extra purchase written with a currency sign, `¥12.00`.
    case currencySign

    /// The report's and truth.json's name of the kind.
    var key: String {
        switch self {
        case .unparseableDate: "unparseable_date"
        case .emptyAmount: "empty_amount"
        case .emptyCustomerID: "empty_customer_id"
        case .duplicateRow: "duplicate_row"
        case .returnOfPurchase: "return"
        case .zeroAmount: "zero_amount"
        case .thousandsSeparator: "thousands_separator"
        case .currencySign: "currency_sign"
        }
    }

    /// Whether the row is a valid purchase, only written unusually.
    var isValidPurchase: Bool { self == .thousandsSeparator || self == .currencySign }

    /// Relative frequency of each kind, in `allCases` order.
    static let weights = CumulativeWeights([1, 1, 1, 1.5, 1.5, 1, 1, 1])
}

extension SyntheticGenerator {
    /// Converts an amount to cents, at least 1 (0.01) and at most 10^15 cents.
    @inline(__always)
    static func cents(_ amount: Double) -> Int64 {
        let scaled = (amount * 100).rounded()
        guard scaled >= 1 else { return 1 }
        return scaled < 1e15 ? Int64(scaled) : 1_000_000_000_000_000
    }

    /// Writes `transactions.csv`: simulates every block, sends its rows through the sort runs,
    /// then writes them in date order.
    func writeTransactionFile(to directory: URL, scratch: URL, tracker: ProgressTracker, worker: Int) throws -> WorkerOutcome {
        var outcome = WorkerOutcome()
        var runs = TransactionRuns(directory: scratch, observationDays: config.observationDays)
        defer { runs.discard() }
        var block = SimulatedBlock()
        for blockIndex in 0..<blockCount {
            simulate(block: blockIndex, into: &block)
            try appendTransactions(of: block, blockIndex: blockIndex, to: &runs, injected: &outcome.injected)
            tracker.update(worker: worker, customersDone: block.firstCustomer + block.count)
        }
        let url = directory.appendingPathComponent(SyntheticFile.transactions.fileName)
        outcome.rows[SyntheticFile.transactions.fileName] = try writeSortedTransactions(&runs, to: url)
        return outcome
    }

    /// Draws amount, category and channel of each purchase in `block` and adds the rows, with
    /// any injected dirty rows, to `runs`.
    ///
    /// Categories: about 30% of customers are loyal to a favourite category (85% of their
    /// purchases); the others repeat their previous category 35% of the time and otherwise draw
    /// by popularity, so a next-category model has something to learn. Channels: each customer
    /// has a preferred channel used for a customer-specific share of purchases.
    /// Dirty rows: after each clean purchase, with probability `dirtyFraction`, one injected row
    /// of a kind drawn by ``InjectedProblem/weights``, placed right after it (or, for a return,
    /// on a later day).
    /// - Complexity: O(purchases in the block).
    func appendTransactions(of block: SimulatedBlock, blockIndex: Int, to runs: inout TransactionRuns,
                            injected: inout [Int]) throws {
        var rng = generator(block: blockIndex, .transactions)
        var dirt = generator(block: blockIndex, .dirt)
        let categories = SyntheticVocabulary.categories.table
        let channels = SyntheticVocabulary.channels.table
        let p = config.spend.p
        let dirtyFraction = config.dirtyFraction
        let lastDay = config.observationDays - 1
        for i in 0..<block.count {
            let customer = block.firstCustomer + i
            let nu = block.nu[i]
            let loyal = rng.nextBernoulli(probability: 0.3)
            let favourite = categories.sample(using: &rng)
            let preferredChannel = channels.sample(using: &rng)
            let channelLoyalty = rng.nextUniform()
            var previous = -1
            for k in block.purchaseRange(i) {
                let day = Int(block.purchaseTimes[k])
                let category: Int
                if loyal && rng.nextBernoulli(probability: 0.85) {
                    category = favourite
                } else if previous >= 0 && rng.nextBernoulli(probability: 0.35) {
                    category = previous
                } else {
                    category = categories.sample(using: &rng)
                }
                previous = category
                let channel = rng.nextUniform() < channelLoyalty ? preferredChannel : channels.sample(using: &rng)
                let cents = SyntheticGenerator.cents(rng.nextGamma(shape: p, rate: nu))
                let record = TransactionRecord(customer: customer, day: day, cents: cents, category: category, channel: channel)
                try runs.append(record)

                guard dirtyFraction > 0, dirt.nextUniform() < dirtyFraction,
                      let problem = InjectedProblem(rawValue: InjectedProblem.weights.sample(using: &dirt) + 1)
                else { continue }
                var extra = record
                extra.problem = problem
                switch problem {
                case .unparseableDate:
                    extra.variant = dirt.nextBernoulli(probability: 0.5) ? 1 : 0
                    extra.cents = SyntheticGenerator.cents(dirt.nextGamma(shape: p, rate: nu))
                case .emptyCustomerID, .currencySign:
                    extra.cents = SyntheticGenerator.cents(dirt.nextGamma(shape: p, rate: nu))
                case .emptyAmount, .duplicateRow:
                    break
                case .returnOfPurchase:
                    extra.day = UInt16(truncatingIfNeeded: Swift.min(lastDay, day + Int(dirt.nextUniform() * 31)))
                    extra.cents = -cents
                case .zeroAmount:
                    extra.cents = 0
                case .thousandsSeparator:
                    extra.cents = 100_000 + Int64(dirt.nextUniform() * 1_900_000)
                }
                try runs.append(extra)
                injected[problem.rawValue - 1] += 1
            }
        }
    }

    /// Writes `transactions.csv` from the runs, in day order, numbering orders as it goes.
    /// - Returns: the number of data rows written.
    /// - Complexity: O(rows).
    func writeSortedTransactions(_ runs: inout TransactionRuns, to url: URL) throws -> Int {
        let writer = try CSVByteWriter(url: url)
        var buffer = [UInt8]()
        buffer.reserveCapacity(CSVByteWriter.chunkSize + 4096)
        buffer.append(contentsOf: SyntheticGenerator.header(of: .transactions))
        let orderWidth = Swift.max(8, SyntheticGenerator.digitCount(runs.total))
        let days = DayTextTable(from: config.start, through: config.observationEnd)
        let startOrdinal = config.start.ordinal
        let categoryNames = SyntheticVocabulary.categories
        let channelNames = SyntheticVocabulary.channels
        let badDates = SyntheticVocabulary.unparseableDates
        let currencySign = SyntheticVocabulary.currencySign
        var orderNumber: UInt64 = 0
        var rows = 0
        for bucket in 0..<runs.bucketCount {
            let records = try runs.takeSortedBucket(bucket)
            for record in records {
                let problem = record.problem
                // A duplicate repeats the row before it, order id included.
                if problem != .duplicateRow { orderNumber += 1 }
                buffer.append(79)  // O
                buffer.appendZeroPadded(orderNumber, width: orderWidth)
                buffer.appendComma()
                if problem != .emptyCustomerID { appendCustomerID(Int(record.customer), to: &buffer) }
                buffer.appendComma()
                if problem == .unparseableDate {
                    badDates.appendRaw(record.variant, to: &buffer)
                } else {
                    days.append(startOrdinal + Int32(record.day), to: &buffer)
                }
                buffer.appendComma()
                switch problem {
                case .emptyAmount:
                    break
                case .thousandsSeparator:
                    buffer.append(34)
                    buffer.appendCentsGrouped(record.cents)
                    buffer.append(34)
                case .currencySign:
                    buffer.append(contentsOf: currencySign)
                    buffer.appendCents(record.cents)
                default:
                    buffer.appendCents(record.cents)
                }
                buffer.appendComma()
                categoryNames.appendRaw(Int(record.category), to: &buffer)
                buffer.appendComma()
                channelNames.appendRaw(record.channel, to: &buffer)
                buffer.appendNewline()
                rows += 1
                try writer.flushIfFull(&buffer)
            }
        }
        try writer.flush(&buffer)
        try writer.close()
        return rows
    }
}
