/// Syntax of the identifiers a lab file contains. Each returns the accepted value or nil.
enum Identifiers {
    /// IAM user names: 1–64 of `A-Z a-z 0-9 + = , . @ _ -`.
    static func userName(_ text: String) -> String? {
        let allowed = Set("+=,.@_-".utf8)
        let ok =
            (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { ascii($0) && (isAlphanumeric($0) || allowed.contains($0)) }
        return ok ? text : nil
    }

    /// Access key ids: 16–128 upper-case letters and digits (`AKIA…`).
    static func accessKeyId(_ text: String) -> String? {
        let ok =
            (16...128).contains(text.utf8.count)
            && text.utf8.allSatisfy { ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || NameRules.isDigit($0) }
        return ok ? text : nil
    }

    /// Secrets: printable ASCII without spaces, at least 16 characters.
    static func secret(_ text: String) -> String? {
        text.utf8.count >= 16 && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } ? text : nil
    }

    /// `vpc-` or `vpce-` followed by 1–17 lower-case hex digits.
    static func prefixed(_ prefix: String) -> (String) -> String? {
        { text in
            guard text.hasPrefix(prefix) else { return nil }
            let rest = text.utf8.dropFirst(prefix.utf8.count)
            let hex = rest.allSatisfy { NameRules.isDigit($0) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
            return (1...17).contains(rest.count) && hex ? text : nil
        }
    }

    /// `http://host[:port][/path]` or `https://…`, with a non-empty host.
    static func endpointURL(_ text: String) -> String? {
        let rest: Substring
        if text.hasPrefix("http://") {
            rest = text.dropFirst(7)
        } else if text.hasPrefix("https://") {
            rest = text.dropFirst(8)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" }
        guard !authority.isEmpty, !authority.contains(where: { $0 == " " || $0 == "@" }) else { return nil }
        return text
    }

    static func ascii(_ byte: UInt8) -> Bool { byte < 0x80 }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        NameRules.isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }
}

/// Domain names in configuration: labels of 1–63 letters, digits, `-` and `_`, at most 253 bytes, compared in
/// lower case and kept without the trailing dot.
public enum DomainNameText {
    public static func normalized(_ text: String) -> String? {
        var name = Substring(text.lowercased())
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty, name.utf8.count <= 253 else { return nil }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let ok = labels.allSatisfy { label in
            (1...63).contains(label.utf8.count)
                && label.utf8.allSatisfy {
                    NameRules.isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
                }
        }
        return ok ? String(name) : nil
    }
}
