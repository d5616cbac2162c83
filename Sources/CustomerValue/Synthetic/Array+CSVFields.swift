import Foundation

/// Hand-written CSV field formatting into a byte buffer.
extension Array where Element == UInt8 {
    static let comma: UInt8 = 44
    static let newline: UInt8 = 10
    static let quote: UInt8 = 34

    @inline(__always)
    mutating func appendComma() { append(44) }

    @inline(__always)
    mutating func appendNewline() { append(10) }

    /// Appends the decimal digits of `value` (with a leading `-` when negative).
    mutating func appendDecimal(_ value: Int) {
        if value < 0 {
            append(45)
            appendZeroPadded(UInt64(value.magnitude), width: 1)
        } else {
            appendZeroPadded(UInt64(value), width: 1)
        }
    }

    /// Appends `value` in decimal, left-padded with zeros to at least `width` digits
    /// (`width` ≤ 24).
    @inline(__always)
    mutating func appendZeroPadded(_ value: UInt64, width: Int) {
        // Digits are written right to left into 24 bytes pre-filled with "0", then copied in one
        // append: no per-digit append, no bounds check per digit.
        var digits: (UInt64, UInt64, UInt64) = (0x3030_3030_3030_3030, 0x3030_3030_3030_3030, 0x3030_3030_3030_3030)
        Swift.withUnsafeMutableBytes(of: &digits) { raw in
            var v = value
            var index = 24
            repeat {
                index -= 1
                raw[index] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
                v /= 10
            } while v > 0
            let first = Swift.max(0, Swift.min(index, 24 - width))
            append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[first..<24]))
        }
    }

    /// Appends an amount given in cents as `-?\d+\.\d\d` (e.g. `12.05`, `-3.40`).
    mutating func appendCents(_ cents: Int64) {
        if cents < 0 { append(45) }
        let magnitude = cents.magnitude
        appendZeroPadded(magnitude / 100, width: 1)
        append(46)
        let fraction = magnitude % 100
        append(UInt8(truncatingIfNeeded: 48 + fraction / 10))
        append(UInt8(truncatingIfNeeded: 48 + fraction % 10))
    }

    /// Appends an amount in cents with thousands separators, `1,234.50`. The caller quotes it.
    mutating func appendCentsGrouped(_ cents: Int64) {
        if cents < 0 { append(45) }
        let magnitude = cents.magnitude
        let units = magnitude / 100
        // Groups of three digits from the left; the first group has 1–3 digits.
        var divisor: UInt64 = 1
        while units / divisor >= 1000 { divisor *= 1000 }
        appendZeroPadded(units / divisor, width: 1)
        while divisor > 1 {
            divisor /= 1000
            append(44)
            appendZeroPadded(units / divisor % 1000, width: 3)
        }
        append(46)
        let fraction = magnitude % 100
        append(UInt8(truncatingIfNeeded: 48 + fraction / 10))
        append(UInt8(truncatingIfNeeded: 48 + fraction % 10))
    }

    /// Appends `value` with a fixed number of decimals (rounded half away from zero); for values
    /// beyond ±9e15 / 10^decimals it falls back to Swift's shortest representation.
    mutating func appendFixed(_ value: Double, decimals: Int) {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard scaled.isFinite, Swift.abs(scaled) < 9e15 else {
            append(contentsOf: Array(value.description.utf8))
            return
        }
        let integer = Int64(scaled)
        if integer < 0 { append(45) }
        let magnitude = integer.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<decimals { divisor *= 10 }
        appendZeroPadded(magnitude / divisor, width: 1)
        if decimals > 0 {
            append(46)
            appendZeroPadded(magnitude % divisor, width: decimals)
        }
    }

    /// Appends a positive quantity with about seven significant digits: fixed notation from
    /// 1e-4 up, scientific (`1.234567e-09`) below, so tiny purchase rates keep their precision.
    mutating func appendSignificant(_ value: Double) {
        guard value.isFinite, value != 0 else {
            append(contentsOf: Array(value.description.utf8))
            return
        }
        let magnitude = Swift.abs(value)
        if magnitude >= 1e-4 {
            let exponent = Int(Foundation.log10(magnitude).rounded(.down))
            appendFixed(value, decimals: Swift.max(0, 6 - exponent))
            return
        }
        var exponent = Int(Foundation.log10(magnitude).rounded(.down))
        var mantissa = value / Foundation.pow(10, Double(exponent))
        if Swift.abs(mantissa) >= 9.9999995 {  // rounding would print 10.000000
            mantissa /= 10
            exponent += 1
        }
        appendFixed(mantissa, decimals: 6)
        append(101)  // e
        append(exponent < 0 ? 45 : 43)
        appendZeroPadded(UInt64(exponent.magnitude), width: 2)
    }

    /// Appends one CSV field per RFC 4180: as is, unless it contains a comma, a double quote or a
    /// line break, in which case it is enclosed in double quotes and each quote doubled.
    mutating func appendCSVField(_ field: [UInt8]) {
        var needsQuotes = false
        for byte in field where byte == 44 || byte == 34 || byte == 10 || byte == 13 {
            needsQuotes = true
            break
        }
        guard needsQuotes else {
            append(contentsOf: field)
            return
        }
        append(34)
        for byte in field {
            if byte == 34 { append(34) }
            append(byte)
        }
        append(34)
    }

    /// Appends `HH:mm:ss` for a number of seconds into the day (0..<86400).
    mutating func appendClock(secondsOfDay: Int) {
        let hours = secondsOfDay / 3600
        let minutes = secondsOfDay / 60 % 60
        let seconds = secondsOfDay % 60
        append(UInt8(truncatingIfNeeded: 48 + hours / 10))
        append(UInt8(truncatingIfNeeded: 48 + hours % 10))
        append(58)
        append(UInt8(truncatingIfNeeded: 48 + minutes / 10))
        append(UInt8(truncatingIfNeeded: 48 + minutes % 10))
        append(58)
        append(UInt8(truncatingIfNeeded: 48 + seconds / 10))
        append(UInt8(truncatingIfNeeded: 48 + seconds % 10))
    }
}
