/// What an HTTP/1.1 field may hold on the wire, checked before one is written: a name that is a token (RFC 9110
/// §5.1) and a value of visible characters, spaces, tabs and obs-text (§5.5), the rules of NIOHTTP1's validators.
/// Anything else, a CR LF above all, would let a value written from outside input split the message.
public enum HTTPFieldSyntax {
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && (name.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(isTokenByte) }
                ?? name.utf8.allSatisfy(isTokenByte))
    }

    public static func isValidValue(_ value: String) -> Bool {
        value.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(isValueByte) }
            ?? value.utf8.allSatisfy(isValueByte)
    }

    /// `tchar`: letters, digits and ``!#$%&'*+-.^_`|~``.
    @inlinable
    public static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// Any byte but the control characters other than tab (NUL, CR and LF among them) and DEL.
    @inlinable
    public static func isValueByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\t") || (byte >= 0x20 && byte != 0x7F)
    }
}
