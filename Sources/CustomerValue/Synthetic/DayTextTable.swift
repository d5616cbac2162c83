/// The `yyyy-MM-dd` text of every day in a range, computed once so that rows copy ten bytes
/// instead of converting a day number to a civil date each time.
struct DayTextTable: Sendable {
    private let first: Int32
    private let text: [UInt8]

    /// - Parameters:
    ///   - first: first day covered.
    ///   - last: last day covered (inclusive).
    init(from first: CalendarDay, through last: CalendarDay) {
        self.first = first.ordinal
        let days = Swift.max(0, Int(last.ordinal - first.ordinal) + 1)
        var text = [UInt8](repeating: 0, count: days * 10)
        for offset in 0..<days {
            first.adding(days: offset).writeISO(into: &text, at: offset * 10)
        }
        self.text = text
    }

    /// Appends the date of `day` (days since 1970-01-01).
    @inline(__always)
    func append(_ day: Int32, to buffer: inout [UInt8]) {
        let offset = Int(day) - Int(first)
        if offset >= 0 && offset * 10 < text.count {
            let start = offset * 10
            buffer.append(contentsOf: text[start..<start + 10])
        } else {
            let start = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: 10))
            CalendarDay(ordinal: day).writeISO(into: &buffer, at: start)
        }
    }

    /// Appends `yyyy-MM-ddTHH:mm:ss` for a continuous time in days since 1970-01-01.
    @inline(__always)
    func appendTimestamp(_ time: Double, to buffer: inout [UInt8]) {
        let day = time.rounded(.down)
        var seconds = Int((time - day) * 86_400)
        if seconds > 86_399 { seconds = 86_399 }
        append(Int32(day), to: &buffer)
        buffer.append(84)  // T
        buffer.appendClock(secondsOfDay: seconds)
    }
}
