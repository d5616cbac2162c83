import Testing
@testable import CustomerValue

/// Tests for the GB18030 -> UTF-8 decoder. Unless stated otherwise, every expected value was
/// obtained from CPython 3.11's standard-library 'gb18030' codec, e.g.
/// `bytes.fromhex('C4E3BAC3').decode('gb18030')` or `'\u00a5'.encode('gb18030').hex()`.
struct GB18030Tests {
    // MARK: - Helpers

    /// Decodes `bytes` in one final chunk, returning the UTF-8 output.
    private func decodeUTF8(_ bytes: [UInt8]) throws -> [UInt8] {
        var decoder = GB18030Decoder()
        var out: [UInt8] = []
        try bytes.withUnsafeBytes { try decoder.decode($0, into: &out, isFinal: true) }
        return out
    }

    /// Decodes `bytes` split into the given chunks (the last one final).
    private func decodeChunks(_ chunks: [[UInt8]]) throws -> String {
        var decoder = GB18030Decoder()
        var out: [UInt8] = []
        for (k, chunk) in chunks.enumerated() {
            try chunk.withUnsafeBytes {
                try decoder.decode($0, into: &out, isFinal: k == chunks.count - 1)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Runs `body` and returns the TextDecodingError it throws (nil if it did not throw that).
    private func caughtError(_ body: () throws -> Void) -> TextDecodingError? {
        do {
            try body()
            return nil
        } catch let error as TextDecodingError {
            return error
        } catch {
            return nil
        }
    }

    private func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8).filter { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: " ") }
        var result: [UInt8] = []
        result.reserveCapacity(digits.count / 2)
        var k = 0
        while k + 1 < digits.count {
            let hi = hexValue(digits[k])
            let lo = hexValue(digits[k + 1])
            result.append(hi << 4 | lo)
            k += 2
        }
        return result
    }

    private func hexValue(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return 0
        }
    }

    private func scalars(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }

    // MARK: - Basic mappings

    @Test func asciiPassthrough() throws {
        // GB18030 is ASCII-compatible: bytes 0x00...0x7F decode to themselves (GB18030 spec;
        // also bytes(range(128)).decode('gb18030') in Python).
        let all = (0..<128).map { UInt8($0) }
        #expect(try decodeUTF8(all) == all)
        let csv = Array("id,name,amount\n1,Alice,12.50\n2,Bob,-3\n".utf8)
        #expect(try GB18030Decoder.decode(csv) == "id,name,amount\n1,Alice,12.50\n2,Bob,-3\n")
        #expect(try GB18030Decoder.decode([]) == "")
    }

    @Test func niHao() throws {
        // Python: bytes.fromhex('C4E3BAC3').decode('gb18030') == '你好' (U+4F60 U+597D)
        let s = try GB18030Decoder.decode([0xC4, 0xE3, 0xBA, 0xC3])
        #expect(s == "你好")
        #expect(scalars(s) == [0x4F60, 0x597D])
        // Python: bytes.fromhex('B0A1').decode('gb18030') == '\u554a' (啊, first GB2312 hanzi)
        #expect(try GB18030Decoder.decode([0xB0, 0xA1]) == "\u{554A}")
    }

    @Test func gbkTwoByteWithLowTrailByte() throws {
        // Trail bytes 0x40...0x7E exist only in GBK/GB18030, not GB2312.
        // Python: b'\x81\x40'.decode('gb18030') == '\u4e02' (丂)
        #expect(try GB18030Decoder.decode([0x81, 0x40]) == "\u{4E02}")
        // Python: b'\x81\x7e'.decode('gb18030') == '\u4e8a' (亊), last trail before the 0x7F gap
        #expect(try GB18030Decoder.decode([0x81, 0x7E]) == "\u{4E8A}")
        // Python: b'\xfe\x4f'.decode('gb18030') == '\ufa29'
        #expect(try GB18030Decoder.decode([0xFE, 0x4F]) == "\u{FA29}")
        // Python: b'\xa1\xa4'.decode('gb18030') == '\u00b7' (middle dot)
        #expect(try GB18030Decoder.decode([0xA1, 0xA4]) == "\u{00B7}")
    }

    @Test func fourByteBMP() throws {
        // Python: b'\x81\x30\x81\x30'.decode('gb18030') == '\x80' (first four-byte code)
        #expect(scalars(try GB18030Decoder.decode([0x81, 0x30, 0x81, 0x30])) == [0x80])
        // Python: '\u00a5'.encode('gb18030') == b'\x81\x30\x84\x36'
        #expect(try GB18030Decoder.decode([0x81, 0x30, 0x84, 0x36]) == "\u{00A5}")
        // Python: '\u20ac'.encode('gb18030') == b'\xa2\xe3' (the euro sign is two-byte in GB18030)
        #expect(try GB18030Decoder.decode([0xA2, 0xE3]) == "\u{20AC}")
        // Python: b'\x84\x31\xa4\x39'.decode('gb18030') == '\uffff' (last four-byte BMP code)
        #expect(scalars(try GB18030Decoder.decode([0x84, 0x31, 0xA4, 0x39])) == [0xFFFF])
        // Python-specific (GB18030-2000 style) assignments, which are the reference here:
        // b'\x81\x35\xf4\x37' -> '\u1e3f', b'\xa8\xbc' -> '\ue7c7', b'\xa3\xa0' -> '\ue5e5'
        #expect(try GB18030Decoder.decode([0x81, 0x35, 0xF4, 0x37]) == "\u{1E3F}")
        #expect(try GB18030Decoder.decode([0xA8, 0xBC]) == "\u{E7C7}")
        #expect(try GB18030Decoder.decode([0xA3, 0xA0]) == "\u{E5E5}")
    }

    @Test func supplementary() throws {
        // Python: b'\x90\x30\x81\x30'.decode('gb18030') == '\U00010000'
        #expect(try GB18030Decoder.decode([0x90, 0x30, 0x81, 0x30]) == "\u{10000}")
        // Python: '\U0001F600'.encode('gb18030') == b'\x94\x39\xfc\x36' (😀)
        let emoji = try GB18030Decoder.decode([0x94, 0x39, 0xFC, 0x36])
        #expect(emoji == "😀")
        #expect(try decodeUTF8([0x94, 0x39, 0xFC, 0x36]) == [0xF0, 0x9F, 0x98, 0x80])
        // Python: b'\xe3\x32\x9a\x35'.decode('gb18030') == '\U0010ffff' (last code)
        #expect(try GB18030Decoder.decode([0xE3, 0x32, 0x9A, 0x35]) == "\u{10FFFF}")
    }

    // MARK: - Streaming

    /// Python: 'a,1;你\u00a5€😀\u0080z'.encode('gb18030').hex() ==
    /// '612c313bc4e381308436a2e39439fc36813081307a'
    private let mixedText = "a,1;你\u{00A5}€😀\u{0080}z"
    private let mixedHex = "612c313bc4e381308436a2e39439fc36813081307a"

    @Test func splitAcrossTwoChunksAtEverySplitPoint() throws {
        let all = bytes(hex: mixedHex)
        for split in 0...all.count {
            let s = try decodeChunks([Array(all[..<split]), Array(all[split...])])
            #expect(s == mixedText, "split at \(split)")
        }
    }

    @Test func splitIntoThreeChunksAndByteByByte() throws {
        let all = bytes(hex: mixedHex)
        for a in 0...all.count {
            for b in a...all.count {
                let s = try decodeChunks([Array(all[..<a]), Array(all[a..<b]), Array(all[b...])])
                #expect(s == mixedText, "splits at \(a), \(b)")
            }
        }
        // One byte per call, then an empty final chunk.
        #expect(try decodeChunks(all.map { [$0] } + [[]]) == mixedText)
    }

    @Test func incompleteSequenceAtEndOfNonFinalChunkIsCarriedOver() throws {
        // "你" = C4 E3 (Python). First chunk ends after the lead byte: nothing emitted yet.
        var decoder = GB18030Decoder()
        var out: [UInt8] = []
        try [UInt8]([0x41, 0xC4]).withUnsafeBytes { try decoder.decode($0, into: &out, isFinal: false) }
        #expect(out == [0x41])
        try [UInt8]([0xE3]).withUnsafeBytes { try decoder.decode($0, into: &out, isFinal: true) }
        #expect(String(decoding: out, as: UTF8.self) == "A你")
    }

    @Test func largeMixedInputAppendsToExistingOutput() throws {
        // Long ASCII runs (around the decoder's 4096-byte staging buffer) interleaved with
        // 你好 = C4 E3 BA C3 and 😀 = 94 39 FC 36 (both from Python's 'gb18030' codec).
        var gb: [UInt8] = []
        var expected = ""
        for run in [0, 1, 7, 8, 9, 4095, 4096, 4097, 10_000, 3] {
            let ascii = String(repeating: "x,", count: run / 2) + (run % 2 == 1 ? "9" : "")
            gb += Array(ascii.utf8) + [0xC4, 0xE3, 0xBA, 0xC3, 0x94, 0x39, 0xFC, 0x36]
            expected += ascii + "你好😀"
        }
        for _ in 0..<3000 {
            gb += [0xC4, 0xE3]
            expected += "你"
        }
        #expect(try GB18030Decoder.decode(gb) == expected)
        for chunkSize in [1, 3, 1000, 4097] {
            var decoder = GB18030Decoder()
            var out = Array("prefix|".utf8)
            var k = 0
            while k < gb.count {
                let end = min(k + chunkSize, gb.count)
                try gb[k..<end].withUnsafeBytes {
                    try decoder.decode($0, into: &out, isFinal: end == gb.count)
                }
                k = end
            }
            #expect(String(decoding: out, as: UTF8.self) == "prefix|" + expected, "chunk size \(chunkSize)")
        }
    }

    // MARK: - Errors

    @Test func loneInvalidSingleBytes() {
        // Python: b'ab\x80'.decode('gb18030') raises "can't decode byte 0x80 in position 2"
        let e1 = caughtError { _ = try GB18030Decoder.decode([0x61, 0x62, 0x80]) }
        #expect(e1?.byteOffset == 2)
        #expect(e1?.description == "invalid GB18030 byte sequence 0x80 at byte 2")
        // Python: b'\xff'.decode('gb18030') raises at position 0
        let e2 = caughtError { _ = try GB18030Decoder.decode([0xFF, 0x41]) }
        #expect(e2?.byteOffset == 0)
        // 0x80 followed by a valid trail byte is still invalid (0x80 is not a lead byte).
        let e3 = caughtError { _ = try GB18030Decoder.decode([0x31, 0x80, 0x40]) }
        #expect(e3?.byteOffset == 1)
    }

    @Test func leadByteFollowedByInvalidTrail() {
        // Python: b'xy\x81\x20'.decode('gb18030') raises "can't decode byte 0x81 in position 2:
        // illegal multibyte sequence"; our offset is that of the lead byte, as in Python.
        let e = caughtError { _ = try GB18030Decoder.decode([0x78, 0x79, 0x81, 0x20]) }
        #expect(e?.byteOffset == 2)
        #expect(e?.message == "invalid GB18030 byte sequence 0x81 0x20")
        #expect(e?.description == "invalid GB18030 byte sequence 0x81 0x20 at byte 2")
        // Python: b'\x81\x7f' and b'\x81\xff' raise at position 0 (0x7F and 0xFF are not trails).
        #expect(caughtError { _ = try GB18030Decoder.decode([0x81, 0x7F]) }?.byteOffset == 0)
        #expect(caughtError { _ = try GB18030Decoder.decode([0x81, 0xFF]) }?.byteOffset == 0)
        // Bad third / fourth byte of a four-byte sequence (Python raises at position 1).
        #expect(caughtError { _ = try GB18030Decoder.decode([0x20, 0x81, 0x30, 0x20, 0x30]) }?.byteOffset == 1)
        #expect(caughtError { _ = try GB18030Decoder.decode([0x20, 0x81, 0x30, 0x81, 0x41]) }?.byteOffset == 1)
    }

    @Test func unassignedFourByteCodes() {
        // Python raises "illegal multibyte sequence" at position 0 for each of these:
        // one past U+FFFF, b1 in the gap 0x85...0x8F, one past U+10FFFF, b1 above 0xE3.
        let codes: [[UInt8]] = [
            [0x84, 0x31, 0xA5, 0x30], [0x85, 0x30, 0x81, 0x30], [0x8F, 0x39, 0xFE, 0x39],
            [0xE3, 0x32, 0x9A, 0x36], [0xE4, 0x30, 0x81, 0x30], [0xFE, 0x39, 0xFE, 0x39],
        ]
        for code in codes {
            let e = caughtError { _ = try GB18030Decoder.decode([0x41] + code) }
            #expect(e?.byteOffset == 1, "\(code)")
        }
    }

    @Test func truncatedSequenceAtEndIsErrorWhenFinal() {
        // Python: b'abc\x81\x30'.decode('gb18030') raises "incomplete multibyte sequence"
        // at position 3.
        let e1 = caughtError { _ = try GB18030Decoder.decode([0x61, 0x62, 0x63, 0x81, 0x30]) }
        #expect(e1?.byteOffset == 3)
        #expect(e1?.message == "incomplete GB18030 byte sequence 0x81 0x30 at end of input")
        let e2 = caughtError { _ = try GB18030Decoder.decode([0xC4]) }
        #expect(e2?.byteOffset == 0)
        let e3 = caughtError { _ = try GB18030Decoder.decode([0x90, 0x30, 0x81]) }
        #expect(e3?.byteOffset == 0)
    }

    @Test func errorOffsetsCountTheWholeStream() {
        // Truncated sequence carried over into an empty final chunk: offset of its lead byte.
        let e1 = caughtError { _ = try decodeChunks([[0x61, 0x62, 0x81], [0x30], []]) }
        #expect(e1?.byteOffset == 2)
        // Invalid sequence split across chunks: 0x81 | 0x20.
        let e2 = caughtError { _ = try decodeChunks([[0x61, 0x62, 0x63, 0x81], [0x20, 0x41]]) }
        #expect(e2?.byteOffset == 3)
        #expect(e2?.message == "invalid GB18030 byte sequence 0x81 0x20")
        // Invalid byte in the third chunk: 4 + 2 + 1 bytes precede it.
        let e3 = caughtError { _ = try decodeChunks([[0x61, 0x62, 0xC4, 0xE3], [0x41, 0x42], [0x43, 0x80]]) }
        #expect(e3?.byteOffset == 7)
        // Output keeps what was decoded before the error.
        var decoder = GB18030Decoder()
        var out: [UInt8] = []
        let e4 = caughtError {
            try [UInt8]([0x41, 0xC4, 0xE3, 0xFF]).withUnsafeBytes {
                try decoder.decode($0, into: &out, isFinal: true)
            }
        }
        #expect(e4?.byteOffset == 3)
        #expect(String(decoding: out, as: UTF8.self) == "A你")
    }

    // MARK: - Round trip and exhaustive checks against Python

    /// Generated by `python3 Scripts/gen_gb18030_table.py --test-data`:
    /// 1744 code points: every 37th BMP code point from U+0000 (surrogates skipped), then every 40009th from U+10000; bytes = Python chr(cp).encode('gb18030').
    private let roundTripHex = """
        00254A6F81308330813086318130893781308C3081308F35A8AD8130963481309A3181309D388130A0378130A4338130
        A8308130AB378130AF328130B2398130B6368130B9388130BD358130C1328130C4398130C836A6AD8130CB398130CE39
        8130D235A7D28130D3348130D7318130DA388130DE358130E2328130E5398130E9368130ED338130F1308130F4378130
        F8348130FC3181318138813185358131893281318C3981319036813194338131983081319B3781319F348131A3318131
        A6388131AA358131AE328131B1398131B5368131B9338131BD308131C0378131C4348131C8318131CB388131CF358131
        D3328131D6398131DA368131DE338131E2308131E5378131E9348131ED318131F0388131F4358131F8328131FB398132
        8136813285338132893081328C3781329034813294318132973881329B3581329F328132A2398132A6368132AA338132
        AE308132B1378132B5348132B9318132BC388132C0358132C4328132C7398132CB368132CF338132D3308132D6378132
        DA348132DE318132E1388132E5358132E9328132EC398132F0368132F4338132F8308132FB3781338134813385318133
        883881338C3581339032813393398133973681339B3381339F308133A2378133A6348133AA318133AD388133B1358133
        B5328133B8398133BC368133C0338133C4308133C7378133CB348133CF318133D2388133D6358133DA328133DD398133
        E1368133E5338133E9308133EC378133F0348133F4318133F7388133FB3581348132813484398134883681348C338134
        9030813493378134973481349B3181349E388134A2358134A6328134A9398134AD368134B1338134B5308134B8378134
        BC348134C0318134C3388134C7358134CB328134CE398134D2368134D6338134DA308134DD378134E1348134E5318134
        E8388134EC358134F0328134F3398134F7368134FB3381358130813584378135883481358C3181358F38813593358135
        973281359A3981359E368135A2338135A6308135A9378135AD348135B1318135B4388135B8358135BC328135BF398135
        C3368135C7338135CB308135CE378135D2348135D6318135D9388135DD358135E1328135E4398135E8368135EC338135
        F0308135F3378135F7348135FB318135FE38813684358136883281368B3981368F36813693338136973081369A378136
        9E348136A231A1ACA1F98136AB368136AF338136B3308136B6368136BA338136BD368136C132A2F48136C6348136C933
        8136CD308136D0378136D3398136D539A8518136DC328136DF368136E3328136E6398136EA358136EE328136F1398136
        F5368136F9338136FD30813782378137863481378A3181378C38A2BA8137903281379339A9A4A9C9A9EEA873A8898137
        9C3781379F378137A3308137A6348137A9398137AD368137B1338137B5308137B8378137BC348137C0318137C3388137
        C7358137CB328137CE398137D2368137D6338137DA308137DD378137E1348137E5318137E8388137EC358137F0328137
        F3398137F7368137FB3381388130813884378138883481388C3181388F38813893358138973281389A3981389E368138
        A2338138A6308138A9378138AD348138B1318138B4388138B8358138BC328138BF398138C3368138C7338138CB308138
        CE378138D2348138D6318138D9388138DD358138E1328138E4398138E8368138EC338138F0308138F3378138F7348138
        FB318138FE35813983368139863881398A3581398E3281399139813995368139993381399D308139A0378139A332A940
        A4A6A4CBA4F0A5B5A5DA8139A830A8E48139AB378139AF348139B3318139B6388139BA358139BE32A2EC8139C4358139
        C8328139CB398139CF358139D3328139D6398139DA368139DE338139E2308139E5358139E8388139EC308139EF378139
        F3348139F7308139FA368139FE33823084308230873782308B3482308F31823092388230963582309A3182309D388230
        A135FE5C8230A8378230AC348230B0318230B3388230B7358230BB328230BE398230C2368230C6338230CA308230CD37
        8230D1348230D5318230D8388230DC358230E0328230E3398230E7368230EB338230EF308230F2378230F6338230FA30
        8230FD3682318333FE6582318A3482318E3182319138823195358231993182319C388231A0358231A4328231A7398231
        AB368231AF328231B2398231B6368231BA338231BE308231C1378231C5348231C9318231CC378231D0348231D4318231
        D7378231DB348231DF318231E2388231E6358231EA328231ED398231F1368231F5338231F9308231FC37823282348232
        86318232893882328D3582329132823294398232983682329C338232A0308232A3378232A7348232AB318232AE388232
        B2348232B6318232B9388232BD358232C1328232C4398232C8368232CC328232CF398232D3368232D7338232DB308232
        DE378232E2348232E6318232E9388232ED358232F1328232F4398232F8368232FC328233813982338536823389318233
        8C3782339034823394318233973882339B3582339F328233A2398233A6358233AA328233AD398233B1368233B5338233
        B9308233BC378233C0348233C4318233C7388233CB338233CF308233D2378233D6348233DA318233DD388233E1338233
        E5308233E8368233EC328233EF398233F3368233F7338233FB308233FE37823484348234883182348B3882348F358234
        9332FE8582349A3582349D36FE8F8234A4368234A8338234AC308234AF378234B3348234B7318234BA388234BE358234
        C2328234C5398234C9368234CD338234D1308234D4378234D8348234DC318234DF388234E3358234E7328234EA388234
        EE308234F1378234F5348234F8348234FC3182358138823585358235893182358C38D8A2814FB9D48173D9EFBDF6D2C7
        B7FCB0E9D3E0D9ABC2C28256BCF3B5B98299CDA382CF82EF834E836B838A83AE83C283D183E683F7B5CAC1F5B9F48486
        84A1DBBE84D084EF8545855E856B857C8593CAE5CCBECDCCDFC0D6DC85F58644BBA9BADF867CC9CC86A886B8DFF786E8
        86FAE0D3876E8785E0EA87C3E0EE87F58852DBD08874888C88A2B2BA88D4BFB0894E896CC7BD89A889C989E3D8B28A4B
        8A648A788A908AA68ABE8AD9E6BCE6C48B728B90C4DB8BCB8BEDB4E6C4F5BFCDBFDC8C92C9D98CBF8CCE8CE78CFB8D54
        8D6FB4DE8DA88DC48DE38E47CEA1D2D18E93E0FEE1A6C7EC8EEC8F488F658F778F8FCDAEE1E0CEA28FE5E2EECBBCE2FE
        EDA4E3A9E3AD90B590C5E3B390FD91599179919991B591D891E8ECE8C5A4CAE39279B0DDB3D692A6DEDB92D392E8B2F4
        9354936A9383939A93B893D293EADFAA94679488BEC894B4F5FA94E6C8D5EABBCAC7EACA959495AF95CE95EEB7FE965A
        966EE8CC969996AC96C196D496EF96FD97559772C3DEC9AD97C197E0E9ACB8C5E9BCE9B398A998CA98E6994499629982
        99A599CA99EFBFEED5FD9A7E9A99B6BE9ACA9ADED6AD9B459B599B6BB7A8E3F89BA29BB7BAC6CFD19BEFCCD49C5D9C74
        9C8D9CA99CC5C8DC9CF49D4E9D6A9D859DA19DBBE5A3E5A89E5B9E7C9E9F9EBD9ED3C1B69F449F5D9F789F969FB29FCE
        9FECA04DA06DA08FA0A5A0BCA0D5BFF1AA48AA5AE2AEAA8AAB49AB64AB7CAB95E7F6C7D9E8A7E8AAAD5EAD80AD9DAE57
        C4D0D0F3AE9CAF4EAF5CCCB5F0FDAF9BB054B5C4B08CB0BBB15AB173B189EEA1B25BCBB2B292EDB6B35CB4A1B389B444
        B45AEDDDB490EDE6B56CC6B1B59CB65DB672B68BB742C4C2B782B798B84CB86DB8CDF3D4B5C8F3DFB982F3E7F3F4BA6C
        BBC9BB49BB6DBB8ABBA0BFB7BC74BC96BD58BD7CBE40BE63BE89BF4DBF72BF95C059C07CE7A5CCD0E7C0E7D6BAB1C156
        F4C7C18BF4E6C258B6FAC6B8C2A0D6ABC35EE6C0C4D4EBE1C44FB0F2C47EEBFDC556CCF2B4ACC597C64DDCB8B2D4C67A
        DCF8DCEDB5B4C6CEC4AAC78EC844C85BC875C892DDDEC966DDEDC998CA55CA6FCA8DCB47CB63CB81D4E5CC62CC84CCA0
        CD52F2CACDDCB6EAF2DEF2E5CE79CE91CF4BCF66CF86D042D061CBA5D08FD14BF4C4D17AD197D254D276D297D35BD36C
        D9EAD44ED471D497D557D57CD641D665D68AD74ED771D797DAADDABBB5FDDADCD859D875D894D958D97DDA42B9F3D7AC
        DA64DA81DA9ADB4CDB63DB7BDB92DC4ADC68DC89DD4CDD71DD97DE5BB8A8DE6DDE85DE92DF40D3E2C7B2E5E3DF9AE048
        E05FE07EE09EE14EB4D7E176E191E254E279E29FE363F6C6E44AE46EE494E558E57CE640E664E68AE74CE771E797E85A
        E87EEECDEEE0EEF6EFADCFC7C4F8EFEFE96BE991EA55E3CFEA6BCFDEC1EAEB47EB63EB7AC3B9EC4BF6A6EC83ECA0ED5D
        C8CDED9EEE62EE88D0EBB5DFEF69EF83F046F069F08DF09DF14BF16EF194F258F27DF342E6E7F35AF7C5F38DF44BF46C
        F484F548F56DF593F657F67CF741F766F6D3F791F79BF853F878F89EF962F988FA4CFA71FA97FB5BBEE9F0D2FB88FC47
        FC60EDEBFC93FD4EFD71FD8B82359038823594358235983282359B3982359F368235A3338235A7308235AA378235AE34
        8235B2318235B5388235B9358235BD328235C0398235C4368235C8338235CC308235CF378235D3348235D7318235DA38
        8235DE358235E2328235E5398235E9368235ED338235F1308235F4378235F8348235FC31823681388236853582368932
        82368C3982369036823694338236983082369B3782369F348236A3318236A6388236AA358236AE328236B1398236B536
        8236B9338236BD308236C0378236C4348236C8318236CB388236CF358236D3328236D6398236DA368236DE338236E230
        8236E5378236E9348236ED318236F0388236F4358236F8328236FB3982378136823785338237893082378C3782379034
        823794318237973882379B3582379F328237A2398237A6368237AA338237AE308237B1378237B5348237B9318237BC38
        8237C0358237C4328237C7398237CB368237CF338237D3308237D6378237DA348237DE318237E1388237E5358237E932
        8237EC398237F0368237F4338237F8308237FB3782388134823885318238883882388C35823890328238933982389736
        82389B3382389F308238A2378238A6348238AA318238AD388238B1358238B5328238B8398238BC368238C0338238C430
        8238C7378238CB348238CF318238D2388238D6358238DA328238DD398238E1368238E5338238E9308238EC378238F034
        8238F4318238F7388238FB3582398132823984398239883682398C3382399030823993378239973482399B3182399E38
        8239A2358239A6328239A9398239AD368239B1338239B5308239B8378239BC348239C0318239C3388239C7358239CB32
        8239CE398239D2368239D6338239DA308239DD378239E1348239E5318239E8388239EC358239F0328239F3398239F736
        8239FB3383308130833084378330883483308C3183308F38833093358330973283309A3983309E368330A2338330A630
        8330A9378330AD348330B1318330B4388330B8358330BC328330BF398330C3368330C7338330CB308330CE378330D234
        8330D6318330D9388330DD358330E1328330E4398330E8368330EC338330F0308330F3378330F7348330FB318330FE38
        833184358331883283318B3983318F36833193338331973083319A3783319E348331A2318331A5388331A9358331AD32
        8331B0398331B4368331B8338331BC308331BF378331C3348331C7318331CA388331CE358331D2328331D5398331D936
        8331DD338331E1308331E4378331E8348331EC318331EF388331F3358331F7328331FA398331FE368332843383328830
        83328B3783328F34833293318332963883329A3583329E328332A1398332A5368332A9338332AD308332B0378332B434
        8332B8318332BB388332BF358332C3328332C6398332CA368332CE338332D2308332D5378332D9348332DD318332E038
        8332E4358332E8328332EB398332EF368332F3338332F7308332FA378332FE34833384318333873883338B3583338F32
        833392398333963683339A3383339E308333A1378333A5348333A9318333AC388333B0358333B4328333B7398333BB36
        8333BF338333C3308333C6378333CA348333CE318333D1388333D5358333D9328333DC398333E0368333E4338333E830
        8333EB378333EF348333F3318333F6388333FA358333FE32833483398334873683348B3383348F308334923783349634
        83349A3183349D388334A1358334A5328334A8398334AC368334B0338334B4308334B7378334BB348334BF318334C238
        8334C6358334CA328334CD398334D1368334D5338334D9308334DC378334E0348334E4318334E7388334EB358334EF32
        8334F2398334F6368334FA338334FE30833583378335873483358B3183358E3883359235833596328335993983359D36
        8335A1338335A5308335A8378335AC348335B0318335B3388335B7358335BB328335BE398335C2368335C6338335CA30
        8335CD378335D1348335D5318335D8388335DC358335E0328335E3398335E7368335EB338335EF308335F2378335F634
        8335FA318335FD38833683358336873283368A3983368E3683369233833696308336993783369D348336A1318336A438
        8336A8358336AC328336AF398336B3368336B7338336BB308336BE378336C2348336C631AAA7AACCAAF1ABB8ABDDACA4
        ACC9ACEEADB5ADDAAEA1AEC6AEEBAFB2AFD7AFFCF8C3F8E8F9AFF9D4F9F9FAC0FAE5FBACFBD1FBF6FCBDFCE2FDA9FDCE
        FDF3FEBAFEDFA145A16AA190A254A279A29FA363A389A44DA472A498A55CA582A646A66BA691A755A77AA7A0A6BEA7F2
        A8F1A99CFE59FE7E8336D0338336D4308336D7378336DB348336DF318336E2388336E6358336EA328336ED398336F136
        8336F5338336F9308336FC3783378234833786318337893883378D3583379132833794398337983683379C338337A030
        8337A3378337A7348337AB318337AE388337B2358337B6328337B9398337BD368337C1338337C5308337C8378337CC34
        8337D0318337D3388337D7358337DB328337DE398337E2368337E6338337EA308337ED378337F1348337F5318337F838
        8337FC3583388232833885398338893683388D3383389130833894378338983483389C3183389F388338A3358338A732
        8338AA398338AE368338B2338338B6308338B9378338BD348338C1318338C4388338C8358338CC328338CF398338D336
        8338D7338338DB308338DE378338E2348338E6318338E9388338ED358338F1328338F4398338F8368338FC3383398230
        833985378339893483398D3183399038833994358339983283399B3983399F368339A3338339A7308339AA378339AE34
        8339B2318339B5388339B9358339BD328339C0398339C4368339C8338339CC308339CF378339D3348339D7318339DA38
        8339DE358339E2328339E5398339E9368339ED338339F1308339F4378339F8348339FC3184308138FD9C843089318430
        8C3884309033843094308430973784309B3284309D338430A1308430A4378430A8348430AC318430AF388430B3358430
        B7328430BA398430BE368430C2338430C6308430C9378430CD348430D1318430D4388430D8358430DC328430DF398430
        E3368430E7338430EB308430EE378430F2348430F6318430F9388430FD3584318332A6EEA97D8431893184318C388431
        903584319432A3B9A3DE843195398431993684319D338431A1308431A431903081309331DF399633C0389935A1379C37
        82369F38E135A330C234A632A333A9348432AC35E331AF37C430B239A439B6318538B932E437BC34C536BF36A635C238
        8734C539E633C931C732CC33A831CF358930D236E739D538C838D930A937DC328A36DF33E935E235CA34
        """

    /// The code points encoded in `roundTripHex`, in order.
    private var roundTripCodePoints: [UInt32] {
        var points: [UInt32] = []
        for cp in stride(from: UInt32(0), to: 0x10000, by: 37) where !(0xD800...0xDFFF).contains(cp) {
            points.append(cp)
        }
        for cp in stride(from: UInt32(0x10000), to: 0x110000, by: 40009) {
            points.append(cp)
        }
        return points
    }

    @Test func roundTripFixture() throws {
        let gb = bytes(hex: roundTripHex)
        #expect(gb.count == 5658)
        let s = try GB18030Decoder.decode(gb)
        #expect(scalars(s) == roundTripCodePoints)
        // Same through a streaming decoder with 7-byte chunks (splits sequences everywhere).
        var chunks: [[UInt8]] = []
        var k = 0
        while k < gb.count {
            chunks.append(Array(gb[k..<min(k + 7, gb.count)]))
            k += 7
        }
        #expect(try decodeChunks(chunks) == s)
    }

    /// FNV-1a (64-bit) over a sequence of code points, as in the generator script.
    private func fnv1a(_ values: [UInt32]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for v in values {
            h ^= UInt64(v)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    @Test func allTwoByteCodesMatchPython() {
        // Checksum printed by `gen_gb18030_table.py --test-data`: FNV-1a over Python's decoding of
        // every lead 0x81...0xFE x trail 0x40...0x7E, 0x80...0xFE (0xFFFF where Python raises).
        var values: [UInt32] = []
        for lead in UInt8(0x81)...0xFE {
            for trail in UInt8(0x40)...0xFE where trail != 0x7F {
                let decoded = (try? GB18030Decoder.decode([lead, trail])).map(scalars) ?? []
                values.append(decoded.count == 1 ? decoded[0] : 0xFFFF)
            }
        }
        #expect(values.count == 23940)
        #expect(fnv1a(values) == 0x0BA6CCCDA250F5D2)
    }

    @Test func allFourByteBMPCodesMatchPython() throws {
        // Checksum printed by `gen_gb18030_table.py --test-data`: FNV-1a over Python's decoding of
        // the 39420 four-byte codes 0x81308130...0x8431A439 in linear order.
        var input: [UInt8] = []
        for b1 in UInt8(0x81)...0x84 {
            for b2 in UInt8(0x30)...0x39 {
                for b3 in UInt8(0x81)...0xFE {
                    for b4 in UInt8(0x30)...0x39 {
                        if input.count / 4 < 39420 { input += [b1, b2, b3, b4] }
                    }
                }
            }
        }
        let values = scalars(try GB18030Decoder.decode(input))
        #expect(values.count == 39420)
        #expect(fnv1a(values) == 0xEE1B3E7C54F732C4)
    }

    @Test func tableIntegrity() {
        #expect(GB18030Table.twoByte.count == 23940)
        #expect(GB18030Table.fourByteBMPRanges.count == GB18030Table.fourByteBMPRangeCount * 2)
        // Range starts are strictly increasing from linear index 0.
        let ranges = GB18030Table.fourByteBMPRanges
        #expect(ranges.first == 0)
        var ok = true
        for k in 1..<(ranges.count / 2) where ranges[2 * k] <= ranges[2 * k - 2] { ok = false }
        #expect(ok)
    }
}
