import Foundation

extension SyntheticGenerator {
    // MARK: Events

    /// Appends engagement events, in time order per customer.
    ///
    /// While alive (from the first purchase to dropout or the end of observation) a customer
    /// produces events as a Poisson process of (0.04 + 0.9 λ) per week, λ their purchase rate
    /// (capped at 2 a day). In the 8 weeks before dropout an event is kept with probability
    /// (time left)/(8 weeks), so engagement fades before the customer leaves; there are none
    /// after. Types: login, email_open, email_click, campaign_join, cart_abandon.
    /// - Returns: rows appended.
    func appendEventRows(of block: SimulatedBlock, days: DayTextTable, using rng: inout SeededGenerator,
                         to buffer: inout [UInt8]) -> Int {
        let horizon = Double(config.observationDays)
        let startOrdinal = Double(config.start.ordinal)
        let fadeDays = 56.0
        let events = SyntheticVocabulary.events
        var written = 0
        for i in 0..<block.count {
            let customer = block.firstCustomer + i
            let first = block.purchaseTimes[block.purchaseRange(i).lowerBound]
            let droppedOut = block.droppedOut(i)
            let end = Swift.min(horizon, block.dropoutTime[i])
            let ratePerDay = Swift.min(2, (0.04 + 0.9 * block.lambdaPerWeek[i]) / 7)
            var t = first + rng.nextExponential(rate: ratePerDay)
            while t < end {
                let left = end - t
                let kept = !droppedOut || left >= fadeDays || rng.nextUniform() * fadeDays < left
                if kept {
                    written += 1
                    appendCustomerID(customer, to: &buffer)
                    buffer.appendComma()
                    days.appendTimestamp(startOrdinal + t, to: &buffer)
                    buffer.appendComma()
                    events.appendRandomField(using: &rng, to: &buffer)
                    buffer.appendNewline()
                }
                t += rng.nextExponential(rate: ratePerDay)
            }
        }
        return written
    }

    // MARK: Opportunities

    /// Appends sales opportunities for about 7% of customers, one each.
    ///
    /// An opportunity opens as a lead on a day of the customer's active life, with an amount
    /// exp(N(ln 20000, 0.9)) rounded to whole units, and an owner among eight sales reps. It then
    /// moves lead → qualified → proposal → negotiation with conversion 65%, 70%, 70% (lower for
    /// customers who drop out) and ends won (60%) or lost from negotiation; failing a step loses
    /// it. Each step takes 1 + an exponential number of days (mean 12). With probability 12% at
    /// each step it stalls and stays open; an opportunity whose next step would fall after the
    /// observation end is open too. Dates of stages not reached are empty.
    /// - Returns: rows appended.
    func appendOpportunityRows(of block: SimulatedBlock, opportunitiesBefore: Int, days: DayTextTable,
                               using rng: inout SeededGenerator, to buffer: inout [UInt8]) -> Int {
        let startOrdinal = config.start.ordinal
        let lastDay = config.observationDays - 1
        let idWidth = Swift.max(6, SyntheticGenerator.digitCount(config.customers))
        let conversion = [0.65, 0.70, 0.70]
        let owners = SyntheticVocabulary.salesOwners
        let stageNames = SyntheticVocabulary.stageNames
        let statusNames = SyntheticVocabulary.opportunityStatus
        var written = 0
        var stageDays = [Int](repeating: 0, count: 4)
        for i in 0..<block.count {
            guard rng.nextBernoulli(probability: 0.07) else { continue }
            let customer = block.firstCustomer + i
            let first = block.purchaseTimes[block.purchaseRange(i).lowerBound]
            let activeEnd = Swift.min(Double(config.observationDays), block.dropoutTime[i] + 1)
            let created = Int(first + rng.nextUniform() * (activeEnd - first))
            let amount = Foundation.exp(Foundation.log(20_000) + 0.9 * rng.nextStandardNormal()).rounded()
            let owner = owners.sample(using: &rng)
            let penalty = block.droppedOut(i) ? 0.8 : 1.0

            // reached: last stage index reached (0 lead ... 3 negotiation); outcome 4 won, 5 lost, nil open.
            stageDays[0] = created
            var reached = 0
            var outcome: Int?
            var closedDay = 0
            while outcome == nil {
                if rng.nextBernoulli(probability: 0.12) { break }  // stalled
                let next = stageDays[reached] + 1 + Int(rng.nextExponential(rate: 1.0 / 12))
                if next > lastDay { break }
                if reached < 3 {
                    if rng.nextBernoulli(probability: conversion[reached] * penalty) {
                        reached += 1
                        stageDays[reached] = next
                    } else {
                        outcome = 5
                        closedDay = next
                    }
                } else {
                    outcome = rng.nextBernoulli(probability: 0.6 * penalty) ? 4 : 5
                    closedDay = next
                }
            }

            written += 1
            buffer.append(contentsOf: [79, 80])  // OP
            buffer.appendZeroPadded(UInt64(opportunitiesBefore + written), width: idWidth)
            buffer.appendComma()
            appendCustomerID(customer, to: &buffer)
            buffer.appendComma()
            owners.appendField(owner, to: &buffer)
            buffer.appendComma()
            buffer.appendCents(Int64(amount) * 100)
            buffer.appendComma()
            stageNames.appendRaw(outcome ?? reached, to: &buffer)
            for stage in 0...3 {
                buffer.appendComma()
                if stage <= reached { days.append(startOrdinal + Int32(stageDays[stage]), to: &buffer) }
            }
            buffer.appendComma()
            if outcome != nil { days.append(startOrdinal + Int32(closedDay), to: &buffer) }
            buffer.appendComma()
            statusNames.appendRaw(outcome.map { $0 - 3 } ?? 0, to: &buffer)  // open, won, lost
            buffer.appendNewline()
        }
        return written
    }
}
