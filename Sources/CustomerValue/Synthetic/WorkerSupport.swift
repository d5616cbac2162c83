import Foundation

/// Reports the number of customers done, the smallest over the worker threads, each time it
/// grows: calls come one at a time (under the lock), with increasing counts.
final class ProgressTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var done: [Int]
    private var reported = 0
    private let callback: (@Sendable (Int) -> Void)?

    init(workers: Int, callback: (@Sendable (Int) -> Void)?) {
        done = Array(repeating: 0, count: workers)
        self.callback = callback
    }

    func update(worker: Int, customersDone: Int) {
        guard let callback else { return }
        lock.lock()
        done[worker] = customersDone
        let least = done.min() ?? 0
        if least > reported {
            reported = least
            callback(least)
        }
        lock.unlock()
    }
}

/// Holds the result (or error) of work run on another thread.
final class ResultSlot<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Value, any Error>?

    func store(_ work: () throws -> Value) {
        let outcome = Result { try work() }
        lock.lock()
        result = outcome
        lock.unlock()
    }

    func take() throws -> Value {
        lock.lock()
        defer { lock.unlock() }
        guard let result else { throw SyntheticError("internal error: a generator thread produced no result") }
        return try result.get()
    }
}

/// What one job wrote; the jobs' outcomes are merged into the report.
struct WorkerOutcome {
    /// Data rows per file name.
    var rows: [String: Int] = [:]
    /// Clean purchases (rows of the BG/NBD process), counted by the customer job.
    var purchases = 0
    /// Injected rows by ``InjectedProblem`` raw value − 1, counted by the transactions job.
    var injected = [Int](repeating: 0, count: InjectedProblem.allCases.count)

    mutating func merge(_ other: WorkerOutcome) {
        rows.merge(other.rows) { first, _ in first }
        purchases += other.purchases
        for index in injected.indices { injected[index] += other.injected[index] }
    }

    var injectedByKind: [String: Int] {
        var byKind: [String: Int] = [:]
        for problem in InjectedProblem.allCases { byKind[problem.key] = injected[problem.rawValue - 1] }
        return byKind
    }

    var injectedInvalid: Int {
        InjectedProblem.allCases.filter { !$0.isValidPurchase }.reduce(0) { $0 + injected[$1.rawValue - 1] }
    }

    var injectedValidUnusual: Int {
        InjectedProblem.allCases.filter(\.isValidPurchase).reduce(0) { $0 + injected[$1.rawValue - 1] }
    }
}
