/// A segment table given as data: named segments, each a range of R, a range of F and a range of
/// M scores; a customer is in the **first** segment whose three ranges hold their scores, and in
/// "Others" when none does. This is the rule of the `rfm` R package's `rfm_segment` (Hebbali,
/// rsquaredacademy), whose ten-segment table is built in as ``tenSegments``.
///
/// Segments may overlap — the first match wins, and the built-in table relies on it — but a
/// segment that every earlier segment together covers entirely could never be assigned: that is
/// an error naming its line. Names must be unique.
///
/// Two bases:
/// - ``Basis/scores``: the ranges are quantile scores (``RFMScoring``). When ``scale`` is set
///   (5 for the built-in table), the ranges are written for scores 1…scale, and scores 1…k of
///   another bin count are mapped onto that scale first, ends to ends:
///   s′ = 1 + round((s − 1)(scale − 1)/(k − 1)), halves rounded up. When ``scale`` is nil the
///   ranges are in the bins in use and must lie within 1…k.
/// - ``Basis/mean``: each dimension is 2 (high) when strictly better than its mean over the
///   customers and 1 (low) otherwise; better means fewer days for recency, more for frequency and
///   monetary. A dimension in which all customers are equal is low for everyone. The Chinese
///   eight-class model (``chineseEightClass``) uses it.
public struct SegmentTable: Sendable, Hashable, Codable {
    /// What the ranges of a table are written in.
    public enum Basis: String, Sendable, Hashable, Codable {
        /// Quantile scores 1…k.
        case scores
        /// 1 = at or below the mean (worse), 2 = above it (better).
        case mean
    }

    /// An inclusive range of scores, lower ≤ upper, both ≥ 1.
    public struct ScoreRange: Sendable, Hashable, Codable, CustomStringConvertible {
        /// The lowest score in the range.
        public var lower: Int
        /// The highest score in the range.
        public var upper: Int

        /// The scores lower…upper.
        public init(_ lower: Int, _ upper: Int) {
            self.lower = lower
            self.upper = upper
        }

        /// One score.
        public init(_ score: Int) { self.init(score, score) }

        @inline(__always)
        /// Whether `score` lies in `lower...upper`.
        public func contains(_ score: Int) -> Bool { score >= lower && score <= upper }

        /// `4-5`, or `3` for one score.
        public var description: String { lower == upper ? "\(lower)" : "\(lower)-\(upper)" }
    }

    /// One named segment.
    public struct Segment: Sendable, Hashable, Codable {
        /// The label; its English text identifies the segment.
        public var name: LocalizedText
        /// The R scores of the segment.
        public var recency: ScoreRange
        /// The F scores of the segment.
        public var frequency: ScoreRange
        /// The M scores of the segment.
        public var monetary: ScoreRange
        /// The recommended action.
        public var action: LocalizedText?
        /// The line of the segment file that defines it, for messages.
        public var line: Int?

        /// A segment; see ``SegmentTable`` for what the ranges mean.
        public init(name: LocalizedText, recency: ScoreRange, frequency: ScoreRange, monetary: ScoreRange,
                    action: LocalizedText? = nil, line: Int? = nil) {
            self.name = name
            self.recency = recency
            self.frequency = frequency
            self.monetary = monetary
            self.action = action
            self.line = line
        }

        func contains(_ r: Int, _ f: Int, _ m: Int) -> Bool {
            recency.contains(r) && frequency.contains(f) && monetary.contains(m)
        }
    }

    /// The table's name: "default", "cn8", or the file it came from.
    public var name: String
    /// What the ranges are written in.
    public var basis: Basis
    /// The top score the ranges are written for; nil for the bins in use (``Basis/scores`` only).
    public var scale: Int?
    /// The segments, in matching order (first match wins).
    public var segments: [Segment]
    /// The label and action of customers in no segment.
    public var others: Segment
    /// Actions that replace the standard ones for tiers, value-matrix cells and ABC classes.
    public var playbook: Playbook
    /// The file the table was read from.
    public var source: String?

    /// The label of customers in no segment, unless a table names it otherwise.
    public static let defaultOthers = Segment(
        name: LocalizedText(en: "Others", zh: "其他客户"), recency: ScoreRange(1), frequency: ScoreRange(1),
        monetary: ScoreRange(1),
        action: LocalizedText(en: "No specific action: keep in regular marketing", zh: "无特定策略，常规营销维护"))

    /// A validated table.
    /// - Throws: ``SegmentationError`` (with the file and line of the segment) for a range below 1,
    ///   a lower end above the upper, a range above the scale, a repeated name, or a segment that
    ///   earlier segments cover entirely.
    public init(name: String, basis: Basis = .scores, scale: Int? = nil, segments: [Segment],
                others: Segment = SegmentTable.defaultOthers, playbook: Playbook = Playbook(),
                source: String? = nil) throws {
        self.init(unchecked: name, basis: basis, scale: basis == .mean ? 2 : scale, segments: segments,
                  others: others, playbook: playbook, source: source)
        try validate()
    }

    init(unchecked name: String, basis: Basis, scale: Int?, segments: [Segment], others: Segment,
         playbook: Playbook = Playbook(), source: String? = nil) {
        self.name = name
        self.basis = basis
        self.scale = scale
        self.segments = segments
        self.others = others
        self.playbook = playbook
        self.source = source
    }

    func error(_ message: String, _ segment: Segment?) -> SegmentationError {
        SegmentationError(message, file: source, line: segment?.line)
    }

    /// Checks the ranges, the names, and that every segment can be assigned.
    /// - Throws: ``SegmentationError``.
    public func validate() throws {
        guard !segments.isEmpty else { throw error("the segment table has no segments", nil) }
        guard segments.count < Int(UInt16.max) else { throw error("too many segments (\(segments.count))", nil) }
        if let scale, !(2...RFMScoring.allowedBins.upperBound).contains(scale) {
            throw error("scale must be from 2 to 10, got \(scale)", nil)
        }
        var seen: [String: Segment] = [:]
        for segment in segments {
            for (dimension, range) in [("R", segment.recency), ("F", segment.frequency), ("M", segment.monetary)] {
                guard range.lower >= 1, range.lower <= range.upper else {
                    throw error("segment \"\(segment.name.en)\": \(dimension) range \(range.lower)-\(range.upper) is malformed: "
                                + "expected low-high with 1 ≤ low ≤ high", segment)
                }
                if range.upper > RFMScoring.allowedBins.upperBound {
                    throw error("segment \"\(segment.name.en)\": \(dimension) range \(range) goes above 10, the most bins there can be", segment)
                }
                if let scale, range.upper > scale {
                    throw error("segment \"\(segment.name.en)\": \(dimension) range \(range) goes above \(scale), the top score of this table", segment)
                }
            }
            if let earlier = seen[segment.name.en] {
                let first = earlier.line.map { " (first at line \($0))" } ?? ""
                throw error("segment name \"\(segment.name.en)\" is used twice\(first); give each segment its own name", segment)
            }
            seen[segment.name.en] = segment
        }
        // Without a scale the ranges are in the bins in use; every bin count that fits them has
        // the same score triples inside each range, so checking up to the largest score is exact.
        try checkReachable(top: scale ?? segments.map { max($0.recency.upper, $0.frequency.upper, $0.monetary.upper) }.max() ?? 1)
    }

    /// Checks that each segment holds at least one score triple of 1…top no earlier segment holds.
    func checkReachable(top: Int) throws {
        var claimed = [Int](repeating: 0, count: segments.count)
        var coveredBy = [Set<Int>](repeating: [], count: segments.count)
        for r in 1...top {
            for f in 1...top {
                for m in 1...top {
                    guard let first = segments.firstIndex(where: { $0.contains(r, f, m) }) else { continue }
                    claimed[first] += 1
                    for k in (first + 1)..<max(first + 1, segments.count) where segments[k].contains(r, f, m) {
                        coveredBy[k].insert(first)
                    }
                }
            }
        }
        for (k, segment) in segments.enumerated() where claimed[k] == 0 {
            let covering = coveredBy[k].sorted().map { j in
                "\"\(segments[j].name.en)\"" + (segments[j].line.map { " (line \($0))" } ?? "")
            }
            let rangeText = "R \(segment.recency), F \(segment.frequency), M \(segment.monetary)"
            throw error("segment \"\(segment.name.en)\" (\(rangeText)) overlaps earlier segments that cover all of it — "
                        + "\(covering.joined(separator: ", ")) — so no customer could be in it (the first match wins); "
                        + "move it before them or change its ranges", segment)
        }
    }

    /// The score a table range is compared with, for score `s` of `bins` bins.
    @inline(__always)
    func tableScore(_ s: Int, bins: Int) -> Int {
        guard basis == .scores, let scale, scale != bins else { return s }
        // Round half up in integers: (2(s−1)(S−1) + (k−1)) / (2(k−1)).
        return 1 + (2 * (s - 1) * (scale - 1) + (bins - 1)) / (2 * (bins - 1))
    }

    /// The segment of every score triple, as a dense table.
    struct Lookup: Sendable {
        /// Scores per dimension: k for ``Basis/scores``, 2 for ``Basis/mean``.
        var side: Int
        /// `table[((r − 1)·side + (f − 1))·side + (m − 1)]`: index into ``segments``, or
        /// `segments.count` for Others.
        var table: [UInt16]
    }

    /// The dense lookup for scores of `bins` bins.
    /// - Throws: ``SegmentationError`` when a table without a scale has a range above `bins`, or
    ///   a segment that cannot be assigned at `bins`.
    func lookup(bins: Int) throws -> Lookup {
        let side = basis == .mean ? 2 : bins
        if scale == nil {
            for segment in segments {
                for (dimension, range) in [("R", segment.recency), ("F", segment.frequency), ("M", segment.monetary)]
                where range.upper > bins {
                    throw error("segment \"\(segment.name.en)\": \(dimension) range \(range) goes above \(bins), the top score with --bins \(bins)", segment)
                }
            }
        }
        var table = [UInt16](repeating: UInt16(segments.count), count: side * side * side)
        for r in 1...side {
            for f in 1...side {
                for m in 1...side {
                    let (tr, tf, tm) = (tableScore(r, bins: bins), tableScore(f, bins: bins), tableScore(m, bins: bins))
                    if let k = segments.firstIndex(where: { $0.contains(tr, tf, tm) }) {
                        table[((r - 1) * side + (f - 1)) * side + (m - 1)] = UInt16(k)
                    }
                }
            }
        }
        return Lookup(side: side, table: table)
    }

    /// The segment of each customer: an index into ``segments``, or `segments.count` for Others.
    /// - Parameters:
    ///   - input: the customers (used by the ``Basis/mean`` basis).
    ///   - scores: their quantile scores (used by the ``Basis/scores`` basis).
    /// - Throws: ``SegmentationError`` when the table does not fit the bins of `scores`.
    /// - Complexity: O(n).
    public func assign(_ input: RFMInput, scores: RFMScores) throws -> SegmentAssignment {
        let lookup = try lookup(bins: scores.bins)
        let n = input.count
        var segment = [UInt16](repeating: 0, count: n)
        var means: SegmentAssignment.Means?
        switch basis {
        case .scores:
            lookup.table.withUnsafeBufferPointer { table in
            scores.recency.withUnsafeBufferPointer { r in
            scores.frequency.withUnsafeBufferPointer { f in
            scores.monetary.withUnsafeBufferPointer { m in
            segment.withUnsafeMutableBufferPointer { out in
                let side = lookup.side
                for i in 0..<n {
                    out[i] = table[((Int(r[i]) - 1) * side + (Int(f[i]) - 1)) * side + (Int(m[i]) - 1)]
                }
            }}}}}
        case .mean:
            let m = SegmentAssignment.Means(input)
            means = m
            // A column without variance is low for everyone (its mean may differ from its one value by rounding).
            let rMean = m.recencyConstant ? -Double.infinity : m.recency
            let fMean = m.frequencyConstant ? Double.infinity : m.frequency
            let mMean = m.monetaryConstant ? Double.infinity : m.monetary
            lookup.table.withUnsafeBufferPointer { table in
            input.recencyDays.withUnsafeBufferPointer { r in
            input.frequency.withUnsafeBufferPointer { f in
            input.monetary.withUnsafeBufferPointer { mon in
            segment.withUnsafeMutableBufferPointer { out in
                for i in 0..<n {
                    let rHigh = r[i] < rMean ? 1 : 0
                    let fHigh = f[i] > fMean ? 1 : 0
                    let mHigh = mon[i] > mMean ? 1 : 0
                    out[i] = table[(rHigh * 2 + fHigh) * 2 + mHigh]
                }
            }}}}}
        }
        return SegmentAssignment(segment: segment, means: means)
    }
}

/// The segment of every customer, in the order of the input.
public struct SegmentAssignment: Sendable, Hashable, Codable {
    /// The means a ``SegmentTable/Basis/mean`` table splits at.
    public struct Means: Sendable, Hashable, Codable {
        /// Mean days since the last purchase.
        public var recency: Double
        /// Mean orders in the window.
        public var frequency: Double
        /// Mean spend in the window.
        public var monetary: Double
        var recencyConstant = false
        var frequencyConstant = false
        var monetaryConstant = false

        enum CodingKeys: String, CodingKey { case recency, frequency, monetary }

        /// - Complexity: O(n).
        init(_ input: RFMInput) {
            func stats(_ values: [Double]) -> (mean: Double, constant: Bool) {
                guard let first = values.first else { return (0, true) }
                var sum = 0.0, constant = true
                for v in values {
                    sum += v
                    if v != first { constant = false }
                }
                return (sum / Double(values.count), constant)
            }
            (recency, recencyConstant) = stats(input.recencyDays)
            (frequency, frequencyConstant) = stats(input.frequency)
            (monetary, monetaryConstant) = stats(input.monetary)
        }
    }

    /// Index into the table's segments, or their count for Others.
    public var segment: [UInt16]
    /// The means split at (``SegmentTable/Basis/mean`` tables only).
    public var means: Means?
}
