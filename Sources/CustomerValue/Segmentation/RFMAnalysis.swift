import Foundation

/// The settings of an RFM analysis; each has its default.
public struct RFMOptions: Sendable, Hashable {
    /// Quantile scoring: bins and optional fixed cut-points.
    public var scoring: RFMScoring
    /// Weights, tier thresholds and log transform of the weighted score.
    public var weighted: WeightedRFM
    /// The segment table (default: the ten-segment table).
    public var segments: SegmentTable
    /// The split of the value matrix.
    public var valueMatrix: ValueMatrix
    /// The ABC cut-offs and top lines.
    public var abc: ABCAnalysis

    /// Settings, each defaulting to the standard one.
    public init(scoring: RFMScoring = .standard, weighted: WeightedRFM = .standard,
                segments: SegmentTable = .tenSegments, valueMatrix: ValueMatrix = ValueMatrix(),
                abc: ABCAnalysis = .standard) {
        self.scoring = scoring
        self.weighted = weighted
        self.segments = segments
        self.valueMatrix = valueMatrix
        self.abc = abc
    }

    /// The standard playbook with the segment table's overrides.
    public var playbook: Playbook { Playbook.standard.merging(segments.playbook) }
}

/// Every classification of a customer base by R, F and M: quantile scores (``RFMScoring``), the
/// weighted score and tiers (``WeightedRFM``), named segments (``SegmentTable``) and their
/// summary (``SegmentSummary``), the value matrix (``ValueMatrix``, Marcus 1998) and ABC classes
/// (``ABCAnalysis``), each customer in the order of the input.
public struct RFMAnalysis: Sendable {
    /// The settings used.
    public var options: RFMOptions
    /// Quantile R, F, M scores and their cut-points.
    public var scores: RFMScores
    /// Weighted scores and tiers.
    public var weighted: WeightedRFMResult
    /// The segment of each customer.
    public var segments: SegmentAssignment
    /// One summary per segment (see ``SegmentSummary/summarize(_:table:input:)``).
    public var segmentSummaries: [SegmentSummary]
    /// The value-matrix cell of each customer and the cell summaries.
    public var valueMatrix: ValueMatrixResult
    /// The ABC class of each customer and the Pareto summary.
    public var abc: ABCResult

    /// Classifies every customer of `input`.
    /// - Throws: ``SegmentationError`` when the segment table does not fit the bins.
    /// - Complexity: O(n): linear sorts of the three columns, then linear passes, on two threads.
    public init(input: RFMInput, options: RFMOptions = RFMOptions()) throws {
        let playbook = options.playbook
        let sorted = input.sortedColumns()
        let scores = options.scoring.score(input, sorted: sorted)
        let assignment = try options.segments.assign(input, scores: scores)
        // The remaining passes are independent: two threads.
        let box = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            if k == 0 {
                let weighted = options.weighted.score(input, playbook: playbook)
                let summaries = SegmentSummary.summarize(assignment, table: options.segments, input: input)
                box.set { $0.weighted = weighted; $0.summaries = summaries }
            } else {
                let matrix = options.valueMatrix.classify(input, sortedFrequency: sorted.frequency, playbook: playbook)
                let abc = options.abc.classify(revenue: input.monetary, sortedAscending: sorted.monetary, playbook: playbook)
                box.set { $0.valueMatrix = matrix; $0.abc = abc }
            }
        }
        let parts = box.get()
        guard let weighted = parts.weighted, let summaries = parts.summaries, let matrix = parts.valueMatrix,
              let abc = parts.abc else {
            preconditionFailure("a parallel pass produced no result")
        }
        self.options = options
        self.scores = scores
        self.weighted = weighted
        self.segments = assignment
        self.segmentSummaries = summaries
        self.valueMatrix = matrix
        self.abc = abc
    }

    /// Number of customers.
    public var count: Int { scores.count }

    /// The segment label of customer `i` ("Others" when in none).
    public func segmentName(_ i: Int) -> LocalizedText {
        let k = Int(segments.segment[i])
        return k < options.segments.segments.count ? options.segments.segments[k].name : options.segments.others.name
    }

    /// The tier label of customer `i`.
    public func tierName(_ i: Int) -> LocalizedText { weighted.tiers[Int(weighted.tier[i])].name }

    /// The value-matrix cell of customer `i`.
    public func valueMatrixCell(_ i: Int) -> ValueMatrix.Cell { ValueMatrix.Cell.allCases[Int(valueMatrix.cell[i])] }

    /// The ABC class of customer `i`: A, B, C, ….
    public func abcClass(_ i: Int) -> String { abc.summary.classes[Int(abc.classOf[i])].name }
}

/// Results of the parallel passes; each pass writes only its own fields.
private final class ResultBox: @unchecked Sendable {
    struct Parts {
        var weighted: WeightedRFMResult?
        var summaries: [SegmentSummary]?
        var valueMatrix: ValueMatrixResult?
        var abc: ABCResult?
    }
    private var parts = Parts()
    private let lock = NSLock()
    func set(_ body: (inout Parts) -> Void) { lock.lock(); body(&parts); lock.unlock() }
    func get() -> Parts { lock.lock(); defer { lock.unlock() }; return parts }
}
