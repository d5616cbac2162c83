@testable import CustomerValue
import Testing

/// The accumulator's count buffers and day table.
struct SatisfactionAccumulatorTests {
    /// The day table grows to hold days before and after those seen (keeping their slots), and
    /// days farther than its span from the rest get no entry (their slot is worked out each time).
    @Test func daySlotsKeepEverySlotAsTheTableGrows() {
        let days = DaySlots()
        #expect(days.slot(19_000) == -1)
        days.set(19_000, slot: 0)
        days.set(19_700, slot: 1)     // past the first table's end
        days.set(10_000, slot: 2)     // before its start
        days.set(-25_567, slot: 3)    // 1900-01-01
        #expect(days.slot(19_000) == 0 && days.slot(19_700) == 1 && days.slot(10_000) == 2 && days.slot(-25_567) == 3)
        #expect(days.slot(19_001) == -1 && days.slot(9_999) == -1)
        let far = 10_000 + DaySlots.maximumSpan
        days.set(far, slot: 4)
        #expect(days.slot(far) == -1)
        #expect(days.slot(19_000) == 0)
    }

    /// Slots added past the first buffer keep their counts; answers land at their offsets.
    @Test func groupCountsKeepEverySlotAsTheyGrow() {
        let counts = GroupCounts()
        for s in 0..<40 { #expect(counts.appendSlot() == s) }
        for s in 0..<40 { for _ in 0...s { counts.count(slot: s, nps: 1 + s % 11, csat: -1, ces: 17) } }
        #expect(counts.slots == 40)
        for s in [0, 15, 16, 39] {
            let run = Array(counts.run(s))
            #expect(run[0] == s + 1 && run[1 + s % 11] == s + 1 && run[17] == s + 1)
            #expect(run.reduce(0, +) == 3 * (s + 1))
        }
    }
}
