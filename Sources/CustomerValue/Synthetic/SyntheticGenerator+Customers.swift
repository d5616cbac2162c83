import Foundation

extension SyntheticGenerator {
    static let customerTruthHeader = Array(
        "customer_id,lambda_per_week,dropout_probability,alive_at_end,dropout_date,nu,mean_spend,first_purchase,transactions\n".utf8)

    /// Writes `truth_customers.csv` and, when selected, `customers.csv`, and counts the
    /// purchases of the BG/NBD process.
    func writeCustomerFiles(to directory: URL, tracker: ProgressTracker, worker: Int) throws -> WorkerOutcome {
        var outcome = WorkerOutcome()
        let withCustomers = config.files.contains(.customers)
        let truthWriter = try CSVByteWriter(url: directory.appendingPathComponent(SyntheticGenerator.customerTruthFileName))
        var truthBuffer = SyntheticGenerator.customerTruthHeader
        truthBuffer.reserveCapacity(CSVByteWriter.chunkSize + 4096)
        let customersWriter = withCustomers
            ? try CSVByteWriter(url: directory.appendingPathComponent(SyntheticFile.customers.fileName)) : nil
        var customersBuffer = withCustomers ? SyntheticGenerator.header(of: .customers) : []
        customersBuffer.reserveCapacity(withCustomers ? CSVByteWriter.chunkSize + 4096 : 0)
        let days = DayTextTable(from: config.start.adding(days: -800), through: config.observationEnd)

        var block = SimulatedBlock()
        for blockIndex in 0..<blockCount {
            simulate(block: blockIndex, into: &block)
            outcome.purchases += block.purchaseTimes.count
            appendTruthRows(of: block, days: days, to: &truthBuffer)
            try truthWriter.flushIfFull(&truthBuffer)
            if let customersWriter {
                var rng = generator(block: blockIndex, .customers)
                appendCustomerRows(of: block, days: days, using: &rng, to: &customersBuffer)
                try customersWriter.flushIfFull(&customersBuffer)
            }
            tracker.update(worker: worker, customersDone: block.firstCustomer + block.count)
        }
        try truthWriter.flush(&truthBuffer)
        try truthWriter.close()
        outcome.rows[SyntheticGenerator.customerTruthFileName] = config.customers
        if let customersWriter {
            try customersWriter.flush(&customersBuffer)
            try customersWriter.close()
            outcome.rows[SyntheticFile.customers.fileName] = config.customers
        }
        return outcome
    }

    /// Appends one `truth_customers.csv` row per customer of `block`.
    func appendTruthRows(of block: SimulatedBlock, days: DayTextTable, to buffer: inout [UInt8]) {
        let startOrdinal = config.start.ordinal
        let p = config.spend.p
        let trueText = Array("true".utf8)
        let falseText = Array("false".utf8)
        for i in 0..<block.count {
            let purchases = block.purchaseRange(i)
            appendCustomerID(block.firstCustomer + i, to: &buffer)
            buffer.appendComma()
            buffer.appendSignificant(block.lambdaPerWeek[i])
            buffer.appendComma()
            buffer.appendSignificant(block.dropoutProbability[i])
            buffer.appendComma()
            buffer.append(contentsOf: block.droppedOut(i) ? falseText : trueText)
            buffer.appendComma()
            if block.droppedOut(i) {
                days.append(startOrdinal + Int32(block.dropoutTime[i].rounded(.down)), to: &buffer)
            }
            buffer.appendComma()
            buffer.appendSignificant(block.nu[i])
            buffer.appendComma()
            buffer.appendFixed(p / block.nu[i], decimals: 2)
            buffer.appendComma()
            days.append(startOrdinal + Int32(block.purchaseTimes[purchases.lowerBound].rounded(.down)), to: &buffer)
            buffer.appendComma()
            buffer.appendDecimal(purchases.count)
            buffer.appendNewline()
        }
    }

    /// Appends one `customers.csv` row per customer of `block`.
    ///
    /// Names are Chinese (surname + given name) for the customers ``isChineseSpeaking(_:)``
    /// picks and English otherwise; regions follow the language (mostly Chinese regions for
    /// Chinese names); registration is on the first purchase day for 45% of customers and
    /// otherwise an exponential number of days (mean 90, at most 730) before it.
    func appendCustomerRows(of block: SimulatedBlock, days: DayTextTable, using rng: inout SeededGenerator,
                            to buffer: inout [UInt8]) {
        let startOrdinal = config.start.ordinal
        let female = Array("female".utf8)
        let male = Array("male".utf8)
        let surnames = SyntheticVocabulary.chineseSurnames
        let givenFemale = SyntheticVocabulary.chineseGivenNamesFemale
        let givenMale = SyntheticVocabulary.chineseGivenNamesMale
        let firstFemale = SyntheticVocabulary.englishFirstNamesFemale
        let firstMale = SyntheticVocabulary.englishFirstNamesMale
        let lastNames = SyntheticVocabulary.englishSurnames
        let industries = SyntheticVocabulary.industries
        let chineseRegions = SyntheticVocabulary.chineseRegions
        let otherRegions = SyntheticVocabulary.otherRegions
        let ageBands = SyntheticVocabulary.ageBands
        var name: [UInt8] = []
        name.reserveCapacity(64)
        for i in 0..<block.count {
            let customer = block.firstCustomer + i
            let chinese = isChineseSpeaking(customer)
            let genderDraw = rng.nextUniform()
            let isFemale = genderDraw < 0.49
            let genderKnown = genderDraw < 0.96
            name.removeAll(keepingCapacity: true)
            if chinese {
                surnames.appendRaw(surnames.sample(using: &rng), to: &name)
                // Branches rather than `let given = isFemale ? ... : ...`, which would copy
                // (retain and release) the phrase table for every customer.
                if isFemale {
                    givenFemale.appendRaw(givenFemale.sample(using: &rng), to: &name)
                } else {
                    givenMale.appendRaw(givenMale.sample(using: &rng), to: &name)
                }
            } else {
                if isFemale {
                    firstFemale.appendRaw(firstFemale.sample(using: &rng), to: &name)
                } else {
                    firstMale.appendRaw(firstMale.sample(using: &rng), to: &name)
                }
                name.append(32)
                lastNames.appendRaw(lastNames.sample(using: &rng), to: &name)
            }
            let industry = industries.sample(using: &rng)
            let chineseRegion = rng.nextBernoulli(probability: chinese ? 0.95 : 0.3)
            let region = chineseRegion ? chineseRegions.sample(using: &rng) : otherRegions.sample(using: &rng)
            let firstDay = Int(block.purchaseTimes[block.purchaseRange(i).lowerBound])
            let lead = rng.nextBernoulli(probability: 0.45) ? 0 : Swift.min(730, Int(rng.nextExponential(rate: 1.0 / 90)))
            let ageBand = ageBands.sample(using: &rng)

            appendCustomerID(customer, to: &buffer)
            buffer.appendComma()
            buffer.appendCSVField(name)
            buffer.appendComma()
            industries.appendField(industry, to: &buffer)
            buffer.appendComma()
            if chineseRegion {
                chineseRegions.appendField(region, to: &buffer)
            } else {
                otherRegions.appendField(region, to: &buffer)
            }
            buffer.appendComma()
            days.append(startOrdinal + Int32(firstDay - lead), to: &buffer)
            buffer.appendComma()
            ageBands.appendRaw(ageBand, to: &buffer)
            buffer.appendComma()
            if genderKnown { buffer.append(contentsOf: isFemale ? female : male) }
            buffer.appendNewline()
        }
    }
}
