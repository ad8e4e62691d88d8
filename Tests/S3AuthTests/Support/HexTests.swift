import Testing

@testable import S3Auth

/// The word-at-a-time hex writer and the comparison built on it answer as the byte-by-byte definitions.
struct HexTests {
    /// Every byte value, at every length from 0 to 37 (whole words, partial tails).
    static let inputs: [[UInt8]] =
        (0...37).map { length in (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + length) } }
        + [Array(0...255)]

    static func reference(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return "\(digits[Int(byte >> 4)])\(digits[Int(byte & 0x0f)])"
        }.joined()
    }

    @Test(arguments: inputs)
    func writesLowerCaseHex(_ bytes: [UInt8]) {
        let expected = Self.reference(bytes)
        #expect(Hex.encode(bytes) == expected)
        var appended: [UInt8] = [0x41]
        bytes.withUnsafeBytes { Hex.append($0, to: &appended) }
        #expect(appended == [0x41] + Array(expected.utf8))
        bytes.withUnsafeBytes { raw in
            #expect(Hex.constantTimeEquals(hex: expected, raw))
            #expect(!Hex.constantTimeEquals(hex: expected.uppercased(), raw) || expected == expected.uppercased())
            #expect(!Hex.constantTimeEquals(hex: expected + "0", raw))
            if !bytes.isEmpty {
                // One digit changed, first and last.
                var first = Array(expected.utf8)
                first[0] = first[0] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
                #expect(!Hex.constantTimeEquals(hex: String(decoding: first, as: UTF8.self), raw))
                var last = Array(expected.utf8)
                last[last.count - 1] = last[last.count - 1] == UInt8(ascii: "f") ? UInt8(ascii: "e") : UInt8(ascii: "f")
                #expect(!Hex.constantTimeEquals(hex: String(decoding: last, as: UTF8.self), raw))
                // Not hex at all, same length.
                #expect(!Hex.constantTimeEquals(hex: String(repeating: "g", count: expected.utf8.count), raw))
            }
        }
    }

    @Test(arguments: [
        "", "0", "0123456789abcdef", "0123456789abcdef0", "0123456789abcdeg", "0123456789Abcdef", "012345678/abcdef",
        "0123456789abcde:", "`123456789abcdef", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeF", "01234567\u{e9}abcdef",
    ])
    func checksLowerCaseHex(_ text: String) {
        let expected = text.utf8.allSatisfy { Array("0123456789abcdef".utf8).contains($0) }
        #expect(Hex.isLowercaseHex(text, count: text.utf8.count / 2) == (expected && text.utf8.count % 2 == 0))
        #expect(
            text.utf8.withContiguousStorageIfAvailable { ByteScan.isLowercaseHex(UnsafeRawBufferPointer($0)) }
                == expected
        )
    }
}
