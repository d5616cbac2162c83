/// A lifecycle analysis that cannot be run as asked: a setting out of range or no purchases.
public struct LifecycleError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What is wrong and how to fix it.
    public var message: String
    /// An error with its message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
