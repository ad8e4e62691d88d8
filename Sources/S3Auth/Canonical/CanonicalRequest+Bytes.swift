// The canonical request written straight into a byte buffer: what the verifier and the signer hash on every request.
// `CanonicalRequest` keeps the same text as parts, for error bodies and tests; `CanonicalRequestTests` holds both to
// the same expected texts.
extension CanonicalRequest {
    /// Appends to `out` the UTF-8 bytes of `CanonicalRequest(request:signedHeaders:payloadHash:omittingQuery:).text`
    /// for the same arguments, `omittingSignature` standing for `omittingQuery: ["X-Amz-Signature"]`.
    ///
    /// Headers are grouped by a scan per signed name (a request signs a handful), values are trimmed and the query
    /// encoded and sorted on bytes; nothing builds a String. Signed names that are not ASCII, which no verified
    /// request has, take the String route.
    static func append(
        request: SigV4Request,
        signedHeaders: [String],
        payloadHash: String,
        omittingSignature: Bool,
        to out: inout [UInt8]
    ) {
        guard signedHeaders.allSatisfy(HeaderName.isASCII) else {
            let canonical = CanonicalRequest(
                request: request,
                signedHeaders: signedHeaders,
                payloadHash: payloadHash,
                omittingQuery: omittingSignature ? ["X-Amz-Signature"] : []
            )
            out.append(contentsOf: canonical.text.utf8)
            return
        }
        let newline = UInt8(ascii: "\n")
        out.append(contentsOf: request.method.utf8)
        out.append(newline)
        if request.path.isEmpty {
            out.append(UInt8(ascii: "/"))
        } else {
            out.append(contentsOf: request.path.utf8)
        }
        out.append(newline)
        CanonicalQuery.append(request.queryParts, omittingSignature: omittingSignature, to: &out)
        out.append(newline)
        for name in signedHeaders {
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: ":"))
            var first = true
            for header in request.headers where HeaderName.matches(header.name, name) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendCanonicalValue(header.value, to: &out)
            }
            out.append(newline)
        }
        out.append(newline)
        for (index, name) in signedHeaders.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ";")) }
            out.append(contentsOf: name.utf8)
        }
        out.append(newline)
        out.append(contentsOf: payloadHash.utf8)
    }

    /// Appends the bytes of ``canonicalValue(_:)`` of `value`.
    static func appendCanonicalValue(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { appendCanonicalValue($0, to: &out) }
    }
}

extension CanonicalQuery {
    /// Appends the bytes of ``canonicalize(_:omitting:)`` of `parts`, `omittingSignature` standing for
    /// `omitting: ["X-Amz-Signature"]`.
    ///
    /// Each raw name and value is decoded and encoded again in one pass into a scratch buffer (three bytes out per
    /// byte in at most); the pairs are sorted as ranges of it.
    static func append(_ parts: [Part], omittingSignature: Bool, to out: inout [UInt8]) {
        guard !parts.isEmpty else { return }
        var capacity = 0
        for part in parts { capacity += (part.rawName.utf8.count + part.rawValue.utf8.count) * 3 }
        // Each pair is `encoded[start..<equals]` = `encoded[equals..<end]`.
        var pairs: [(start: Int, equals: Int, end: Int)] = []
        pairs.reserveCapacity(parts.count)
        let encoded = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            var written = 0
            for part in parts {
                if omittingSignature, isSignatureName(part) { continue }
                let start = written
                var name = part.rawName
                written = name.withUTF8 { reencode(UnsafeRawBufferPointer($0), into: buffer, at: written) }
                let equals = written
                var value = part.rawValue
                written = value.withUTF8 { reencode(UnsafeRawBufferPointer($0), into: buffer, at: written) }
                pairs.append((start, equals, written))
            }
            count = written
        }
        encoded.withUnsafeBufferPointer { bytes in
            pairs.sort { lhs, rhs in
                let lhsName = UnsafeBufferPointer(rebasing: bytes[lhs.start..<lhs.equals])
                let rhsName = UnsafeBufferPointer(rebasing: bytes[rhs.start..<rhs.equals])
                guard lhsName.elementsEqual(rhsName) else { return lhsName.lexicographicallyPrecedes(rhsName) }
                return UnsafeBufferPointer(rebasing: bytes[lhs.equals..<lhs.end]).lexicographicallyPrecedes(
                    UnsafeBufferPointer(rebasing: bytes[rhs.equals..<rhs.end])
                )
            }
            for (index, pair) in pairs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: "&")) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pair.start..<pair.equals]))
                out.append(UInt8(ascii: "="))
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pair.equals..<pair.end]))
            }
        }
    }

    /// Whether the decoded name of `part` is `X-Amz-Signature` (as ``HeaderName/equals(_:_:)`` says), decoding only
    /// a name that holds `%` or a byte that is not ASCII.
    static func isSignatureName(_ part: Part) -> Bool {
        var name = part.rawName
        let plain: Bool? = name.withUTF8 { bytes in
            if bytes.contains(UInt8(ascii: "%")) { return nil }
            if HeaderName.same(bytes, "X-Amz-Signature") { return true }
            return HeaderName.isASCII(UnsafeRawBufferPointer(bytes)) ? false : nil
        }
        return plain ?? HeaderName.equals(part.name, "X-Amz-Signature")
    }

    /// Writes `uriEncode(percentDecode(raw))` into `out` from `offset`; returns the offset after it.
    static func reencode(
        _ raw: UnsafeRawBufferPointer,
        into out: UnsafeMutableBufferPointer<UInt8>,
        at offset: Int
    )
        -> Int
    {
        var written = offset
        var index = 0
        while index < raw.count {
            var byte = raw[index]
            if byte == UInt8(ascii: "%"), index + 2 < raw.count, let high = hexValue(raw[index + 1]),
                let low = hexValue(raw[index + 2])
            {
                byte = high << 4 | low
                index += 3
            } else {
                index += 1
            }
            if isUnreserved(byte) {
                out[written] = byte
                written += 1
            } else {
                out[written] = UInt8(ascii: "%")
                out[written + 1] = hexDigit(byte >> 4)
                out[written + 2] = hexDigit(byte & 0x0f)
                written += 3
            }
        }
        return written
    }

    /// The upper-case hex digit of `nibble` (0 to 15).
    @inline(__always)
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? nibble &+ UInt8(ascii: "0") : nibble &+ (UInt8(ascii: "A") &- 10)
    }
}
