/// A problem generating synthetic data: an invalid configuration, or a file that could not be
/// written. The message says what was wrong and what is allowed.
public struct SyntheticError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What went wrong, in words a user can act on.
    public var message: String

    /// Creates an error with the given message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
