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
