import AccessPointCore

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
            write(bytes, to: buffer.baseAddress.unsafelyUnwrapped)
            out.append(contentsOf: buffer)
        }
    }

    /// Writes `bytes` as lower-case hex at `out` (two digits per byte): four bytes at a time, each nibble spread
    /// into a byte lane of one word and turned into its digit there, no table.
    static func write(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) {
        var index = 0
        while index + 4 <= bytes.count {
            // Byte k of the four at bits 16k, then its high nibble at bits 16k and its low nibble at 16k + 8:
            // the digits in memory order once stored little-endian.
            var spread = UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self)))
            spread = (spread | spread << 16) & 0x0000_FFFF_0000_FFFF
            spread = (spread | spread << 8) & 0x00FF_00FF_00FF_00FF
            let nibbles = (spread >> 4) & 0x000F_000F_000F_000F | (spread & 0x000F_000F_000F_000F) << 8
            // `0`-`9` from 0 to 9, `a`-`f` from 10 to 15: 39 more for a nibble of 10 or more.
            let letters = ((nibbles &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
            let digits = nibbles &+ 0x3030_3030_3030_3030 &+ letters &* 39
            UnsafeMutableRawPointer(out + 2 * index).storeBytes(of: digits.littleEndian, as: UInt64.self)
            index += 4
        }
        while index < bytes.count {
            out[2 * index] = digit(bytes[index] >> 4)
            out[2 * index + 1] = digit(bytes[index] & 0x0f)
            index += 1
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
        text.withUTF8Bytes { utf8 in
            guard utf8.count == bytes.count * 2 else { return false }
            // `text` is valid lower-case hex of `bytes` exactly when it equals their lower-case hex, so compare it
            // with that: every word, whatever differs.
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: utf8.count) { expected in
                write(bytes, to: expected.baseAddress.unsafelyUnwrapped)
                let lhs = UnsafeRawBufferPointer(utf8)
                let rhs = UnsafeRawBufferPointer(expected)
                var difference: UInt64 = 0
                var index = 0
                while index + 8 <= lhs.count {
                    difference |=
                        lhs.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        ^ rhs.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    index += 8
                }
                while index < lhs.count {
                    difference |= UInt64(lhs[index] ^ rhs[index])
                    index += 1
                }
                return difference == 0
            }
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
        return text.utf8.withContiguousStorageIfAvailable { ByteScan.isLowercaseHex(UnsafeRawBufferPointer($0)) }
            ?? text.utf8.allSatisfy { value(of: $0) != nil }
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
