/// An error about a settings file (warning rules, a segment table) that names the file and, when
/// known, the line of the problem. Each concern keeps its own error type; they share the message
/// format, `file:line: message`.
public protocol SettingsFileError: Error, CustomStringConvertible {
    /// What is wrong and what was expected.
    var message: String { get }
    /// The file, when the error comes from one.
    var file: String? { get }
    /// The 1-based line in ``file``, when known.
    var line: Int? { get }
}

extension SettingsFileError {
    /// `file:line: message`, `file: message` without a line, or the message alone without a file.
    public var description: String {
        guard let file else { return message }
        return line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
    }
}
