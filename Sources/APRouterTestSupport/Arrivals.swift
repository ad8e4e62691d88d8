/// The ways a connection's bytes can arrive, for the table tests of the HTTP/1.1 parsers: a parser must read the same
/// thing however its input is cut into reads.
public enum Arrivals {
    /// Whole, one byte at a time, and cut in two at every byte.
    public static func everyWay(_ bytes: [UInt8]) -> [[[UInt8]]] {
        var all = [[bytes], bytes.map { [$0] }]
        for cut in 1..<bytes.count { all.append([Array(bytes[..<cut]), Array(bytes[cut...])]) }
        return all
    }

    /// In reads of `size` bytes (the last one shorter).
    public static func inReads(of size: Int, _ bytes: [UInt8]) -> [[UInt8]] {
        stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
    }

    /// `value` without the spaces and tabs at its end: llhttp, the parsers' judge, keeps them in a field's value,
    /// which RFC 9110 §5.5 says are not part of it.
    public static func trimmingTrailingWhitespace(_ value: String) -> Substring {
        var end = value.endIndex
        while end > value.startIndex, value[value.index(before: end)] == " " || value[value.index(before: end)] == "\t"
        {
            end = value.index(before: end)
        }
        return value[..<end]
    }
}

extension Arrivals {
    /// `count` connections made from `seeds` by a few bytes replaced, inserted or dropped (from `alphabet`), each
    /// with the same bytes cut into random reads of 1 to 7 bytes: seeded, so every run makes the same ones.
    public static func mutations(
        of seeds: [[UInt8]],
        count: Int,
        alphabet: [UInt8] = Array(" \r\n:;,0123456789aAzZ-\t\u{0}\u{7F}\u{80}".utf8)
    ) -> [(bytes: [UInt8], reads: [[UInt8]])] {
        var random = SplitMix64(seed: 0x5EED)
        var made: [(bytes: [UInt8], reads: [[UInt8]])] = []
        while made.count < count {
            var bytes = seeds[Int(random.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + Int(random.next() % 3)) where !bytes.isEmpty {
                let at = Int(random.next() % UInt64(bytes.count))
                let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
                switch random.next() % 3 {
                case 0: bytes[at] = byte
                case 1: bytes.insert(byte, at: at)
                default: bytes.remove(at: at)
                }
            }
            guard !bytes.isEmpty else { continue }
            var reads: [[UInt8]] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + 1 + Int(random.next() % 7))
                reads.append(Array(bytes[start..<end]))
                start = end
            }
            made.append((bytes, reads))
        }
        return made
    }
}

/// SplitMix64: a small seeded generator, for tests that must make the same "random" input on every run.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
