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
        let known = Set(FileSchema.dataSetFiles.map(\.name))
        for name in names {
            let lower = name.lowercased()
            guard lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") || lower.hasSuffix(".txt") else { continue }
            let stem = String(lower.prefix(upTo: lower.lastIndex(of: ".") ?? lower.endIndex))
            let path = (directory as NSString).appendingPathComponent(name)
            if stem == "transactions" || stem == "orders" {
                if transactions == nil { transactions = path }
            } else if known.contains(stem) {
                files[stem] = path
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
    /// - Throws: the error of the transactions file when `requireTransactions` and it cannot be used.
    public static func profile(
        _ dataSet: DataSet, options: TransactionIngestOptions, quarantine: QuarantineSink?,
        requireTransactions: Bool, progress: ((Int, Int?) -> Void)? = nil
    ) throws -> (profile: DataSetProfile, history: TransactionHistory?) {
        var profile = DataSetProfile(transactions: nil, files: [], unusable: [], unrecognized: dataSet.unrecognized)
        var history: TransactionHistory?
        if let path = dataSet.transactions {
            do {
                history = try TransactionLoader.load(path: path, options: options, quarantine: quarantine, progress: progress)
                profile.transactions = history?.report
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
                profile.files.append(try TableProfiler.profile(
                    path: path, schema: schema, delimiter: options.delimiter, encoding: options.encoding,
                    knownCustomers: history?.identifiers, observationEnd: history?.observationEnd, quarantine: quarantine))
            } catch {
                profile.unusable.append(UnusableFile(file: path, message: "\(error)"))
            }
        }
        return (profile, history)
    }
}
