import Foundation
import Yams

/// The optional `cva.yaml` of a data set folder: how to read each file, and analysis settings.
///
/// ```yaml
/// transactions:              # also customers, tickets, surveys, events, opportunities
///   file: 订单导出.csv         # the file's name in the folder, when it is not transactions.csv
///   encoding: gb18030        # auto, utf8, gb18030 (gbk, gb2312), utf16le, utf16be
///   delimiter: ";"           # auto, ",", ";", tab, "|"
///   date_format: dd/MM/yyyy  # for day-first or month-first dates
///   columns:                 # role: the file's header name (or 1-based column number)
///     customer_id: 会员编号
///     date: 支付时间
///     amount: 实付金额
/// settings:                  # see ``DataSetConfig/knownSettings``; a command-line flag beats the file
///   unit: week
///   window_days: 180
/// ```
/// Unknown keys are errors (with their line), so that a typing mistake is never silently ignored.
public struct DataSetConfig: Sendable, Hashable {
    /// How to read one file of the data set.
    public struct FileConfig: Sendable, Hashable {
        /// The file's name in the folder (relative to it), when it differs from the default.
        public var file: String?
        /// Encoding name, as `--encoding` takes it.
        public var encoding: String?
        /// Delimiter, as `--delimiter` takes it.
        public var delimiter: String?
        /// Date pattern, as `--date-format` takes it.
        public var dateFormat: String?
        /// Column role → header name (or 1-based number).
        public var columns: [String: String] = [:]

        /// Creates the value from its parts; each property's comment gives its meaning and domain.
        public init(file: String? = nil, encoding: String? = nil, delimiter: String? = nil, dateFormat: String? = nil,
                    columns: [String: String] = [:]) {
            self.file = file
            self.encoding = encoding
            self.delimiter = delimiter
            self.dateFormat = dateFormat
            self.columns = columns
        }
    }

    /// One setting's text and the line it was on.
    public struct Setting: Sendable, Hashable {
        public var text: String
        public var line: Int?
    }

    /// The file the configuration came from (for messages).
    public var source: String?
    /// Per file kind (`transactions`, `customers`, ...).
    public var files: [String: FileConfig] = [:]
    /// Settings by name.
    public var settings: [String: Setting] = [:]

    /// The file kinds a configuration may describe.
    public static let fileKinds = ["transactions"] + FileSchema.dataSetFiles.map(\.name)

    /// The settings `cva.yaml` may hold, with what each means (the command-line flag of the same
    /// name beats it).
    public static let knownSettings: [String: String] = [
        "unit": "time unit of recency and T: day, week or month",
        "window_days": "trailing window of the RFM columns, in days",
        "returns": "negative amounts: net, drop or keep",
        "outlier_factor": "flag orders above this multiple of the median order",
        "observation_end": "last day of the observation period (yyyy-MM-dd)",
        "keep_duplicates": "keep exact duplicate rows (true/false)",
        "bins": "RFM score bins (3 to 10)",
        "weights": "RFM weights w_R,w_F,w_M summing to 1",
        "thresholds": "RFM tier thresholds, descending",
        "segments": "segment table: default, cn8 or a file in the folder",
        "horizon_days": "churn horizon in days",
        "rules": "churn warning rules file in the folder",
        "stale_days": "days after which an open opportunity is stale",
        "period": "cohort and KPI period: week, month or quarter",
        "clv_months": "CLV horizon in months",
        "discount_rate": "monthly discount rate of the CLV",
    ]

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(source: String? = nil, files: [String: FileConfig] = [:], settings: [String: Setting] = [:]) {
        self.source = source
        self.files = files
        self.settings = settings
    }

    /// Reads `cva.yaml` text.
    /// - Throws: ``InputError`` naming the file and line of what is wrong.
    public init(yaml: String, source: String = "cva.yaml") throws {
        self.source = source
        func fail(_ message: String, _ node: Node?) -> InputError {
            InputError(file: source, message: (node?.mark.map { "line \($0.line): " } ?? "") + message)
        }
        let root = try YAMLText.compose(yaml) { message, line in
            InputError(file: source, message: (line.map { "line \($0): " } ?? "") + message)
        }
        guard let root else { return }   // an empty file configures nothing
        guard let top = root.mapping else { throw fail("expected a mapping of file kinds and settings:", root) }
        func scalar(_ node: Node, _ what: String) throws -> String {
            guard let s = node.scalar?.string else { throw fail("\(what) must be a single value", node) }
            return s
        }
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            if key == "settings" {
                guard let map = value.mapping else { throw fail("settings: must be a mapping of name: value", value) }
                for (nameNode, settingNode) in map {
                    let name = nameNode.string ?? ""
                    guard Self.knownSettings[name] != nil else {
                        throw fail("unknown setting \"\(name)\"; expected one of \(Self.knownSettings.keys.sorted().joined(separator: ", "))", nameNode)
                    }
                    let text: String
                    if let list = settingNode.sequence {
                        text = try list.map { try scalar($0, name) }.joined(separator: ",")
                    } else {
                        text = try scalar(settingNode, name)
                    }
                    settings[name] = Setting(text: text, line: settingNode.mark?.line)
                }
                continue
            }
            guard Self.fileKinds.contains(key) else {
                throw fail("unknown key \"\(key)\"; expected settings or a file kind: \(Self.fileKinds.joined(separator: ", "))", keyNode)
            }
            guard let map = value.mapping else { throw fail("\(key): must be a mapping (file, encoding, delimiter, date_format, columns)", value) }
            var config = FileConfig()
            for (fieldNode, fieldValue) in map {
                let field = fieldNode.string ?? ""
                switch field {
                case "file": config.file = try scalar(fieldValue, "\(key).file")
                case "encoding": config.encoding = try scalar(fieldValue, "\(key).encoding")
                case "delimiter": config.delimiter = try scalar(fieldValue, "\(key).delimiter")
                case "date_format": config.dateFormat = try scalar(fieldValue, "\(key).date_format")
                case "columns":
                    guard let columns = fieldValue.mapping else { throw fail("\(key).columns must be a mapping of role: header name", fieldValue) }
                    for (roleNode, headerNode) in columns {
                        config.columns[roleNode.string ?? ""] = try scalar(headerNode, "\(key).columns.\(roleNode.string ?? "")")
                    }
                default:
                    throw fail("unknown key \"\(field)\" under \(key); expected file, encoding, delimiter, date_format or columns", fieldNode)
                }
            }
            files[key] = config
        }
    }

    /// Reads `cva.yaml` (or `cva.yml`) in `directory`; an empty configuration when there is none.
    /// - Throws: ``InputError`` when the file exists but cannot be read or is wrong.
    public static func load(directory: String) throws -> DataSetConfig {
        for name in ["cva.yaml", "cva.yml"] {
            let path = (directory as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw InputError(file: path, message: "cannot read the file")
            }
            var bytes = [UInt8](data)
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw InputError(file: path, message: "is not UTF-8 text; save it as UTF-8")
            }
            return try DataSetConfig(yaml: text, source: path)
        }
        return DataSetConfig()
    }

    /// The text of setting `name`, if set.
    public func text(_ name: String) -> String? { settings[name]?.text }

    /// Setting `name` as a number.
    /// - Throws: ``InputError`` with the line when it is not a number.
    public func number(_ name: String) throws -> Double? {
        guard let s = settings[name] else { return nil }
        guard let v = Double(s.text.trimmingCharacters(in: .whitespaces)), v.isFinite else {
            throw InputError(file: source ?? "cva.yaml", message: (s.line.map { "line \($0): " } ?? "") + "\(name): \"\(s.text)\" is not a number")
        }
        return v
    }

    /// Setting `name` as a whole number.
    /// - Throws: ``InputError`` with the line when it is not one.
    public func integer(_ name: String) throws -> Int? {
        guard let v = try number(name) else { return nil }
        guard v == v.rounded(), abs(v) < 1e15 else {
            throw InputError(file: source ?? "cva.yaml", message: (settings[name]?.line.map { "line \($0): " } ?? "") + "\(name) must be a whole number")
        }
        return Int(v)
    }

    /// An error about setting `name`, with its line.
    public func error(_ name: String, _ message: String) -> InputError {
        InputError(file: source ?? "cva.yaml", message: (settings[name]?.line.map { "line \($0): " } ?? "") + "\(name): \(message)")
    }
}
