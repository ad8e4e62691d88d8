import AccessPointCore

/// A pattern where `*` matches any run of characters (including `/` and none at all) and `?` exactly one
/// character, as IAM uses in `Action`, `Resource`, `StringLike` and `ArnLike` (spec §4.2).
///
/// Compiled once when a policy is parsed: the text is split into literal runs and wildcards, and the common shapes
/// (no wildcard, only `*`, a literal then `*`) take a fast path, so evaluation never re-reads the pattern text.
/// Matching is byte-wise over UTF-8 and case-sensitive; callers that need case-insensitivity (actions,
/// `…IgnoreCase`) lower-case both sides first.
struct WildcardPattern: Sendable, Hashable {
    private enum Token: Sendable, Hashable {
        case literal([UInt8])
        case star
        case question
    }

    private enum Shape: Sendable, Hashable {
        case exact([UInt8])
        case anything
        case prefix([UInt8])
        case general([Token])
    }

    private let shape: Shape

    /// A pattern whose every character may be a wildcard.
    init(_ pattern: String) { self.init(pieces: [(pattern, true)]) }

    /// A pattern assembled from pieces, some of which are literal text that must not be read as wildcards (the
    /// value of a policy variable, or the `*` that `${*}` stands for).
    init(pieces: [(text: String, wildcards: Bool)]) {
        var tokens: [Token] = []
        var run: [UInt8] = []
        func flush() {
            if !run.isEmpty { tokens.append(.literal(run)) }
            run = []
        }
        for piece in pieces {
            for byte in piece.text.utf8 {
                if piece.wildcards && byte == UInt8(ascii: "*") {
                    flush()
                    if tokens.last != .star { tokens.append(.star) }
                } else if piece.wildcards && byte == UInt8(ascii: "?") {
                    flush()
                    tokens.append(.question)
                } else {
                    run.append(byte)
                }
            }
        }
        flush()
        if tokens.isEmpty {
            shape = .exact([])
        } else if tokens == [.star] {
            shape = .anything
        } else if tokens.count == 1, case .literal(let bytes) = tokens[0] {
            shape = .exact(bytes)
        } else if tokens.count == 2, case .literal(let bytes) = tokens[0], tokens[1] == .star {
            shape = .prefix(bytes)
        } else {
            shape = .general(tokens)
        }
    }

    /// Whether the pattern is only `*`, so it matches every value.
    var matchesEverything: Bool { shape == .anything }

    /// The text of a pattern without wildcards; nil when it has any.
    var literal: [UInt8]? {
        if case .exact(let bytes) = shape { return bytes }
        return nil
    }

    /// Whether the pattern has any wildcard at all.
    var hasWildcards: Bool {
        if case .exact = shape { return false }
        return true
    }

    func matches(_ text: String) -> Bool {
        if case .anything = shape { return true }
        // A native string lends its bytes in place; only a bridged one is copied.
        if let result = text.utf8.withContiguousStorageIfAvailable({ matches(bytes: $0) }) { return result }
        return text.withUTF8Bytes { matches(bytes: $0) }
    }

    func matches(_ text: some StringProtocol) -> Bool {
        if case .anything = shape { return true }
        if let result = text.utf8.withContiguousStorageIfAvailable({ matches(bytes: $0) }) { return result }
        return Array(text.utf8).withUnsafeBufferPointer { matches(bytes: $0) }
    }

    /// The matcher itself, over the UTF-8 of the text; callers that already hold the bytes (an ARN field inside
    /// its resource's storage) come here directly.
    @inline(__always)
    func matches(bytes text: UnsafeBufferPointer<UInt8>) -> Bool {
        switch shape {
        case .anything: return true
        case .exact(let literal): return text.count == literal.count && Self.hasLiteral(literal, at: 0, in: text)
        case .prefix(let literal): return Self.hasLiteral(literal, at: 0, in: text)
        case .general(let tokens): return Self.matches(tokens, text)
        }
    }

    /// Glob matching with one backtrack point: on a mismatch, the most recent `*` swallows one more character.
    /// Linear in practice and never recursive, so a hostile pattern cannot blow the stack.
    private static func matches(_ tokens: [Token], _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var tokenIndex = 0
        var position = 0
        var starToken = -1
        var starPosition = 0
        while true {
            if tokenIndex < tokens.count {
                switch tokens[tokenIndex] {
                case .star:
                    starToken = tokenIndex
                    starPosition = position
                    tokenIndex += 1
                    continue
                case .question where position < text.count:
                    position = nextCharacter(after: position, in: text)
                    tokenIndex += 1
                    continue
                case .literal(let literal) where hasLiteral(literal, at: position, in: text):
                    position += literal.count
                    tokenIndex += 1
                    continue
                default:
                    break
                }
            } else if position == text.count {
                return true
            }
            guard starToken >= 0, starPosition < text.count else { return false }
            starPosition = nextCharacter(after: starPosition, in: text)
            position = starPosition
            tokenIndex = starToken + 1
        }
    }

    /// Whether `literal` occurs in `text` at `position`, compared word by word (the generic `elementsEqual` walked
    /// iterators one byte at a time).
    @inline(__always)
    private static func hasLiteral(_ literal: [UInt8], at position: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.count - position >= literal.count else { return false }
        return literal.withUnsafeBufferPointer { literal in
            guard let base = text.baseAddress, let literalBase = literal.baseAddress else { return literal.isEmpty }
            return equalBytes(base + position, literalBase, count: literal.count)
        }
    }

    /// Whether `count` bytes at `a` and `b` are equal, compared eight at a time; a last partial word is read as the
    /// final eight bytes (overlapping the ones already compared), and 4 to 7 bytes as two overlapping halves.
    static func equalBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Bool {
        let rawA = UnsafeRawPointer(a)
        let rawB = UnsafeRawPointer(b)
        func word(_ offset: Int) -> Bool {
            rawA.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                == rawB.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        }
        func half(_ offset: Int) -> Bool {
            rawA.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
                == rawB.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        }
        guard count >= 8 else {
            if count >= 4 { return half(0) && half(count - 4) }
            for offset in 0..<count where a[offset] != b[offset] { return false }
            return true
        }
        var offset = 0
        while offset + 8 < count {
            if !word(offset) { return false }
            offset += 8
        }
        return word(count - 8)
    }

    /// `?` stands for one character, so it steps over a whole UTF-8 sequence, not one byte.
    private static func nextCharacter(after position: Int, in text: UnsafeBufferPointer<UInt8>) -> Int {
        var next = position + 1
        while next < text.count, text[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }
}
