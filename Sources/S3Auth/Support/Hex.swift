/// Lower-case hexadecimal, the only spelling SigV4 uses for hashes and signatures.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `bytes` as lower-case hex, two digits per byte.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `bytes` as lower-case hex, two digits per byte.
    static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count * 2) { buffer in
            for index in 0..<bytes.count {
                buffer[2 * index] = digit(bytes[index] >> 4)
                buffer[2 * index + 1] = digit(bytes[index] & 0x0f)
            }
            out.append(contentsOf: buffer)
        }
    }

    /// The lower-case hex digit of `nibble` (0 to 15).
    @inline(__always)
    private static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? nibble &+ UInt8(ascii: "0") : nibble &+ (UInt8(ascii: "a") &- 10)
    }

    /// Whether `text` is the lower-case hex of `bytes`, compared in time that depends only on the lengths: what
    /// ``decode(_:count:)`` followed by ``constantTimeEquals(_:_:)`` says, without the array.
    static func constantTimeEquals(hex text: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            guard utf8.count == bytes.count * 2 else { return false }
            var difference: UInt8 = 0
            for index in 0..<bytes.count {
                guard let high = value(of: utf8[2 * index]), let low = value(of: utf8[2 * index + 1]) else {
                    return false
                }
                difference |= (high << 4 | low) ^ bytes[index]
            }
            return difference == 0
        }
    }

    /// `bytes` as hex pairs separated by single spaces, as S3 renders `StringToSignBytes`.
    static func spaced(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { encode(CollectionOfOne($0)) }.joined(separator: " ")
    }

    /// The bytes of `text` when it is lower-case hex of exactly `count` bytes; `nil` for anything else.
    static func decode(_ text: some StringProtocol, count: Int) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count == count * 2 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var index = 0
        while index < utf8.count {
            guard let high = value(of: utf8[index]), let low = value(of: utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// The bytes of `text` when it is lower-case hex of any even length; `nil` for anything else.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let length = text.utf8.count
        guard length % 2 == 0 else { return nil }
        return decode(text, count: length / 2)
    }

    /// Whether `text` is exactly `count` bytes of lower-case hex.
    static func isLowercaseHex(_ text: some StringProtocol, count: Int) -> Bool {
        guard text.utf8.count == count * 2 else { return false }
        return text.utf8.withContiguousStorageIfAvailable { bytes in
            // `0-9` or `a-f`, two unsigned comparisons per byte.
            for byte in bytes where !(byte &- UInt8(ascii: "0") < 10 || byte &- UInt8(ascii: "a") < 6) { return false }
            return true
        } ?? text.utf8.allSatisfy { value(of: $0) != nil }
    }

    private static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// Equality of two byte strings in time that depends only on their lengths, for comparing signatures.
func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
    return difference == 0
}
