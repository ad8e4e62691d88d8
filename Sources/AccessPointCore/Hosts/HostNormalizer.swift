/// Turns a Host header into the name to classify: strips the port and one trailing dot, lower-cases, and checks
/// the name's syntax (letters, digits, `-`, `.`; labels of 1–63 bytes; at most 253 bytes).
enum HostNormalizer {
    enum Result: Equatable {
        case name(String)
        case ipLiteral(IPAddress)
        case malformed(String)
    }

    static func normalize(_ host: some StringProtocol) -> Result {
        var text = Substring(host)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"),
                let address = IPAddress(text[text.index(after: text.startIndex)..<close])
            else { return .malformed("'\(host)' has an unterminated or invalid IPv6 literal") }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && isPort(rest.dropFirst())) else {
                return .malformed("'\(host)' has an invalid port")
            }
            return .ipLiteral(address)
        }
        if let colon = text.lastIndex(of: ":") {
            if text[..<colon].utf8.contains(UInt8(ascii: ":")) {
                // More than one colon without brackets: only a bare IPv6 literal can look like that.
                return IPAddress(text).map(Result.ipLiteral) ?? .malformed("'\(host)' is not a host name")
            }
            guard isPort(text[text.index(after: colon)...]) else { return .malformed("'\(host)' has an invalid port") }
            text = text[..<colon]
        }
        if text.hasSuffix(".") { text = text.dropLast() }
        if let v4 = IPv4Address(text) { return .ipLiteral(.v4(v4)) }
        guard !text.isEmpty, text.utf8.count <= 253 else {
            return .malformed("'\(host)' is empty or longer than 253 bytes")
        }
        var labelLength = 0
        var needsLowercasing = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "."):
                guard labelLength > 0 else { return .malformed("'\(host)' has an empty label") }
                labelLength = 0
                continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): needsLowercasing = true
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"): break
            default: return .malformed("'\(host)' contains a character not allowed in a host name")
            }
            labelLength += 1
            guard labelLength <= 63 else { return .malformed("'\(host)' has a label longer than 63 bytes") }
        }
        guard labelLength > 0 else { return .malformed("'\(host)' has an empty label") }
        return .name(needsLowercasing ? text.lowercased() : String(text))
    }

    private static func isPort(_ text: Substring) -> Bool {
        (1...5).contains(text.utf8.count) && text.utf8.allSatisfy(NameRules.isDigit) && (Int(text) ?? .max) <= 65535
    }
}
