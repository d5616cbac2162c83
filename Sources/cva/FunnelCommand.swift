import ArgumentParser
import CustomerValue
import Foundation

/// `cva funnel`: the sales funnel of an opportunities file.
struct FunnelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funnel",
        abstract: "Sales funnel from opportunities.csv: stage reach and conversion, days in stage, win rate, cycle, weighted pipeline, velocity, stale deals.",
        discussion: """
            Reached stage k = a date for stage k or a later stage, the stage column naming k or later, \
            or won. Days in stage = from entering it to entering the next stage with a date, else the \
            close, else (open) --as-of. Win probability of a stage = won / closed among those that \
            reached it; weighted pipeline = Σ open amount × the win probability of its current stage. \
            Cycle days = mean creation-to-close days of the won deals. Velocity per day = open \
            opportunities × average won deal × win rate / cycle days. Stale = open and in its current \
            stage more than --stale-days days, most valuable first.

            Rows whose stage dates go backwards, with an unknown stage, won or lost without a close \
            date, open with one, or a repeated id are set aside (--quarantine) and counted.

            --format json prints everything; csv prints the stage rows; table a readable report.
            """)

    @Argument(help: "An opportunities CSV, or a data set folder holding opportunities.csv.")
    var input: String

    @Option(name: .customLong("stale-days"), parsing: .unconditional, help: "Open opportunities in their current stage longer than this are stale (default: cva.yaml's stale_days, else 45).")
    var staleDays: Int?
    @Option(name: .customLong("as-of"), help: "Day open opportunities are measured to (yyyy-MM-dd); default: the latest date in the file.")
    var asOf: String?
    @Option(help: "Stages in order, each optionally NAME=DATE_COLUMN (default columns: created_at for the first, else the standard one or NAME_at).")
    var stages: String = "lead,qualified,proposal,negotiation"
    @Option(name: .customLong("close-col"), help: "Column of the close date (won or lost).")
    var closeColumn: String = "closed_at"
    @Option(help: "Breakdowns, comma-separated: owner, segment, month (each where the data has it), or none.")
    var by: String = "owner,segment,month"
    @Option(name: .customLong("date-format"), help: "Date pattern for day-first or month-first files, e.g. dd/MM/yyyy.")
    var dateFormat: String?
    @Option(help: "Write rows that were set aside to this CSV (file, line, column, reason, raw); created only when there are such rows.")
    var quarantine: String = "cva-quarantine.csv"
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReportingErrors {
            let path = try Self.opportunitiesPath(input)
            let options = try funnelOptions(config: configOf(input: input))
            let sink = LazyQuarantineFile(path: quarantine)
            let file = try SalesOpportunity.read(path: path, stages: options.stages, dateFormat: dateFormat, quarantine: sink)
            try sink.close()
            if let asOf = options.asOf, let last = file.opportunities.compactMap(\.latestDay).max() {
                try DateSpan.check(from: last, "the data's last date", to: asOf, "the as-of day")
            }
            let funnel = SalesFunnel(file: file, options: options)
            let setAside = funnel.counts.rejected + funnel.counts.setAside.values.reduce(0, +)
            if setAside > 0 {
                let reasons = funnel.counts.setAside.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                let detail = (funnel.counts.rejected > 0 ? ["schema checks \(funnel.counts.rejected)"] : []) + reasons
                Console.note("note: \(setAside) rows set aside (\(detail.joined(separator: ", "))), written to \(quarantine)")
            }
            if funnel.counts.afterAsOf > 0 {
                Console.note("note: \(funnel.counts.afterAsOf) opportunities dated after \(funnel.asOf?.iso ?? "") are left out")
            }
            let out = try ByteSink(path: output.out)
            switch output.resolvedFormat {
            case .json: try out.write(jsonText(funnel))
            case .csv: try Self.stageTable(funnel.metrics).writeCSV(to: out)
            case .table: try Self.writeReport(funnel, file: path, to: out)
            }
            try out.close()
        }
    }

    static let staleExpectation = "expected a number of days, 0 or more"

    /// The funnel settings from the flags; where `--stale-days` is not given, `cva.yaml`
    /// (`config`, setting `stale_days`) may set it.
    func funnelOptions(config: DataSetConfig = DataSetConfig()) throws -> FunnelOptions {
        let staleDays = try config.wholeNumber("stale_days", flag: self.staleDays, flagName: "stale-days", default: 45,
                                               expected: Self.staleExpectation, isValid: { $0 >= 0 })
        let groupings = try by.lowercased() == "none" ? [] : by.split(separator: ",").map { name -> FunnelGrouping in
            guard let g = FunnelGrouping(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw CLIError("--by \(by): expected owner, segment, month (comma-separated) or none")
            }
            return g
        }
        return FunnelOptions(
            stages: try FunnelStages(parsing: stages, closeColumn: closeColumn), staleDays: staleDays,
            asOf: try asOf.map { try parseDay($0, flag: "--as-of") }, groupings: groupings)
    }

    /// The opportunities file of `input`: the file itself, or opportunities.csv of a folder.
    static func opportunitiesPath(_ input: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw CLIError("\(input): no such file or folder")
        }
        guard isDirectory.boolValue else { return input }
        guard let path = try DataSet(directory: input).files[FileSchema.opportunities.name] else {
            throw CLIError("\(input): no opportunities.csv in the folder")
        }
        return path
    }

    /// The columns of `cva funnel --format csv`, one row per stage then `won`.
    static let stageColumns = [
        "stage", "reached", "conversion_from_previous", "avg_days_in_stage", "median_days_in_stage", "with_days", "open",
        "lost", "win_probability",
    ]

    static func stageTable(_ m: FunnelMetrics) -> OutputTable {
        let rows = m.stages
        @Sendable func cell(_ v: Double?) -> Cell { v.map { .number($0) } ?? .empty }
        return OutputTable(columns: stageColumns, rowCount: rows.count) { r, k in
            let s = rows[r]
            switch k {
            case 0: return .text(s.stage)
            case 1: return .int(s.reached)
            case 2: return cell(s.conversionFromPrevious)
            case 3: return cell(s.avgDaysInStage)
            case 4: return cell(s.medianDaysInStage)
            case 5: return .int(s.withDays)
            case 6: return .int(s.open)
            case 7: return .int(s.lost)
            case 8: return cell(s.winProbability)
            default: return .empty
            }
        }
    }

    /// The readable report of `--format table`.
    static func writeReport(_ f: SalesFunnel, file: String, to sink: ByteSink) throws {
        let m = f.metrics
        func number(_ v: Double?, _ decimals: Int = 2) -> String { v.map { String(format: "%.\(decimals)f", $0) } ?? "–" }
        func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
        var text = "Sales funnel of \(file): \(m.opportunities) opportunities (\(m.open) open, \(m.won) won, \(m.lost) lost)"
        text += f.asOf.map { ", as of \($0.iso)\n" } ?? "\n"
        text += "win rate \(percent(m.winRate)), overall conversion \(percent(m.overallConversion)), "
        text += "cycle \(number(m.cycleDays, 1)) days (median \(number(m.cycleDaysMedian, 1))), average won deal \(number(m.averageDealSize))\n"
        text += "pipeline \(number(m.pipelineValue)), weighted \(number(m.pipelineWeightedValue)), velocity \(number(m.velocityPerDay)) per day\n\n"
        try sink.write(text)
        text = ""
        try stageTable(m).writeTable(to: sink, limit: m.stages.count)
        for grouping in FunnelGrouping.allCases {
            guard let groups = f.by[grouping.rawValue] else { continue }
            text += "\nBy \(grouping.rawValue)\n"
            let table = OutputTable(columns: [grouping.rawValue, "opportunities", "open", "won", "lost", "win_rate", "cycle_days",
                                              "pipeline_weighted_value", "velocity_per_day"], rowCount: groups.count) { r, k in
                let g = groups[r].metrics
                func cell(_ v: Double?) -> Cell { v.map { .number(($0 * 100).rounded() / 100) } ?? .empty }
                switch k {
                case 0: return .text(groups[r].key)
                case 1: return .int(g.opportunities)
                case 2: return .int(g.open)
                case 3: return .int(g.won)
                case 4: return .int(g.lost)
                case 5: return cell(g.winRate)
                case 6: return cell(g.cycleDays)
                case 7: return cell(g.pipelineWeightedValue)
                default: return cell(g.velocityPerDay)
                }
            }
            try sink.write(text)
            text = ""
            try table.writeTable(to: sink, limit: 30)
        }
        text += "\nStale: \(f.stale.count) open opportunities in their stage more than \(f.staleDays) days, most valuable first\n"
        if !f.stale.isEmpty {
            let stale = f.stale
            let table = OutputTable(columns: ["opportunity_id", "stage", "days_in_stage", "amount", "owner"], rowCount: stale.count) { r, k in
                let s = stale[r]
                switch k {
                case 0: return .text(s.opportunityID)
                case 1: return .text(s.stage)
                case 2: return .int(s.daysInStage)
                case 3: return s.amount.map { .number($0) } ?? .empty
                default: return .text(s.owner ?? "")
                }
            }
            try sink.write(text)
            text = ""
            try table.writeTable(to: sink, limit: 20)
        }
        let c = f.counts
        let setAside = c.setAside.values.reduce(0, +)
        if c.rejected + setAside + c.afterAsOf > 0 {
            text += "\nLeft out: \(c.rejected) rows rejected by the schema checks, \(setAside) set aside by the funnel"
            if !c.setAside.isEmpty { text += " (" + c.setAside.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")" }
            if c.afterAsOf > 0 { text += ", \(c.afterAsOf) dated after the as-of day" }
            text += "\n"
        }
        try sink.write(text)
    }

    /// For `cva analyze`: when the data set has an opportunities file, computes the funnel with the
    /// default settings but `staleDays` (cva.yaml's `stale_days`) and writes `funnel.json` into `outputFolder`.
    ///
    /// Rows the schema rejects are not quarantined again (the data set profile already did); rows
    /// the funnel sets aside go to `quarantine`.
    /// - Returns: the paths written and the digest lines; both empty without an opportunities file.
    ///   A file the funnel cannot use gives a digest line, not an error.
    static func analyzeSection(dataSet: DataSet, outputFolder: String, staleDays: Int = 45,
                               quarantine: QuarantineSink?) throws -> (written: [String], lines: [String]) {
        guard let path = dataSet.files[FileSchema.opportunities.name] else { return ([], []) }
        let funnel: SalesFunnel
        do {
            let file = try SalesOpportunity.read(path: path, quarantine: quarantine, quarantineSchemaRejections: false)
            funnel = SalesFunnel(file: file, options: FunnelOptions(staleDays: staleDays))
        } catch let error as FunnelError {
            return ([], ["funnel: not computed (\(error))"])
        } catch let error as ColumnMappingError {
            return ([], ["funnel: not computed (\(error))"])
        } catch let error as InputError {
            return ([], ["funnel: not computed (\(error))"])
        }
        let out = (outputFolder as NSString).appendingPathComponent("funnel.json")
        let sink = try ByteSink(path: out)
        try sink.write(jsonText(funnel))
        try sink.close()
        let m = funnel.metrics
        func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
        var line = "funnel: \(m.opportunities) opportunities, win rate \(percent(m.winRate))"
        line += String(format: ", weighted pipeline %.2f, %d stale (> %d days)", m.pipelineWeightedValue, funnel.stale.count, funnel.staleDays)
        return ([out], [line])
    }
}
