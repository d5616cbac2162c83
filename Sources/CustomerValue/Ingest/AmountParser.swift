import Foundation

/// Parses money amounts as CRM and spreadsheet exports write them.
///
/// Accepted: `1234.5`, `1,234.50` (thousands separators: comma, space, apostrophe, no-break
/// space), `1.234,50` and `12,5` (decimal comma, recognised when the comma is followed by one
/// or two digits at the end, or comes after a dot), currency signs and codes before or after the
/// number (`¥ ￥ $ € £ 元 RMB CNY USD EUR GBP`), a leading `+`/`-`, `(12.00)` as −12.00, and
/// exponents (`1.5e3`). Decimal text is converted exactly (correctly rounded) in the common case
/// of up to 15 significant digits.
public enum AmountParser {
    /// The largest amount magnitude a transaction may carry (10¹⁵, a thousand trillion): beyond
    /// it a value is a typing error or a wrong column, and a few such values (1e308) would sum to
    /// infinity.
    public static let largestAmount = 1e15

    private static let powersOfTen: [Double] = (0...22).map { k in
        var v = 1.0
        for _ in 0..<k { v *= 10 }
        return v
    }

    /// Parses `text`; nil when it is empty or not an amount.
    public static func parse(_ text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }

    /// Parses UTF-8 bytes; nil when they are empty or not an amount.
    @inline(__always)
    public static func parse(_ raw: UnsafeBufferPointer<UInt8>) -> Double? {
        // Fast path: [-]digits[.digits], the form machine exports use.
        var i = 0
        let n = raw.count
        guard n > 0 else { return nil }
        var negative = false
        if raw[0] == 0x2D { negative = true; i = 1 }
        var mantissa: UInt64 = 0
        var digitCount = 0
        var fractionDigits = 0
        var seenDot = false
        while i < n {
            let c = raw[i]
            let v = c &- 0x30
            if v < 10 {
                if digitCount < 18 {
                    mantissa = mantissa * 10 + UInt64(v)
                    if mantissa > 0 { digitCount += 1 }
                    if seenDot { fractionDigits += 1 }
                } else {
                    return slowParse(raw)
                }
            } else if c == 0x2E && !seenDot {
                seenDot = true
            } else {
                return slowParse(raw)
            }
            i += 1
        }
        guard i > (negative ? 1 : 0), !(seenDot && i == (negative ? 2 : 1)) else { return nil }
        guard fractionDigits <= 22 && mantissa < (1 << 53) else { return slowParse(raw) }
        // Exact: an integer below 2^53 divided by an exact power of ten rounds once (Clinger 1990).
        let value = Double(mantissa) / powersOfTen[fractionDigits]
        return negative ? -value : value
    }

    private static func slowParse(_ raw: UnsafeBufferPointer<UInt8>) -> Double? {
        var text = String(decoding: raw, as: UTF8.self)
        text = text.trimming(" \t\u{00A0}\u{3000}")
        guard !text.isEmpty else { return nil }
        var negative = false
        if text.hasPrefix("(") && text.hasSuffix(")") {
            negative = true
            text = String(text.dropFirst().dropLast()).trimming(" ")
        }
        // Currency signs and codes, before or after the number.
        let symbols = ["¥", "￥", "$", "€", "£", "元", "RMB", "CNY", "USD", "EUR", "GBP", "HK$", "US$"]
        var changed = true
        var signSeen = negative   // "(…)" is a sign already: "(-5)" is not an amount
        while changed {
            changed = false
            text = text.trimming(" \t\u{00A0}")
            if text.hasPrefix("-") || text.hasPrefix("+") || text.hasPrefix("−") {
                guard !signSeen else { return nil }
                signSeen = true
                if text.hasPrefix("-") || text.hasPrefix("−") { negative = true }
                text = String(text.dropFirst())
                changed = true
                continue
            }
            for s in symbols.sorted(by: { $0.count > $1.count }) {
                if text.uppercased().hasPrefix(s) { text = String(text.dropFirst(s.count)); changed = true; break }
                if text.uppercased().hasSuffix(s) { text = String(text.dropLast(s.count)); changed = true; break }
            }
        }
        if text.hasSuffix("-") {
            guard !signSeen else { return nil }
            negative = true
            text = String(text.dropLast())
        }
        guard !text.isEmpty else { return nil }
        // Grouping and decimal separators.
        text = text.replacingOccurrences(of: " ", with: "")
            .replacingOccurrences(of: "\u{00A0}", with: "")
            .replacingOccurrences(of: "\u{202F}", with: "")
            .replacingOccurrences(of: "'", with: "")
        let lastComma = text.lastIndex(of: ",")
        let lastDot = text.lastIndex(of: ".")
        if let lastComma {
            let after = text.distance(from: lastComma, to: text.endIndex) - 1
            let decimalComma = (lastDot.map { $0 < lastComma } ?? false) || ((after == 1 || after == 2) && lastDot == nil)
            if decimalComma {
                text = text.replacingOccurrences(of: ".", with: "")
                text = text.replacingOccurrences(of: ",", with: ".")
            } else {
                // Every comma must then group exactly three digits.
                let groups = text.split(separator: ".", maxSplits: 1)[0].split(separator: ",", omittingEmptySubsequences: false)
                guard groups.dropFirst().allSatisfy({ $0.count == 3 }), let first = groups.first, !first.isEmpty, first.count <= 3 else { return nil }
                text = text.replacingOccurrences(of: ",", with: "")
            }
        }
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "-" || $0 == "+") }),
              text.first.map({ $0.isNumber || $0 == "." }) == true,
              let value = Double(text), value.isFinite
        else { return nil }
        return negative ? -value : value
    }
}

extension String {
    func trimming(_ set: String) -> String {
        let scalars = Set(set.unicodeScalars)
        var s = Substring(self)
        while let f = s.unicodeScalars.first, scalars.contains(f) { s = Substring(s.unicodeScalars.dropFirst()) }
        while let l = s.unicodeScalars.last, scalars.contains(l) { s = Substring(s.unicodeScalars.dropLast()) }
        return String(s)
    }
}
