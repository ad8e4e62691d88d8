import AccessPointCore

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

    /// `text` encoded as `uriEncode` does its UTF-8 bytes: `text` itself when no byte needs encoding (most
    /// object keys and bucket names), without building a copy.
    public static func uriEncode(_ text: String, keepingSlash: Bool = false) -> String {
        let plain = text.withUTF8Bytes { isUnreserved(UnsafeRawBufferPointer($0), keepingSlash: keepingSlash) }
        return plain ? text : uriEncode(text.utf8, keepingSlash: keepingSlash)
    }

    /// Whether every byte of `bytes` is unreserved (or `/`, with `keepingSlash`): eight at a time, then one by one.
    static func isUnreserved(_ bytes: UnsafeRawBufferPointer, keepingSlash: Bool) -> Bool {
        let slash = keepingSlash ? UInt8(ascii: "/") : UInt8(ascii: "A")  // `A`: a byte that is unreserved anyway
        var index = 0
        while index + 8 <= bytes.count {
            let word = ByteScan.word(bytes, index)
            guard unreservedLanes(word) | ByteScan.lanes(of: slash, in: word) == ByteScan.high else { return false }
            index += 8
        }
        while index < bytes.count {
            guard isUnreserved(bytes[index]) || bytes[index] == slash else { return false }
            index += 1
        }
        return true
    }

    /// One `&`-separated piece of a raw query, split at its first `=`: the raw text, decoded only when asked.
    ///
    /// Splitting a query makes no copies; ``name``, ``value``, ``nameText`` and ``valueText`` decode on each call,
    /// and a piece without `%` is its own decoding.
    public struct Part: Sendable {
        /// The name as sent, still percent-encoded.
        public var rawName: Substring
        /// The value as sent, still percent-encoded; empty when the piece has no `=`.
        public var rawValue: Substring

        /// The name's bytes with each valid `%XX` decoded (``percentDecode(_:)``).
        public var name: [UInt8] { percentDecode(rawName.utf8) }
        /// The value's bytes with each valid `%XX` decoded; empty when the piece has no `=`.
        public var value: [UInt8] { percentDecode(rawValue.utf8) }

        /// The name as `S3HTTP`'s query items read it: decoded when every `%` starts an escape and the bytes are
        /// UTF-8, else the raw text.
        public var nameText: String { Self.text(raw: rawName) }
        /// The value read as ``nameText`` reads the name.
        public var valueText: String { Self.text(raw: rawValue) }

        /// `String(decoding: value, as: UTF8.self)`, decoded straight into the String.
        var decodedValueText: String { decodedText(rawValue) }

        private static func text(raw: Substring) -> String {
            let decoded: [UInt8]?? = raw.withUTF8Bytes { bytes in
                // No `%`: the text is its own decoding (and valid UTF-8, being a String already).
                guard bytes.contains(UInt8(ascii: "%")) else { return .some(nil) }
                return .some(strictlyDecoded(UnsafeRawBufferPointer(bytes)))
            }
            // A stray `%` (one that does not start an escape) or bytes that are not UTF-8 keep the raw text.
            guard case .some(.some(let bytes)) = decoded, let text = String(validating: bytes, as: UTF8.self) else {
                return String(raw)
            }
            return text
        }

        /// The decoding of `bytes` when every `%` in them starts a valid escape; `nil` otherwise.
        private static func strictlyDecoded(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
            var failed = false
            let out = [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
                var index = 0
                var written = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "%") {
                        guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                            let low = hexValue(bytes[index + 2])
                        else {
                            failed = true
                            break
                        }
                        buffer[written] = high << 4 | low
                        index += 3
                    } else {
                        buffer[written] = byte
                        index += 1
                    }
                    written += 1
                }
                count = written
            }
            return failed ? nil : out
        }
    }

    /// The `&`-separated pieces of `raw`, split at the first `=`; empty pieces are skipped. Nothing is decoded.
    public static func parts(of raw: String) -> [Part] {
        parts(of: raw, excluding: { _ in false })
    }

    /// ``parts(of:)`` without the pieces for whose raw bytes (name, `=` and value, as sent) `excluded` is true.
    ///
    /// One pass over the query's bytes, finding each `&` and `=` a word at a time; the array is made only for a
    /// piece that is kept, with room for every piece still ahead, so a presigned URL whose pieces are all left out
    /// allocates nothing.
    public static func parts(of raw: String, excluding excluded: (UnsafeBufferPointer<UInt8>) -> Bool) -> [Part] {
        raw.withUTF8Bytes { bytes in
            let buffer = UnsafeRawBufferPointer(bytes)
            let utf8 = raw.utf8
            var parts: [Part] = []
            var start = 0
            while start < bytes.count {
                let end = ByteScan.firstIndex(of: UInt8(ascii: "&"), in: buffer, from: start, to: bytes.count)
                defer { start = end + 1 }
                guard end > start, !excluded(UnsafeBufferPointer(rebasing: bytes[start..<end])) else { continue }
                if parts.isEmpty {
                    parts.reserveCapacity(1 + ByteScan.count(of: UInt8(ascii: "&"), in: buffer, from: end))
                }
                let equals = ByteScan.firstIndex(of: UInt8(ascii: "="), in: buffer, from: start, to: end)
                let nameStart = utf8.index(utf8.startIndex, offsetBy: start)
                let nameEnd = utf8.index(nameStart, offsetBy: equals - start)
                guard equals < end else {
                    parts.append(Part(rawName: raw[nameStart..<nameEnd], rawValue: ""))
                    continue
                }
                let valueStart = utf8.index(after: nameEnd)
                let valueEnd = utf8.index(valueStart, offsetBy: end - equals - 1)
                parts.append(Part(rawName: raw[nameStart..<nameEnd], rawValue: raw[valueStart..<valueEnd]))
            }
            return parts
        }
    }

    /// `bytes` with each valid `%XX` replaced by its byte; anything else (a stray `%` included) is copied
    /// unchanged. Public so that a forwarder re-encoding a query reads it exactly as the signer does.
    public static func percentDecode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        if let decoded = bytes.withContiguousStorageIfAvailable({ percentDecode(UnsafeRawBufferPointer($0)) }) {
            return decoded
        }
        return Array(bytes).withUnsafeBytes { percentDecode($0) }
    }

    /// ``percentDecode(_:)`` of a query piece, read in place.
    public static func percentDecode(_ bytes: Substring.UTF8View) -> [UInt8] {
        let text = Substring(bytes)
        return text.withUTF8Bytes { percentDecode(UnsafeRawBufferPointer($0)) }
    }

    /// ``percentDecode(_:)`` of bytes in memory.
    static func percentDecode(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
            count = decode(bytes, into: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    /// Writes the decoding of `bytes` to the start of `out` (at least `bytes.count` long); returns its length.
    static func decode(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int {
        var index = 0
        var written = 0
        while index < bytes.count {
            // Eight bytes at a time up to the next `%` (`written` never passes `index`, so the word fits).
            if index + 8 <= bytes.count {
                let word = ByteScan.word(bytes, index)
                let percent = ByteScan.lanes(of: UInt8(ascii: "%"), in: word)
                out.storeBytes(of: word.littleEndian, toByteOffset: written, as: UInt64.self)
                let run = percent == 0 ? 8 : ByteScan.firstLane(percent)
                index += run
                written += run
                if percent == 0 { continue }
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                let low = hexValue(bytes[index + 2])
            {
                out[written] = high << 4 | low
                index += 3
            } else {
                out[written] = byte
                index += 1
            }
            written += 1
        }
        return written
    }

    /// `String(decoding: percentDecode(raw.utf8), as: UTF8.self)`, without the array; `raw` itself when it holds
    /// no `%`.
    static func decodedText(_ raw: Substring) -> String {
        let count = raw.utf8.count
        let hasPercent = raw.withUTF8Bytes { $0.contains(UInt8(ascii: "%")) }
        guard hasPercent else { return String(raw) }
        return String(unsafeUninitializedCapacity: count) { buffer in
            raw.withUTF8Bytes { decode(UnsafeRawBufferPointer($0), into: UnsafeMutableRawBufferPointer(buffer)) }
        }
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

    static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
