/// An IPv6 address as a 128-bit value (two 64-bit halves, host order). Parses RFC 4291 text forms: eight groups,
/// one `::`, and an embedded dotted quad in the last 32 bits (`::ffff:127.0.0.1`). Zone ids (`%eth0`) are refused.
public struct IPv6Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public init?<S: StringProtocol>(_ text: S) {
        let text = Substring(text)
        guard !text.isEmpty, text.utf8.count <= 45 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        let halves = text.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false)
        if halves.count == 2 {
            sawGap = true
            guard !halves[1].contains("::") else { return nil }
            guard let h = Self.groups(halves[0], allowEmbeddedIPv4: false),
                let t = Self.groups(halves[1], allowEmbeddedIPv4: true)
            else { return nil }
            head = h
            tail = t
        } else {
            guard let all = Self.groups(text, allowEmbeddedIPv4: true) else { return nil }
            head = all
        }
        let count = head.count + tail.count
        if sawGap ? count > 7 : count != 8 { return nil }
        let words = head + Array(repeating: 0, count: 8 - count) + tail
        var high: UInt64 = 0
        var low: UInt64 = 0
        for word in words[0..<4] { high = high << 16 | UInt64(word) }
        for word in words[4..<8] { low = low << 16 | UInt64(word) }
        self.high = high
        self.low = low
    }

    /// Colon-separated hex groups; an empty string is zero groups. A trailing dotted quad counts as two groups.
    private static func groups(_ text: Substring, allowEmbeddedIPv4: Bool) -> [UInt16]? {
        if text.isEmpty { return [] }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        var result: [UInt16] = []
        for (index, part) in parts.enumerated() {
            if index == parts.count - 1, allowEmbeddedIPv4, part.contains(".") {
                guard let v4 = IPv4Address(part) else { return nil }
                result.append(UInt16(v4.value >> 16))
                result.append(UInt16(v4.value & 0xFFFF))
                continue
            }
            guard (1...4).contains(part.utf8.count), let word = UInt16(part, radix: 16) else { return nil }
            result.append(word)
        }
        return result
    }

    /// The IPv4 address inside an IPv4-mapped address (`::ffff:a.b.c.d`), as dual-stack sockets report v4 peers.
    public var mappedIPv4: IPv4Address? {
        guard high == 0, low >> 32 == 0xFFFF else { return nil }
        return IPv4Address(UInt32(truncatingIfNeeded: low))
    }

    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// RFC 5952 canonical text: lower-case, no leading zeros, the longest run of two or more zero groups as `::`.
    public var description: String {
        let words = (0..<8).map { i -> UInt16 in
            let half = i < 4 ? high : low
            return UInt16(truncatingIfNeeded: half >> (UInt64(3 - i % 4) * 16))
        }
        var best = (start: -1, length: 0)
        var run = (start: -1, length: 0)
        for (i, word) in words.enumerated() {
            if word == 0 {
                run = run.start < 0 ? (i, 1) : (run.start, run.length + 1)
                if run.length > best.length { best = run }
            } else {
                run = (-1, 0)
            }
        }
        func hex(_ range: Range<Int>) -> String {
            words[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard best.length >= 2 else { return hex(0..<8) }
        return hex(0..<best.start) + "::" + hex((best.start + best.length)..<8)
    }
}
