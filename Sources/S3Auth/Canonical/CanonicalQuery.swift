/// The canonical query string of SigV4 (spec §5.2): decode each `%XX`, re-encode everything outside the RFC 3986
/// unreserved set with upper-case hex, sort by name then value, join with `&`.
///
/// Working on bytes keeps the rule exact for any input, including invalid UTF-8 or a stray `%`: a `%` that does not
/// start two hex digits is kept as a literal byte and so becomes `%25`.
public enum CanonicalQuery {
    /// The canonical form of the raw query `raw`, leaving out every parameter whose decoded name is in `omitting`
    /// (presigned URLs leave out `X-Amz-Signature`).
    public static func canonicalize(_ raw: String, omitting: Set<String> = []) -> String {
        canonicalize(parts(of: raw), omitting: omitting)
    }

    /// The canonical form of a query already split by ``parts(of:)``, as ``canonicalize(_:omitting:)``.
    public static func canonicalize(_ parts: [Part], omitting: Set<String> = []) -> String {
        var encoded: [(name: String, value: String)] = []
        encoded.reserveCapacity(parts.count)
        for pair in parts {
            if !omitting.isEmpty, omitting.contains(String(decoding: pair.name, as: UTF8.self)) { continue }
            encoded.append((uriEncode(pair.name), uriEncode(pair.value)))
        }
        encoded.sort { lhs, rhs in
            lhs.name != rhs.name
                ? lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
                : lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
        }
        return encoded.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// `bytes` with everything except `A-Z a-z 0-9 - _ . ~` written as `%XX` (upper-case hex).
    ///
    /// With `keepingSlash`, `/` stays literal: the path encoding S3 clients apply to object keys.
    public static func uriEncode(_ bytes: some Sequence<UInt8>, keepingSlash: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount)
        for byte in bytes {
            if isUnreserved(byte) || (keepingSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHex[Int(byte >> 4)])
                out.append(upperHex[Int(byte & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` encoded as `uriEncode` does its UTF-8 bytes.
    public static func uriEncode(_ text: String, keepingSlash: Bool = false) -> String {
        uriEncode(text.utf8, keepingSlash: keepingSlash)
    }

    /// One `&`-separated piece of a raw query, split at its first `=`: the raw text and the percent-decoded bytes.
    public struct Part: Sendable {
        /// The name as sent, still percent-encoded.
        public var rawName: Substring
        /// The value as sent, still percent-encoded; empty when the piece has no `=`.
        public var rawValue: Substring
        /// The name's bytes with each valid `%XX` decoded (``percentDecode(_:)``).
        public var name: [UInt8]
        /// The value's bytes with each valid `%XX` decoded; empty when the piece has no `=`.
        public var value: [UInt8]

        /// The name as `S3HTTP`'s query items read it: decoded when every `%` starts an escape and the bytes are
        /// UTF-8, else the raw text.
        public var nameText: String { Self.text(raw: rawName, decoded: name) }
        /// The value read as ``nameText`` reads the name.
        public var valueText: String { Self.text(raw: rawValue, decoded: value) }

        private static func text(raw: Substring, decoded: [UInt8]) -> String {
            let percents = raw.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "%") ? 1 : 0) }
            // Each valid escape shortens the text by two bytes; a stray `%` is copied and shortens nothing.
            guard decoded.count == raw.utf8.count - 2 * percents, let text = String(validating: decoded, as: UTF8.self)
            else { return String(raw) }
            return text
        }
    }

    /// The `&`-separated pieces of `raw`, split at the first `=` and percent-decoded; empty pieces are skipped.
    public static func parts(of raw: String) -> [Part] {
        let text = Substring(raw)
        return text.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { piece in
            if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                let name = piece[..<equals]
                let value = piece[piece.index(after: equals)...]
                return Part(
                    rawName: Substring(name),
                    rawValue: Substring(value),
                    name: percentDecode(name),
                    value: percentDecode(value)
                )
            }
            return Part(rawName: Substring(piece), rawValue: "", name: percentDecode(piece), value: [])
        }
    }

    /// `bytes` with each valid `%XX` replaced by its byte; anything else (a stray `%` included) is copied
    /// unchanged. Public so that a forwarder re-encoding a query reads it exactly as the signer does.
    public static func percentDecode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(input[index])
                index += 1
            }
        }
        return out
    }

    static let upperHex = Array("0123456789ABCDEF".utf8)

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
