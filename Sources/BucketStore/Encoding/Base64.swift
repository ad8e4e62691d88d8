/// Standard base64 (RFC 4648 §4) with padding, for `Content-MD5` and continuation tokens.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                if position <= chunk.count {
                    text.append(alphabet[(value >> (18 - 6 * position)) & 0x3F])
                } else {
                    text.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes, or nil for text that is not padded base64.
    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 4 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < utf8.count {
            var value = 0
            var padding = 0
            for position in 0..<4 {
                let character = utf8[index + position]
                if character == UInt8(ascii: "=") {
                    guard index + 4 == utf8.count, position >= 2 else { return nil }
                    padding += 1
                    value <<= 6
                } else {
                    guard padding == 0, let digit = alphabet.firstIndex(of: character) else { return nil }
                    value = value << 6 | digit
                }
            }
            bytes.append(UInt8((value >> 16) & 0xFF))
            if padding < 2 { bytes.append(UInt8((value >> 8) & 0xFF)) }
            if padding < 1 { bytes.append(UInt8(value & 0xFF)) }
            index += 4
        }
        return bytes
    }
}
