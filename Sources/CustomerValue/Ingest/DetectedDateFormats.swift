import Foundation

/// A date format a reader found without being told and that the user should hear of: a date
/// column read as Excel serial day numbers (``DateParser/automatic(samples:)``), which a column of
/// plain numbers (amounts, ids) in the wrong place could also look like.
public struct DetectedDateFormat: Sendable, Hashable {
    /// The file read.
    public var file: String
    /// The header name of the date column.
    public var column: String
    /// The format found (``DateParser/excelFormat``).
    public var format: String
}

/// Where every reader of a date column announces a ``DetectedDateFormat`` (the transactions
/// loader, the side-file profiler and the readers built on it), so a front end can tell the user
/// once per file whichever command and reader met the file, however often it is read.
public enum DetectedDateFormats {
    private static let board = NoticeBoard()

    /// Sets the function told of each detection: once per file for the life of the process (the
    /// first date column found in it), from whichever thread read it. Replaces any earlier one.
    public static func observe(_ observer: @escaping @Sendable (DetectedDateFormat) -> Void) {
        board.setObserver(observer)
    }

    /// Announces column `column` of `file` when `parser`, made without a format, reads Excel serials.
    static func announce(_ parser: DateParser, file: String, column: String) {
        if parser.readsExcelSerials { announce(DetectedDateFormat(file: file, column: column, format: DateParser.excelFormat)) }
    }

    /// Tells the observer of `notice`, unless its file was announced before.
    static func announce(_ notice: DetectedDateFormat) {
        board.announce(notice)
    }

    private final class NoticeBoard: @unchecked Sendable {
        private let lock = NSLock()
        private var observer: (@Sendable (DetectedDateFormat) -> Void)?
        private var files: Set<String> = []

        func setObserver(_ observer: @escaping @Sendable (DetectedDateFormat) -> Void) {
            lock.withLock { self.observer = observer }
        }

        func announce(_ notice: DetectedDateFormat) {
            let observer: (@Sendable (DetectedDateFormat) -> Void)? = lock.withLock {
                guard let observer = self.observer, files.insert(notice.file).inserted else { return nil }
                return observer
            }
            observer?(notice)
        }
    }
}
