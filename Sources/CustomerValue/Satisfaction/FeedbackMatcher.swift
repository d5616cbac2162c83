/// The compiled form of a ``FeedbackLexicon``: an Aho–Corasick automaton over UTF-8 bytes that
/// finds every lexicon term in one pass over a text, whatever the number of terms.
///
/// Aho & Corasick (1975), "Efficient string matching: an aid to bibliographic search",
/// Communications of the ACM 18(6). The goto and failure functions are folded into one
/// deterministic transition table over byte classes (bytes that occur in no term share a class),
/// so each input byte costs one table look-up. ASCII letters are folded to lower case by the
/// byte-class map, so English matching is case-insensitive without building a lower-cased copy.
///
/// Chinese has no spaces, so terms whose edge is a non-ASCII character match as substrings. A
/// term whose first (last) byte is an ASCII letter or digit must start (end) at a word boundary:
/// the byte before (after) it is not an ASCII letter or digit. A term written with a trailing
/// `*` is a prefix: it needs no boundary at its end.
public struct FeedbackMatcher: Sendable {
    /// What a matched term means; one term may have several roles (退款: billing, negative, escalation).
    public struct Roles: Sendable, Hashable {
        /// Bit k set: the term tags theme k of the lexicon.
        public var themes: UInt64 = 0
        /// Valence, 0 when the term is not a sentiment word.
        public var sentiment: Double = 0
        /// Intensifier factor, 1 when the term is not an intensifier.
        public var intensity: Double = 1
        public var negator = false
        /// A negator of ability or permission (无法, 不能, can't): it negates sentiment but not an
        /// escalation word ("can't cancel" is a reason to escalate, "won't cancel" is not).
        public var inability = false
        public var escalation = false
        /// A verb of receiving or arriving (received, 收到): a negator right before it says a
        /// thing did not come, which keeps a later escalation word ("haven't received my refund").
        public var receipt = false

        mutating func add(_ other: Roles) {
            themes |= other.themes
            if other.sentiment != 0 { sentiment = other.sentiment }
            if other.intensity != 1 { intensity = other.intensity }
            negator = negator || other.negator
            inability = inability || other.inability
            escalation = escalation || other.escalation
            receipt = receipt || other.receipt
        }
    }

    /// One occurrence of a term in a text: bytes `start..<end`, and the term's index.
    public struct Match: Sendable, Hashable {
        public var start: Int32
        public var end: Int32
        public var pattern: Int32
    }

    /// Roles of each pattern.
    public let roles: [Roles]
    let length: [Int32]
    let boundaryStart: [Bool]
    let boundaryEnd: [Bool]
    /// The next (shorter or equal-length) pattern that also ends where this one does, or -1.
    let nextOutput: [Int32]
    let byteClass: [UInt8]
    let classCount: Int
    let transitions: [Int32]
    /// The longest pattern ending at each state, or -1.
    let output: [Int32]

    /// Compiles `lexicon`.
    /// - Throws: ``FeedbackLexiconError`` when the lexicon has more than 64 themes or an empty term.
    /// - Complexity: O(total term bytes × byte classes).
    public init(lexicon: FeedbackLexicon) throws {
        guard lexicon.themes.count <= 64 else {
            throw FeedbackLexiconError("a lexicon can have at most 64 themes; it has \(lexicon.themes.count)")
        }
        // Term text → roles, keyed by the normalised bytes and whether it is a prefix: the bytes
        // interned after a 0 (exact) or 1 (prefix). (Not a dictionary of a local Hashable key:
        // instantiating one made the runtime scan every loaded library's protocol conformances,
        // a millisecond of every `cva satisfaction` run.)
        struct Term { var bytes: [UInt8]; var prefix: Bool; var roles = Roles() }
        var keys = IdentifierTable(expectedCount: 1024)
        var terms: [Term] = []   // by interned id: in order of first appearance
        func find(_ bytes: [UInt8], prefix: Bool) -> Int? {
            ([prefix ? 1 : 0] + bytes).withUnsafeBufferPointer { keys.find($0).map(Int.init) }
        }
        func add(_ term: String, _ roles: Roles) throws {
            var text = Self.trimmedSpaces(term)
            let prefix = text.hasSuffix("*") && text.count > 1
            if prefix { text.removeLast() }
            guard !text.isEmpty else { throw FeedbackLexiconError("a term is empty") }
            var variants = [text]
            if text.contains(Character("'")) { variants.append(Self.replacing("'", with: "\u{2019}", in: text)) }
            for variant in variants {
                let bytes = variant.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
                let id = Int(([prefix ? 1 : 0] + bytes).withUnsafeBufferPointer { keys.intern($0) })
                if id == terms.count { terms.append(Term(bytes: bytes, prefix: prefix)) }
                terms[id].roles.add(roles)
            }
        }
        for (k, theme) in lexicon.themes.enumerated() {
            for term in theme.terms { try add(term, Roles(themes: 1 << UInt64(k))) }
        }
        for (term, valence) in lexicon.sentiment.sorted(by: { $0.key < $1.key }) { try add(term, Roles(sentiment: valence)) }
        for (term, factor) in lexicon.intensifiers.sorted(by: { $0.key < $1.key }) { try add(term, Roles(intensity: factor)) }
        // A negator of ability is a negator too, listed in `negators` or not.
        func normalised(_ term: String) -> String {
            Self.replacing("\u{2019}", with: "'", in: Self.trimmedSpaces(term).lowercased())
        }
        let inability = Set(lexicon.inabilityNegators.map(normalised))
        var negators = lexicon.negators
        var normalisedNegators = Set(negators.map(normalised))
        for term in lexicon.inabilityNegators where normalisedNegators.insert(normalised(term)).inserted {
            negators.append(term)
        }
        for term in negators { try add(term, Roles(negator: true, inability: inability.contains(normalised(term)))) }
        for term in lexicon.escalation { try add(term, Roles(escalation: true)) }
        for term in lexicon.receiptVerbs { try add(term, Roles(receipt: true)) }
        for term in lexicon.neutral { try add(term, Roles()) }
        // A phrase carries the themes of the theme words inside it: 性价比高 is about price, and
        // leftmost-longest matching would otherwise hide 性价比.
        func isWord(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) }
        var order = Array(terms.indices)
        let themed = order.filter { terms[$0].roles.themes != 0 }
        for key in order {
            let bytes = terms[key].bytes
            var themes = terms[key].roles.themes
            for k in themed where terms[k].bytes.count < bytes.count {
                // An inner term's themes as they are now (it may have gained some as an outer phrase).
                let inner = terms[k]
                let n = inner.bytes.count
                for j in 0...(bytes.count - n) where bytes[j..<(j + n)].elementsEqual(inner.bytes) {
                    let startOK = !isWord(inner.bytes[0]) || j == 0 || !isWord(bytes[j - 1])
                    let endOK = inner.prefix || !isWord(inner.bytes[n - 1]) || j + n == bytes.count || !isWord(bytes[j + n])
                    if startOK && endOK { themes |= inner.roles.themes }
                }
            }
            terms[key].roles.themes = themes
        }
        // Where a word matches exactly, its prefix form matches too: the exact pattern carries both.
        for key in order where !terms[key].prefix {
            if let p = find(terms[key].bytes, prefix: true) { terms[key].roles.add(terms[p].roles) }
        }
        // Exact patterns before prefix ones, so that at a shared state the exact one is tried first.
        order.sort { a, b in terms[a].prefix == terms[b].prefix ? false : !terms[a].prefix }

        var classOf = [UInt8](repeating: 0, count: 256)
        var classes = 1
        for key in order {
            for b in terms[key].bytes where classOf[Int(b)] == 0 {
                guard classes < 256 else { break }
                classOf[Int(b)] = UInt8(classes)
                classes += 1
            }
        }
        for upper in UInt8(0x41)...0x5A { classOf[Int(upper)] = classOf[Int(upper | 0x20)] }

        var transitions = [Int32](repeating: -1, count: classes)
        var own: [[Int32]] = [[]]
        var roles: [Roles] = [], length: [Int32] = [], boundaryStart: [Bool] = [], boundaryEnd: [Bool] = []
        for term in order.map({ terms[$0] }) {
            var state = 0
            for b in term.bytes {
                let slot = state * classes + Int(classOf[Int(b)])
                if transitions[slot] < 0 {
                    transitions[slot] = Int32(own.count)
                    own.append([])
                    transitions.append(contentsOf: repeatElement(-1, count: classes))
                }
                state = Int(transitions[slot])
            }
            own[state].append(Int32(roles.count))
            roles.append(term.roles)
            length.append(Int32(term.bytes.count))
            boundaryStart.append(term.bytes.first.map(isWord) ?? false)
            boundaryEnd.append(!term.prefix && (term.bytes.last.map(isWord) ?? false))
        }
        // Breadth-first: failure links, then missing transitions filled from the failure state.
        let stateCount = own.count
        var fail = [Int32](repeating: 0, count: stateCount)
        var output = [Int32](repeating: -1, count: stateCount)
        var nextOutput = [Int32](repeating: -1, count: roles.count)
        var queue: [Int] = []
        queue.reserveCapacity(stateCount)
        for c in 0..<classes {
            if transitions[c] < 0 { transitions[c] = 0 } else { queue.append(Int(transitions[c])) }
        }
        func link(_ state: Int) {
            let inherited = state == 0 ? -1 : output[Int(fail[state])]
            let patterns = own[state]
            for (k, p) in patterns.enumerated() {
                nextOutput[Int(p)] = k + 1 < patterns.count ? patterns[k + 1] : inherited
            }
            output[state] = patterns.first ?? inherited
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            link(state)
            // The state's row of transitions, the missing ones taken from its failure state's row
            // (a shallower state, never this one). Raw buffers and wrapping arithmetic: this loop
            // over states × byte classes was most of compiling the built-in lexicon.
            let row = state &* classes
            let failRow = Int(fail[state]) &* classes
            transitions.withUnsafeMutableBufferPointer { delta in
                fail.withUnsafeMutableBufferPointer { fail in
                    for c in 0..<classes {
                        let target = delta[row &+ c]
                        let fallback = delta[failRow &+ c]
                        if target < 0 {
                            delta[row &+ c] = fallback
                        } else {
                            fail[Int(target)] = fallback
                            queue.append(Int(target))
                        }
                    }
                }
            }
        }
        self.roles = roles
        self.length = length
        self.boundaryStart = boundaryStart
        self.boundaryEnd = boundaryEnd
        self.nextOutput = nextOutput
        self.byteClass = classOf
        self.classCount = classes
        self.transitions = transitions
        self.output = output
    }

    /// `text` without the spaces at its ends: the characters of Foundation's
    /// `CharacterSet.whitespaces` (Unicode general category Zs, and the tab U+0009), as
    /// `trimmingCharacters(in: .whitespaces)` removes them, without Foundation's string bridging
    /// (which made compiling the built-in lexicon a third of `cva satisfaction`'s start-up).
    static func trimmedSpaces(_ text: String) -> String {
        func isSpace(_ s: Unicode.Scalar) -> Bool {
            s.isASCII ? (s == " " || s == "\t") : s.properties.generalCategory == .spaceSeparator
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    /// `text` with every `scalar` replaced by `replacement` (a literal, scalar-by-scalar replacement).
    static func replacing(_ scalar: Unicode.Scalar, with replacement: Unicode.Scalar, in text: String) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: text.unicodeScalars.lazy.map { $0 == scalar ? replacement : $0 })
        return String(result)
    }

    @inline(__always)
    static func isWordByte(_ b: UInt8) -> Bool {
        let lower = b | 0x20
        return (b >= 0x30 && b <= 0x39) || (lower >= 0x61 && lower <= 0x7A)
    }

    /// The terms of `text`, leftmost-longest and without overlaps, in text order, written into
    /// `matches` (cleared first; reuse one array to avoid allocating per text).
    /// - Complexity: O(bytes), plus the few matches found.
    public func matches(in text: UnsafeBufferPointer<UInt8>, into matches: inout [Match]) {
        matches.removeAll(keepingCapacity: true)
        let n = text.count
        guard n > 0 else { return }
        transitions.withUnsafeBufferPointer { delta in
            byteClass.withUnsafeBufferPointer { classOf in
                output.withUnsafeBufferPointer { output in
                    var state = 0
                    for i in 0..<n {
                        state = Int(delta[state &* classCount &+ Int(classOf[Int(text[i])])])
                        var p = output[state]
                        while p >= 0 {
                            let pattern = Int(p)
                            let end = i + 1
                            let start = end - Int(length[pattern])
                            if (!boundaryStart[pattern] || start == 0 || !Self.isWordByte(text[start - 1]))
                                && (!boundaryEnd[pattern] || end == n || !Self.isWordByte(text[end])) {
                                Self.insert(Match(start: Int32(start), end: Int32(end), pattern: Int32(pattern)), into: &matches)
                                break
                            }
                            p = nextOutput[pattern]
                        }
                    }
                }
            }
        }
    }

    /// Keeps the leftmost-longest non-overlapping matches. Matches arrive in order of their end;
    /// a new one replaces the kept ones it overlaps if it starts no later than each of them (it
    /// is then as far left and longer), and is dropped otherwise.
    @inline(__always)
    static func insert(_ match: Match, into matches: inout [Match]) {
        var k = matches.count
        while k > 0, matches[k - 1].end > match.start {
            if matches[k - 1].start < match.start { return }
            k -= 1
        }
        if k < matches.count { matches.removeSubrange(k...) }
        matches.append(match)
    }
}

/// A lexicon that cannot be used: a malformed file, an empty term, too many themes. Names the
/// file and line when it comes from a file.
public struct FeedbackLexiconError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What is wrong and what was expected.
    public var message: String
    /// The lexicon file, when the error comes from one.
    public var file: String?
    /// The 1-based line in ``file``, when known.
    public var line: Int?

    public init(_ message: String, file: String? = nil, line: Int? = nil) {
        self.message = message
        self.file = file
        self.line = line
    }

    /// `file:line: message`, or the message alone.
    public var description: String {
        guard let file else { return message }
        return line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
    }
}
