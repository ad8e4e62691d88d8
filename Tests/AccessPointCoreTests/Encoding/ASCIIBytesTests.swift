import AccessPointCore
import Testing

/// The word-at-a-time ASCII test against its byte-by-byte definition.
struct ASCIIBytesTests {
    /// Every length from 0 to 19 (no word, one word, words and a tail), with each byte of 0x80 and above at every
    /// position, and with none.
    @Test(arguments: 0...19)
    func agreesWithTheDefinitionAtEveryPosition(length: Int) {
        let plain = [UInt8](repeating: UInt8(ascii: "a"), count: length)
        #expect(plain.withUnsafeBytes(ASCIIBytes.isASCII))
        for position in 0..<length {
            for high in [0x7F, 0x80, 0xC3, 0xFF] as [UInt8] {
                var bytes = plain
                bytes[position] = high
                #expect(
                    bytes.withUnsafeBytes(ASCIIBytes.isASCII) == bytes.allSatisfy { $0 < 0x80 },
                    "byte \(high) at \(position) of \(length)"
                )
            }
        }
    }
}
