import Foundation

extension SyntheticGenerator {
    /// Writes the selected engagement files (tickets, surveys, events, opportunities), block by
    /// block, each from its own random stream.
    /// - Returns: data rows written per file name.
    func writeEngagementFiles(_ files: Set<SyntheticFile>, to directory: URL, tracker: ProgressTracker,
                              worker: Int) throws -> WorkerOutcome {
        let ordered = SyntheticFile.allCases.filter { files.contains($0) }
        var writers: [CSVByteWriter] = []
        var buffers: [[UInt8]] = []
        var rows = [Int](repeating: 0, count: ordered.count)
        for file in ordered {
            writers.append(try CSVByteWriter(url: directory.appendingPathComponent(file.fileName)))
            var buffer = [UInt8]()
            buffer.reserveCapacity(CSVByteWriter.chunkSize + 65_536)
            buffer.append(contentsOf: SyntheticGenerator.header(of: file))
            buffers.append(buffer)
        }
        let days = DayTextTable(from: config.start, through: config.observationEnd)
        var scratch = EngagementScratch()
        var block = SimulatedBlock()
        for blockIndex in 0..<blockCount {
            simulate(block: blockIndex, into: &block)
            for (slot, file) in ordered.enumerated() {
                switch file {
                case .tickets:
                    var rng = generator(block: blockIndex, .tickets)
                    rows[slot] += appendTicketRows(of: block, ticketsBefore: rows[slot], days: days, scratch: &scratch,
                                                   using: &rng, to: &buffers[slot])
                case .surveys:
                    var rng = generator(block: blockIndex, .surveys)
                    rows[slot] += appendSurveyRows(of: block, days: days, using: &rng, to: &buffers[slot])
                case .events:
                    var rng = generator(block: blockIndex, .events)
                    rows[slot] += appendEventRows(of: block, days: days, using: &rng, to: &buffers[slot])
                case .opportunities:
                    var rng = generator(block: blockIndex, .opportunities)
                    rows[slot] += appendOpportunityRows(of: block, opportunitiesBefore: rows[slot], days: days,
                                                        using: &rng, to: &buffers[slot])
                case .transactions, .customers:
                    break
                }
                try writers[slot].flushIfFull(&buffers[slot])
            }
            tracker.update(worker: worker, customersDone: block.firstCustomer + block.count)
        }
        var outcome = WorkerOutcome()
        for (slot, file) in ordered.enumerated() {
            try writers[slot].flush(&buffers[slot])
            try writers[slot].close()
            outcome.rows[file.fileName] = rows[slot]
        }
        return outcome
    }

    // MARK: Tickets

    /// Appends the tickets of every customer in `block`, in time order per customer.
    ///
    /// Each purchase is followed by a ticket with probability 8% (within an exponential delay of
    /// mean 2 days): inquiry 45%, complaint 20%, return 20%, technical 15%. A customer who drops
    /// out also files, with probability 30%, one complaint (two a quarter of the time) in the 30
    /// days before dropout, the churn signal a warning rule can find; those stay unresolved more
    /// often (30% vs 8%).
    /// Texts come from templates of the ticket's theme (delivery, price, quality, service,
    /// waiting, billing), Chinese for 90% of Chinese-speaking customers' tickets and 10% of
    /// the others'.
    /// - Returns: rows appended.
    func appendTicketRows(of block: SimulatedBlock, ticketsBefore: Int, days: DayTextTable, scratch: inout EngagementScratch,
                          using rng: inout SeededGenerator, to buffer: inout [UInt8]) -> Int {
        let horizon = Double(config.observationDays)
        let startOrdinal = Double(config.start.ordinal)
        let idWidth = Swift.max(8, SyntheticGenerator.digitCount(config.customers) + 1)
        let typeWeights = SyntheticEngagementTables.ticketTypes
        let typeNames = SyntheticVocabulary.ticketTypes
        let channels = SyntheticVocabulary.ticketChannels
        let statusNames = SyntheticVocabulary.ticketStatus
        var written = 0
        for i in 0..<block.count {
            let customer = block.firstCustomer + i
            let purchases = block.purchaseRange(i)
            scratch.tickets.removeAll(keepingCapacity: true)
            for k in purchases where rng.nextBernoulli(probability: 0.08) {
                let time = block.purchaseTimes[k] + rng.nextExponential(rate: 0.5)
                guard time < horizon else { continue }
                let type = typeWeights.sample(using: &rng)
                scratch.tickets.append(PendingTicket(time: time, type: type, beforeDropout: false))
            }
            if block.droppedOut(i) && rng.nextBernoulli(probability: 0.3) {
                let death = block.dropoutTime[i]
                let first = block.purchaseTimes[purchases.lowerBound]
                let complaints = rng.nextBernoulli(probability: 0.25) ? 2 : 1
                for _ in 0..<complaints {
                    let time = Swift.max(first, death - rng.nextUniform() * 30)
                    scratch.tickets.append(PendingTicket(time: time, type: 1, beforeDropout: true))
                }
            }
            guard !scratch.tickets.isEmpty else { continue }
            scratch.tickets.sort { $0.time < $1.time }
            let chinese = isChineseSpeaking(customer)
            for ticket in scratch.tickets {
                let theme = SyntheticEngagementTables.themes[ticket.type].sample(using: &rng)
                let inChinese = rng.nextBernoulli(probability: chinese ? 0.9 : 0.1)
                let templates = ticket.type == 1 || ticket.type == 2
                    ? SyntheticVocabulary.complaintTexts[theme] : SyntheticVocabulary.inquiryTexts[theme]
                let texts = inChinese ? templates.chinese : templates.english
                let text = texts.sample(using: &rng)
                let channel = channels.sample(using: &rng)
                let unresolved = rng.nextBernoulli(probability: ticket.beforeDropout ? 0.3 : 0.08)
                let resolvedAt = ticket.time + rng.nextExponential(rate: 1 / 1.5)
                let isOpen = unresolved || resolvedAt >= horizon
                let closed = rng.nextBernoulli(probability: 0.3)

                written += 1
                buffer.append(84)  // T
                buffer.appendZeroPadded(UInt64(ticketsBefore + written), width: idWidth)
                buffer.appendComma()
                appendCustomerID(customer, to: &buffer)
                buffer.appendComma()
                days.appendTimestamp(startOrdinal + ticket.time, to: &buffer)
                buffer.appendComma()
                typeNames.appendRaw(ticket.type, to: &buffer)
                buffer.appendComma()
                channels.appendField(channel, to: &buffer)
                buffer.appendComma()
                if isOpen {
                    statusNames.appendRaw(0, to: &buffer)
                    buffer.appendComma()
                } else {
                    statusNames.appendRaw(closed ? 2 : 1, to: &buffer)
                    buffer.appendComma()
                    days.appendTimestamp(startOrdinal + resolvedAt, to: &buffer)
                }
                buffer.appendComma()
                texts.appendField(text, to: &buffer)
                buffer.appendNewline()
            }
        }
        return written
    }

    // MARK: Surveys

    /// Appends survey answers: 28% of customers answer once, a quarter of those twice (on
    /// different days), a few days after a random one of their purchases.
    ///
    /// Scores follow a latent satisfaction z ~ N(0, 1), lowered by 1.3 when the customer drops
    /// out within 120 days of the answer and by 0.5 when they drop out at all: NPS =
    /// round(7.8 + 1.9z) in 0...10, CSAT = round(4.0 + 0.85z) in 1...5, CES = round(5.2 + 1.2z +
    /// noise) in 1...7 (7 = easiest). Half the answers carry a comment whose tone follows z.
    /// - Returns: rows appended.
    func appendSurveyRows(of block: SimulatedBlock, days: DayTextTable, using rng: inout SeededGenerator,
                          to buffer: inout [UInt8]) -> Int {
        let startOrdinal = config.start.ordinal
        let lastDay = config.observationDays - 1
        var written = 0
        var answerDays = (0, 0)
        for i in 0..<block.count {
            guard rng.nextBernoulli(probability: 0.28) else { continue }
            let answers = rng.nextBernoulli(probability: 0.25) ? 2 : 1
            let purchases = block.purchaseRange(i)
            for a in 0..<answers {
                let k = purchases.lowerBound + Swift.min(purchases.count - 1, Int(rng.nextUniform() * Double(purchases.count)))
                let day = Int(block.purchaseTimes[k]) + 1 + Int(rng.nextUniform() * 7)
                if a == 0 { answerDays.0 = day } else { answerDays.1 = day }
            }
            if answers == 2 && answerDays.1 < answerDays.0 { answerDays = (answerDays.1, answerDays.0) }
            // One answer per customer and day: two on one day could repeat a row exactly.
            if answers == 2 && answerDays.1 == answerDays.0 { answerDays.1 += 1 }
            let customer = block.firstCustomer + i
            let chinese = isChineseSpeaking(customer)
            for a in 0..<answers {
                let day = a == 0 ? answerDays.0 : answerDays.1
                let z = rng.nextStandardNormal()
                let effortNoise = rng.nextStandardNormal()
                let hasComment = rng.nextBernoulli(probability: 0.5)
                let inChinese = rng.nextBernoulli(probability: chinese ? 0.9 : 0.1)
                let commentDraw = rng.nextUniform()
                guard day <= lastDay else { continue }
                var latent = z + 0.15
                if block.droppedOut(i) {
                    latent -= 0.5
                    if block.dropoutTime[i] - Double(day) <= 120 { latent -= 1.3 }
                }
                let nps = SyntheticGenerator.clampedScore(7.8 + 1.9 * latent, 0, 10)
                let csat = SyntheticGenerator.clampedScore(4.0 + 0.85 * latent, 1, 5)
                let ces = SyntheticGenerator.clampedScore(5.2 + 1.2 * latent + 0.5 * effortNoise, 1, 7)

                written += 1
                appendCustomerID(customer, to: &buffer)
                buffer.appendComma()
                days.append(startOrdinal + Int32(day), to: &buffer)
                buffer.appendComma()
                buffer.appendDecimal(nps)
                buffer.appendComma()
                buffer.appendDecimal(csat)
                buffer.appendComma()
                buffer.appendDecimal(ces)
                buffer.appendComma()
                if hasComment {
                    let tone = latent > 0.4 ? SyntheticVocabulary.positiveComments
                        : latent < -0.6 ? SyntheticVocabulary.negativeComments : SyntheticVocabulary.neutralComments
                    let phrases = inChinese ? tone.chinese : tone.english
                    let index = Swift.min(phrases.count - 1, Int(commentDraw * Double(phrases.count)))
                    phrases.appendField(index, to: &buffer)
                }
                buffer.appendNewline()
            }
        }
        return written
    }

    static func clampedScore(_ value: Double, _ low: Int, _ high: Int) -> Int {
        let rounded = value.rounded()
        if rounded <= Double(low) { return low }
        if rounded >= Double(high) { return high }
        return Int(rounded)
    }
}

/// Reusable per-customer storage for the engagement writers.
struct EngagementScratch {
    var tickets: [PendingTicket] = []
}

struct PendingTicket {
    var time: Double
    /// Index into ``SyntheticVocabulary/ticketTypes``: 0 inquiry, 1 complaint, 2 return, 3 technical.
    var type: Int
    var beforeDropout: Bool
}

/// Sampling tables of the engagement files.
enum SyntheticEngagementTables {
    /// inquiry, complaint, return, technical.
    static let ticketTypes = CumulativeWeights([0.45, 0.20, 0.20, 0.15])
    /// Theme weights (delivery, price, quality, service, waiting, billing) per ticket type.
    static let themes: [CumulativeWeights] = [
        CumulativeWeights([0.40, 0.25, 0.10, 0.05, 0.05, 0.15]),  // inquiry
        CumulativeWeights([0.25, 0.15, 0.20, 0.20, 0.10, 0.10]),  // complaint
        CumulativeWeights([0.20, 0.10, 0.70, 0.00, 0.00, 0.00]),  // return
        CumulativeWeights([0.00, 0.00, 0.10, 0.40, 0.20, 0.30]),  // technical
    ]
}
