/// Error for segmentation settings or a segment file that cannot be used: weights that do not
/// sum to 1, thresholds out of order, a malformed or unreachable segment, a bin count outside
/// 3–10. Names the file and line when it comes from a file.
public struct SegmentationError: SettingsFileError, Sendable, Hashable {
    /// What is wrong and what was expected.
    public var message: String
    /// The segment file, when the error comes from one.
    public var file: String?
    /// The 1-based line in ``file``, when known.
    public var line: Int?

    /// An error with its message and, when from a file, the file and line.
    public init(_ message: String, file: String? = nil, line: Int? = nil) {
        self.message = message
        self.file = file
        self.line = line
    }
}
