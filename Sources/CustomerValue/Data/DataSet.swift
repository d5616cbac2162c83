import Foundation

/// A folder of CRM export files: `transactions.csv` (required) and any of `customers.csv`,
/// `tickets.csv`, `surveys.csv`, `events.csv`, `opportunities.csv`. File names are matched
/// case-insensitively; other files are listed as unrecognised.
public struct DataSet: Sendable {
    /// The folder.
    public var directory: String
    /// The transactions file, if present.
    public var transactions: String?
    /// Schema name → file path, for the other recognised files.
    public var files: [String: String]
    /// CSV files in the folder that match no known name.
    public var unrecognized: [String]
    /// The folder's `cva.yaml`, empty when there is none.
    public var config: DataSetConfig

    /// Looks at the files in `directory`.
    /// - Throws: ``InputError`` when the folder cannot be read.
    public init(directory: String) throws {
        self.directory = directory
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw InputError(file: directory, message: "cannot list the folder: \(error.localizedDescription)")
        }
        files = [:]
        unrecognized = []
        transactions = nil
        config = try DataSetConfig.load(directory: directory)
        // Files that cva.yaml names explicitly.
        var named: [String: String] = [:]
        for (kind, file) in config.files {
            guard let name = file.file else { continue }
            let path = (directory as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else {
                throw InputError(file: config.source ?? "cva.yaml", message: "\(kind).file: \(name) is not in the folder \(directory)")
            }
            named[name.lowercased()] = kind
            if kind == "transactions" { transactions = path } else { files[kind] = path }
        }
        let known = Set(FileSchema.dataSetFiles.map(\.name))
        for name in names where named[name.lowercased()] == nil {
            let lower = name.lowercased()
            guard lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") || lower.hasSuffix(".txt") else { continue }
            let stem = String(lower.prefix(upTo: lower.lastIndex(of: ".") ?? lower.endIndex))
            let path = (directory as NSString).appendingPathComponent(name)
            if stem == "transactions" || stem == "orders" {
                if transactions == nil { transactions = path }
            } else if known.contains(stem) {
                if files[stem] == nil { files[stem] = path }
            } else if !stem.hasPrefix("truth") && !stem.hasSuffix("quarantine") {
                unrecognized.append(name)
            }
        }
    }
}

/// The quality report of a whole data set.
public struct DataSetProfile: Sendable, Codable {
    public var transactions: TransactionFileReport?
    public var files: [TableFileReport]
    /// Files that could not be read at all, with why.
    public var unusable: [UnusableFile]
    /// CSV files with no known name (not read).
    public var unrecognized: [String]

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(transactions: TransactionFileReport?, files: [TableFileReport], unusable: [UnusableFile], unrecognized: [String]) {
        self.transactions = transactions
        self.files = files
        self.unusable = unusable
        self.unrecognized = unrecognized
    }

    /// A file that could not be read at all.
    public struct UnusableFile: Sendable, Codable, Hashable {
        public var file: String
        public var message: String
    }

    /// Profiles every file of `dataSet`. The transactions file is read with `options` (and its
    /// history returned, so a caller does not read it twice); each other file is checked against
    /// its schema. A file that cannot be read is listed in ``unusable`` rather than stopping the rest.
    /// - Parameter keepHistory: false when only the report is wanted: the purchase periods are
    ///   then dropped one block of customers at a time (``TransactionLoader/stream(path:options:quarantine:progress:start:periods:)``),
    ///   so memory does not grow with the purchase days, and the returned history is nil.
    /// - Throws: the error of the transactions file when `requireTransactions` and it cannot be used.
    public static func profile(
        _ dataSet: DataSet, options: TransactionIngestOptions, quarantine: QuarantineSink?,
        requireTransactions: Bool, keepHistory: Bool = true, progress: ((Int, Int?) -> Void)? = nil
    ) throws -> (profile: DataSetProfile, history: TransactionHistory?) {
        var profile = DataSetProfile(transactions: nil, files: [], unusable: [], unrecognized: dataSet.unrecognized)
        var history: TransactionHistory?
        // The customers and observation end the side files are checked against.
        var known: (customers: IdentifierTable, end: CalendarDay)?
        if let path = dataSet.transactions {
            do {
                if keepHistory {
                    let loaded = try TransactionLoader.load(path: path, options: options, quarantine: quarantine, progress: progress)
                    history = loaded
                    profile.transactions = loaded.report
                    known = (loaded.identifiers, loaded.observationEnd)
                } else {
                    let streamed = try TransactionLoader.stream(
                        path: path, options: options, quarantine: quarantine, progress: progress) { _ in }
                    profile.transactions = streamed.report
                    // As ``TransactionLoader/load(path:options:quarantine:progress:)`` sets it
                    // when no row was usable.
                    known = (streamed.identifiers, streamed.observationEnd ?? CalendarDay(ordinal: 0))
                }
            } catch {
                if requireTransactions { throw error }
                profile.unusable.append(UnusableFile(file: path, message: "\(error)"))
            }
        } else if requireTransactions {
            throw InputError(file: dataSet.directory, message: "the folder has no transactions.csv (the one file a data set needs)")
        }
        for schema in FileSchema.dataSetFiles {
            guard let path = dataSet.files[schema.name] else { continue }
            do {
                let read = try dataSet.readOptions(schema.name, fallback: options)
                profile.files.append(try TableProfiler.profile(
                    path: path, schema: schema, delimiter: read.delimiter, encoding: read.encoding, dateFormat: read.dateFormat,
                    knownCustomers: known?.customers, observationEnd: known?.end, quarantine: quarantine,
                    columns: read.columns))
            } catch var error as UnreadableDatesError {
                // The format of a side file comes from cva.yaml, not from --date-format.
                error.setting = "\(dataSet.config.source ?? "cva.yaml")'s \(schema.name).date_format"
                profile.unusable.append(UnusableFile(file: path, message: "\(error)"))
            } catch {
                profile.unusable.append(UnusableFile(file: path, message: "\(error)"))
            }
        }
        return (profile, history)
    }
}

/// How to read one file of a data set: what `cva.yaml` says for it, else the command's options.
public struct TableReadOptions: Sendable, Hashable {
    public var delimiter: UInt8?
    public var encoding: TextEncoding?
    public var dateFormat: String?
    /// Role → header name (or 1-based number).
    public var columns: [String: String]

    /// Creates the value from its parts; each property's comment gives its meaning and domain.
    public init(delimiter: UInt8? = nil, encoding: TextEncoding? = nil, dateFormat: String? = nil, columns: [String: String] = [:]) {
        self.delimiter = delimiter
        self.encoding = encoding
        self.dateFormat = dateFormat
        self.columns = columns
    }

    /// The delimiter byte of a name: `auto` (nil), `,`, `;`, `tab`, `|` (also comma, semicolon, pipe).
    /// - Returns: nil for auto; throws for an unknown name.
    public static func delimiter(named name: String, what: String) throws -> UInt8? {
        switch name.lowercased() {
        case "auto": return nil
        case ",", "comma": return 0x2C
        case ";", "semicolon": return 0x3B
        case "\t", "\\t", "tab": return 0x09
        case "|", "pipe": return 0x7C
        default: throw InputError(file: what, message: "delimiter \(name): expected auto, ',', ';', tab or '|'")
        }
    }
}

extension DataSet {
    /// How to read the file of kind `kind`: `cva.yaml`'s entries for it, else the delimiter and
    /// encoding of `fallback` (the command's transaction options) unless those came from
    /// `cva.yaml`'s transactions entry, which describes that file only.
    /// - Throws: ``InputError`` for a wrong encoding, delimiter or date pattern in `cva.yaml`.
    public func readOptions(_ kind: String, fallback: TransactionIngestOptions? = nil) throws -> TableReadOptions {
        let transactionsEntry = kind == "transactions" ? nil : config.files["transactions"]
        var read = TableReadOptions(delimiter: transactionsEntry?.delimiter == nil ? fallback?.delimiter : nil,
                                    encoding: transactionsEntry?.encoding == nil ? fallback?.encoding : nil, dateFormat: nil)
        guard let file = config.files[kind] else { return read }
        let source = config.source ?? "cva.yaml"
        if let name = file.encoding, name.lowercased() != "auto" {
            guard let e = TextEncoding(name: name) else {
                throw InputError(file: source, message: "\(kind).encoding \(name): expected auto, utf8, gb18030, gbk, utf16le or utf16be")
            }
            read.encoding = e
        }
        if let name = file.delimiter { read.delimiter = try TableReadOptions.delimiter(named: name, what: source) }
        if let pattern = file.dateFormat {
            do { _ = try DateParser(pattern: pattern) } catch {
                throw InputError(file: source, message: "\(kind).date_format \(pattern): \(error)")
            }
            read.dateFormat = pattern
        }
        read.columns = file.columns
        return read
    }
}
