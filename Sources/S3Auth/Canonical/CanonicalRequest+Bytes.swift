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
    /// Each name and value is encoded once into a scratch buffer; the pairs are sorted as ranges of it.
    static func append(_ parts: [Part], omittingSignature: Bool, to out: inout [UInt8]) {
        guard !parts.isEmpty else { return }
        var encoded: [UInt8] = []
        encoded.reserveCapacity(parts.reduce(0) { $0 + ($1.name.count + $1.value.count) * 3 })
        // Each pair is `encoded[start..<equals]` = `encoded[equals..<end]`.
        var pairs: [(start: Int, equals: Int, end: Int)] = []
        pairs.reserveCapacity(parts.count)
        for part in parts {
            if omittingSignature, HeaderName.equals(part.name, "X-Amz-Signature") { continue }
            let start = encoded.count
            appendEncoded(part.name, to: &encoded)
            let equals = encoded.count
            appendEncoded(part.value, to: &encoded)
            pairs.append((start, equals, encoded.count))
        }
        encoded.withUnsafeBufferPointer { bytes in
            pairs.sort { lhs, rhs in
                let lhsName = bytes[lhs.start..<lhs.equals]
                let rhsName = bytes[rhs.start..<rhs.equals]
                guard lhsName.elementsEqual(rhsName) else { return lhsName.lexicographicallyPrecedes(rhsName) }
                return bytes[lhs.equals..<lhs.end].lexicographicallyPrecedes(bytes[rhs.equals..<rhs.end])
            }
            for (index, pair) in pairs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: "&")) }
                out.append(contentsOf: bytes[pair.start..<pair.equals])
                out.append(UInt8(ascii: "="))
                out.append(contentsOf: bytes[pair.equals..<pair.end])
            }
        }
    }

    /// Appends `bytes` as ``uriEncode(_:keepingSlash:)`` writes them, without keeping `/`.
    static func appendEncoded(_ bytes: [UInt8], to out: inout [UInt8]) {
        for byte in bytes {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHex[Int(byte >> 4)])
                out.append(upperHex[Int(byte & 0x0f)])
            }
        }
    }
}
