/// Why a churn learner could not be trained on a feature matrix.
public struct ChurnLearnerError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What went wrong, in words a user can act on.
    public var message: String

    /// An error with its message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// Checks that `matrix` has labels of both classes and at least one row, and returns them.
    /// - Throws: `ChurnLearnerError` when the labels are missing, the matrix is empty, or one
    ///   class is absent ("no positive examples" / "no negative examples").
    static func checkedLabels(_ matrix: FeatureMatrix, role: String = "training") throws -> [UInt8] {
        guard let labels = matrix.labels else {
            throw ChurnLearnerError("the \(role) feature matrix has no labels: a learner needs the 0/1 churn label of every row")
        }
        guard !labels.isEmpty else { throw ChurnLearnerError("the \(role) feature matrix has no rows") }
        var positives = 0
        for y in labels {
            guard y <= 1 else { throw ChurnLearnerError("the \(role) labels must be 0 or 1, found \(y)") }
            positives += Int(y)
        }
        if positives == 0 {
            throw ChurnLearnerError("no positive examples: all \(labels.count) \(role) rows have label 0, so there is nothing to learn")
        }
        if positives == labels.count {
            throw ChurnLearnerError("no negative examples: all \(labels.count) \(role) rows have label 1, so there is nothing to learn")
        }
        return labels
    }
}

/// Runs `body` over `count` items split into `parts` contiguous ranges on as many threads, and
/// returns the per-part results in order (the caller reduces them in a fixed order, so a result
/// does not depend on thread timing).
func parallelParts<T>(count: Int, parts: Int, _ body: @Sendable (Range<Int>) -> T) -> [T] {
    if parts <= 1 { return [body(0..<count)] }
    let results = ParallelResults<T>(count: parts)
    DispatchQueue.concurrentPerform(iterations: parts) { part in
        results.set(part, body((part * count / parts)..<((part + 1) * count / parts)))
    }
    return (0..<parts).compactMap { try? results.value($0) }
}

/// Two threads pay off from about this many rows × columns of work per pass.
let parallelWorkThreshold = 200_000

import Foundation
