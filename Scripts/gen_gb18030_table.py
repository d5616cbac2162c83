#!/usr/bin/env python3
"""Generate Sources/CustomerValue/Ingest/GB18030Table.swift from Python's own
'gb18030' codec (standard library), so the mapping data is reproducible.

Usage:
    python3 Scripts/gen_gb18030_table.py                 # writes the Swift table
    python3 Scripts/gen_gb18030_table.py --out PATH      # writes it elsewhere
    python3 Scripts/gen_gb18030_table.py --test-data     # prints the test fixture
                                                         # and checksums used by
                                                         # GB18030Tests.swift

Layout of the generated data (all integers little-endian, base64-encoded in
multi-line Swift string literals; the Swift side skips whitespace/newlines and
decodes lazily at first use into arrays held by `static let`s):

1. Two-byte table, `[UInt16]`, 126 * 190 = 23940 entries.
   Lead byte 0x81...0xFE, trail byte 0x40...0x7E or 0x80...0xFE.
       index = (lead - 0x81) * 190 + (trail - 0x40) - (trail >= 0x80 ? 1 : 0)
   Value = the BMP code point that `bytes([lead, trail]).decode('gb18030')`
   returns, or 0xFFFF where Python raises (treated as a decoding error;
   with Python 3.11 no two-byte code is undefined).

2. Four-byte BMP range table, `[UInt32]`, pairs (startLinear, startCodePoint).
   A four-byte code b1 b2 b3 b4 with b1 in 0x81...0x84 has
       linear = (((b1-0x81)*10 + (b2-0x30))*126 + (b3-0x81))*10 + (b4-0x30)
   and Python decodes linear indexes 0...39419 (0x81308130...0x8431A439).
   Range k covers linear indexes startLinear[k] ..< startLinear[k+1] (the
   last range ends at 39420) and maps
       codePoint = startCodePoint[k] + (linear - startLinear[k]).
   Linear indexes >= 39420 (with b1 <= 0x84) are invalid. The script checks
   that these ranges reproduce Python's decoding of all 39420 codes exactly.

3. Four-byte supplementary codes (b1 0x90...0xE3) are not tabulated: they are
   linear, codePoint = linear(b1 - 0x81 ...) - 189000 + 0x10000, up to
   U+10FFFF (0xE3329A35). The script verifies this against Python too.

Python's codec is the reference: e.g. it maps 0xA3A0 -> U+E5E5,
0xA8BC -> U+E7C7 and 0x8135F437 -> U+1E3F (the GB18030-2000 assignment).
"""

import argparse
import base64
import os
import struct
import sys

CODEC = "gb18030"
TRAILS = list(range(0x40, 0x7F)) + list(range(0x80, 0xFF))  # 190 trail bytes
BMP_FOUR_BYTE_COUNT = 39420          # linear indexes 0x81308130 ... 0x8431A439
SUPPLEMENTARY_BASE = 189000          # linear index of 0x90308130


def decode_one(b):
    """Decode bytes with Python's codec; return the single code point or None."""
    try:
        s = bytes(b).decode(CODEC)
    except UnicodeDecodeError:
        return None
    if len(s) != 1:
        raise SystemExit(f"unexpected multi-character decode of {bytes(b).hex()}: {s!r}")
    return ord(s)


def four_bytes(linear):
    """Four-byte GB18030 sequence for a linear index (b1 counted from 0x81)."""
    b4 = linear % 10
    r = linear // 10
    b3 = r % 126
    r //= 126
    b2 = r % 10
    b1 = r // 10
    return bytes([b1 + 0x81, b2 + 0x30, b3 + 0x81, b4 + 0x30])


def build_two_byte():
    table = []
    for lead in range(0x81, 0xFF):
        for trail in TRAILS:
            cp = decode_one([lead, trail])
            if cp is None:
                table.append(0xFFFF)
            else:
                if cp >= 0xFFFF:
                    raise SystemExit(f"two-byte {lead:02X}{trail:02X} -> U+{cp:X} outside BMP")
                table.append(cp)
    assert len(table) == 126 * 190
    return table


def build_four_byte_ranges():
    cps = []
    for linear in range(BMP_FOUR_BYTE_COUNT):
        cp = decode_one(four_bytes(linear))
        if cp is None or cp > 0xFFFF:
            raise SystemExit(f"four-byte BMP code {four_bytes(linear).hex()} -> {cp!r}")
        cps.append(cp)
    # One past the table must be invalid.
    if decode_one(four_bytes(BMP_FOUR_BYTE_COUNT)) is not None:
        raise SystemExit("expected linear index 39420 to be invalid")
    ranges = []
    for linear, cp in enumerate(cps):
        if ranges and cp == ranges[-1][1] + (linear - ranges[-1][0]):
            continue
        ranges.append((linear, cp))
    # Verify piecewise linearity: the ranges reproduce every decoded value.
    k = 0
    for linear, cp in enumerate(cps):
        while k + 1 < len(ranges) and ranges[k + 1][0] <= linear:
            k += 1
        start_linear, start_cp = ranges[k]
        if start_cp + (linear - start_linear) != cp:
            raise SystemExit(f"range table mismatch at linear {linear}")
    return ranges, cps


def verify_supplementary():
    for cp in range(0x10000, 0x110000):
        linear = cp - 0x10000 + SUPPLEMENTARY_BASE
        b = four_bytes(linear)
        if decode_one(b) != cp:
            raise SystemExit(f"supplementary mismatch at U+{cp:X}")
    if decode_one(four_bytes(0x110000 - 0x10000 + SUPPLEMENTARY_BASE)) is not None:
        raise SystemExit("expected code after U+10FFFF to be invalid")
    for b in (b"\x85\x30\x81\x30", b"\x8f\x39\xfe\x39", b"\xe4\x30\x81\x30", b"\xfe\x39\xfe\x39"):
        if decode_one(b) is not None:
            raise SystemExit(f"expected {b.hex()} to be invalid")


def b64_literal(data, width=100):
    text = base64.b64encode(data).decode("ascii")
    lines = [text[i:i + width] for i in range(0, len(text), width)]
    return "\n".join("        " + line for line in lines)


def fnv1a(values):
    h = 0xCBF29CE484222325
    for v in values:
        h ^= v
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def generate_swift(two, ranges):
    two_bytes = struct.pack("<%dH" % len(two), *two)
    flat = [x for pair in ranges for x in pair]
    range_bytes = struct.pack("<%dI" % len(flat), *flat)
    return f'''// GENERATED FILE - DO NOT EDIT.
// Generated by Scripts/gen_gb18030_table.py from Python {sys.version.split()[0]}'s '{CODEC}' codec.
// See the script's header for the layout. Data is base64 (little-endian) and decoded lazily.

/// Mapping data for ``GB18030Decoder``, generated from Python's `gb18030` codec.
enum GB18030Table {{
    /// Number of entries in ``twoByte`` (126 lead bytes x 190 trail bytes).
    static let twoByteCount = {len(two)}

    /// Number of four-byte BMP codes (linear indexes 0 ..< 39420).
    static let fourByteBMPCount = {BMP_FOUR_BYTE_COUNT}

    /// Number of (startLinear, startCodePoint) pairs in ``fourByteBMPRanges``.
    static let fourByteBMPRangeCount = {len(ranges)}

    /// Two-byte table: index `(lead - 0x81) * 190 + (trail - 0x40) - (trail >= 0x80 ? 1 : 0)`,
    /// value = BMP code point, or 0xFFFF for an undefined code.
    static let twoByte: [UInt16] = decodeUInt16LE(twoByteBase64, count: twoByteCount, fill: 0xFFFF)

    /// Four-byte BMP ranges, flattened pairs `[startLinear0, startCodePoint0, startLinear1, ...]`,
    /// sorted by start; range `k` ends where range `k + 1` starts (the last ends at 39420).
    static let fourByteBMPRanges: [UInt32] = decodeUInt32LE(
        fourByteBMPRangesBase64, count: fourByteBMPRangeCount * 2, fill: 0)

    // MARK: - Base64 decoding

    /// Decodes base64 text (ignoring whitespace) into raw bytes.
    static func decodeBase64(_ text: String) -> [UInt8] {{
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        for c in text.utf8 {{
            let v: UInt32
            switch c {{
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            default: continue  // whitespace, newlines and '=' padding
            }}
            acc = (acc << 6) | v
            bits += 6
            if bits >= 8 {{
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }}
        }}
        return out
    }}

    /// Decodes little-endian `UInt16`s; pads with `fill` / truncates to exactly `count` entries.
    static func decodeUInt16LE(_ text: String, count: Int, fill: UInt16) -> [UInt16] {{
        let bytes = decodeBase64(text)
        var out = [UInt16](repeating: fill, count: count)
        for i in 0..<min(count, bytes.count / 2) {{
            out[i] = UInt16(bytes[2 * i]) | (UInt16(bytes[2 * i + 1]) << 8)
        }}
        return out
    }}

    /// Decodes little-endian `UInt32`s; pads with `fill` / truncates to exactly `count` entries.
    static func decodeUInt32LE(_ text: String, count: Int, fill: UInt32) -> [UInt32] {{
        let bytes = decodeBase64(text)
        var out = [UInt32](repeating: fill, count: count)
        for i in 0..<min(count, bytes.count / 4) {{
            var v: UInt32 = 0
            for j in 0..<4 {{
                v |= UInt32(bytes[4 * i + j]) << UInt32(8 * j)
            }}
            out[i] = v
        }}
        return out
    }}

    // MARK: - Data

    /// Base64 of ``twoByte`` ({len(two_bytes)} bytes).
    static let twoByteBase64 = """
{b64_literal(two_bytes)}
        """

    /// Base64 of ``fourByteBMPRanges`` ({len(range_bytes)} bytes).
    static let fourByteBMPRangesBase64 = """
{b64_literal(range_bytes)}
        """
}}
'''


def test_data(two, cps):
    """Fixture and checksums for GB18030Tests.swift."""
    points = [cp for cp in range(0, 0x10000, 37) if not 0xD800 <= cp <= 0xDFFF]
    points += list(range(0x10000, 0x110000, 40009))
    encoded = b"".join(chr(cp).encode(CODEC) for cp in points)
    assert encoded.decode(CODEC) == "".join(chr(cp) for cp in points)
    print(f"// {len(points)} code points: every 37th BMP code point from U+0000 (surrogates skipped),")
    print("// then every 40009th from U+10000; bytes = Python chr(cp).encode('gb18030').")
    print(f"// {len(encoded)} bytes:")
    h = encoded.hex().upper()
    for i in range(0, len(h), 96):
        print(h[i:i + 96])
    print(f"two-byte FNV-1a over decoded code points (row-major lead/trail): 0x{fnv1a(two):016X}")
    print(f"four-byte BMP FNV-1a over linear 0..<39420: 0x{fnv1a(cps):016X}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "Sources", "CustomerValue", "Ingest", "GB18030Table.swift")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=default_out)
    ap.add_argument("--test-data", action="store_true", help="print test fixture and checksums")
    args = ap.parse_args()

    two = build_two_byte()
    ranges, cps = build_four_byte_ranges()
    verify_supplementary()
    if args.test_data:
        test_data(two, cps)
        return
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(generate_swift(two, ranges))
    print(f"wrote {args.out}: {len(two)} two-byte entries, {len(ranges)} four-byte BMP ranges",
          file=sys.stderr)


if __name__ == "__main__":
    main()
