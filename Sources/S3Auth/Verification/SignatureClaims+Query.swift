import AccessPointCore

extension SignatureClaims {
    /// The query parameters a presigned SigV4 URL is read from, in the order they are checked; the first four
    /// (``PresignParameter/isMarker``) mark a URL as presigned.
    enum PresignParameter: Int, CaseIterable {
        case algorithm, credential, signature, signedHeaders, date, expires, regionSet

        var name: String { literal.description }

        var literal: StaticString {
            switch self {
            case .algorithm: "X-Amz-Algorithm"
            case .credential: "X-Amz-Credential"
            case .signature: "X-Amz-Signature"
            case .signedHeaders: "X-Amz-SignedHeaders"
            case .date: "X-Amz-Date"
            case .expires: "X-Amz-Expires"
            case .regionSet: "X-Amz-Region-Set"
            }
        }

        /// `self` when `bytes` are exactly its name.
        private func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Self? {
            HeaderName.same(bytes, literal) ? self : nil
        }

        var isMarker: Bool { rawValue <= Self.signedHeaders.rawValue }

        /// The parameter whose name the decoded name of `part` equals (``HeaderName/equals(_:_:)``), or `nil`.
        /// A name without `%` and in ASCII, as every SDK sends them, is compared on its raw bytes.
        init?(_ part: CanonicalQuery.Part) {
            let raw = part.rawName
            let plain: Self?? = raw.withUTF8Bytes { bytes in
                if bytes.contains(UInt8(ascii: "%")) { return nil }
                let found: Self? =
                    switch bytes.count {
                    case 10: Self.date.matches(bytes)
                    case 13: Self.expires.matches(bytes)
                    case 15: Self.algorithm.matches(bytes) ?? Self.signature.matches(bytes)
                    case 16: Self.credential.matches(bytes) ?? Self.regionSet.matches(bytes)
                    case 19: Self.signedHeaders.matches(bytes)
                    default: nil
                    }
                if let found { return .some(found) }
                // Not one of them; a name that is not ASCII is compared the String way below.
                return HeaderName.isASCII(UnsafeRawBufferPointer(bytes)) ? .some(nil) : nil
            }
            if let plain {
                guard let plain else { return nil }
                self = plain
                return
            }
            let decoded = part.name
            guard let found = Self.allCases.first(where: { HeaderName.equals(decoded, $0.name) }) else { return nil }
            self = found
        }
    }

    /// Parses the `X-Amz-*` parameters of a presigned URL (spec §5.4); `maxExpires` bounds `X-Amz-Expires`.
    init(query parts: [CanonicalQuery.Part], maxExpires: Int64) throws(S3Error) {
        // One pass over the parts: the index of each parameter's first part (none: -1), and whether it came again
        // (one bit per parameter); seven slots on the stack.
        var first = (-1, -1, -1, -1, -1, -1, -1)
        var repeated: UInt8 = 0
        withUnsafeMutableBytes(of: &first) { slots in
            let first = slots.bindMemory(to: Int.self)
            for (index, part) in parts.enumerated() {
                guard let parameter = PresignParameter(part) else { continue }
                if first[parameter.rawValue] < 0 {
                    first[parameter.rawValue] = index
                } else {
                    repeated |= 1 << parameter.rawValue
                }
            }
        }
        func single(_ parameter: PresignParameter) throws(S3Error) -> String? {
            guard repeated & (1 << parameter.rawValue) == 0 else {
                throw .malformedSignature(.query, "\(parameter.name) appears more than once.")
            }
            let index = withUnsafeBytes(of: first) {
                $0.load(fromByteOffset: parameter.rawValue * MemoryLayout<Int>.stride, as: Int.self)
            }
            return index < 0 ? nil : parts[index].decodedValueText
        }
        let missing = S3Error.authorizationQueryParametersError
        guard let algorithm = try single(.algorithm) else { throw missing }
        guard let algorithm = SigV4Authentication.Algorithm(name: algorithm) else { throw .useSigV4 }
        guard let credential = try single(.credential), let date = try single(.date),
            let expires = try single(.expires), let signedHeaders = try single(.signedHeaders),
            let signature = try single(.signature)
        else { throw missing }

        guard let (accessKeyID, scope) = Self.parseCredential(credential, algorithm) else {
            throw .malformedSignature(
                .query,
                "Error parsing the X-Amz-Credential parameter; \(S3Error.malformedCredential)"
            )
        }
        guard let time = AmzDate(iso8601Basic: date) else {
            throw .malformedSignature(.query, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
        }
        guard !expires.isEmpty, expires.utf8.count <= 12, expires.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let seconds = Int64(expires)
        else {
            throw .malformedSignature(.query, "X-Amz-Expires should be a number")
        }
        guard seconds >= 1 else { throw .malformedSignature(.query, "X-Amz-Expires must be greater than 0") }
        guard seconds <= maxExpires else {
            throw .malformedSignature(
                .query,
                "X-Amz-Expires must be less than a week (in seconds) that is \(maxExpires)"
            )
        }
        self.algorithm = algorithm
        self.location = .query
        self.accessKeyID = accessKeyID
        self.scope = scope
        self.signedHeaders = try Self.parseSignedHeaders(signedHeaders, .query)
        self.signature = try Self.parseSignature(signature, algorithm, .query)
        self.presignedTime = time
        self.expires = seconds
        self.regionSetParameter = try single(.regionSet)
    }

    /// The claims of `request`, wherever its signature travels; anonymous and SigV2 requests are refused here.
    init(request: SigV4Request, maxExpires: Int64) throws(S3Error) {
        let authorizations = request.count(ofLowercased: "authorization")
        // A presigned URL as SDKs write it is read on its raw query, which is then never split into parts. Those
        // claims are what the general reading below comes to: the query holds the four marker parameters and there
        // is no `Authorization` header.
        if authorizations == 0, !request.query.isEmpty,
            let plain = Self.plainQuery(request.query, maxExpires: maxExpires)
        {
            self = plain
            return
        }
        let presigned = Self.hasPresignMarker(request.query)
        if authorizations > 0, presigned {
            throw S3Error.invalidArgument.because(
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string "
                    + "parameter or the Authorization header should be specified"
            )
        }
        if authorizations > 1 {
            throw .malformedSignature(.header, "the request carries more than one Authorization header.")
        }
        if authorizations == 1, let header = request.value(ofLowercased: "authorization") {
            try self.init(authorization: header)
        } else if presigned {
            try self.init(query: request.queryParts, maxExpires: maxExpires)
        } else if request.queryParameters.contains(where: { $0.name == "AWSAccessKeyId" || $0.name == "Signature" }) {
            throw .useSigV4
        } else {
            throw S3Error.accessDenied.because("Anonymous requests are not allowed; sign the request with SigV4.")
        }
    }

    /// Whether the raw query holds one of the parameters that mark a URL as presigned (``PresignParameter/isMarker``).
    /// Only the pieces whose name might decode to one are split off and read: those that start with `X-Amz-` or
    /// whose name holds `%` or a byte that is not ASCII; a header-signed request's query has none of them.
    static func hasPresignMarker(_ query: String) -> Bool {
        guard !query.isEmpty else { return false }
        let candidates = CanonicalQuery.parts(of: query) { piece in
            let bytes = UnsafeRawBufferPointer(piece)
            let equals = ByteScan.firstIndex(of: UInt8(ascii: "="), in: bytes, from: 0, to: bytes.count)
            let amz = equals >= 6 && HeaderName.same(UnsafeBufferPointer(rebasing: piece[..<6]), "X-Amz-")
            return !amz && ByteScan.isPlain(UnsafeRawBufferPointer(rebasing: bytes[..<equals]))
        }
        return candidates.contains { PresignParameter($0)?.isMarker ?? false }
    }

    /// The claims of a valid presigned SigV4 query as SDKs write it, read on the raw query's one buffer: every
    /// parameter name plain (no `%`, ASCII) and at most once, the values decoded into one scratch area and checked
    /// there, Strings made only for what the claims keep. `nil` for anything else (SigV4A, a malformed or missing
    /// parameter, an encoded name), which ``init(query:maxExpires:)`` then reads and reports on.
    static func plainQuery(_ query: String, maxExpires: Int64) -> SignatureClaims? {
        query.withUTF8Bytes { raw in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: raw.count) { scratch in
                plainQuery(raw, scratch: scratch, maxExpires: maxExpires)
            }
        }
    }

    private static func plainQuery(
        _ raw: UnsafeBufferPointer<UInt8>,
        scratch: UnsafeMutableBufferPointer<UInt8>,
        maxExpires: Int64
    ) -> SignatureClaims? {
        // The value of each parameter (start and end in `raw`; absent: start -1), seven slots on the stack.
        var values = (
            (-1, 0), (-1, 0), (-1, 0), (-1, 0), (-1, 0), (-1, 0), (-1, 0)
        )
        let found: Bool = withUnsafeMutableBytes(of: &values) { slots in
            let slots = slots.bindMemory(to: Int.self)
            var start = 0
            let bytes = UnsafeRawBufferPointer(raw)
            while start < raw.count {
                var end = ByteScan.firstIndex(
                    of: UInt8(ascii: "="),
                    or: UInt8(ascii: "&"),
                    in: bytes,
                    from: start,
                    to: raw.count
                )
                var equals = -1
                if end < raw.count, raw[end] == UInt8(ascii: "=") {
                    equals = end
                    end = ByteScan.firstIndex(of: UInt8(ascii: "&"), in: bytes, from: end + 1, to: raw.count)
                }
                defer { start = end + 1 }
                if end == start { continue }
                let nameEnd = equals < 0 ? end : equals
                let name = UnsafeBufferPointer(rebasing: raw[start..<nameEnd])
                // A parameter's own name is plain; any other name must be, or it might decode to one.
                guard let parameter = PresignParameter(plain: name) else {
                    guard ByteScan.isPlain(UnsafeRawBufferPointer(name)) else { return false }
                    continue
                }
                guard slots[2 * parameter.rawValue] < 0 else { return false }
                slots[2 * parameter.rawValue] = equals < 0 ? end : equals + 1
                slots[2 * parameter.rawValue + 1] = end
            }
            return true
        }
        guard found else { return nil }
        // Each value decoded into the scratch area, one after the other.
        var written = 0
        func value(_ parameter: PresignParameter) -> UnsafeBufferPointer<UInt8>? {
            let (start, end) = withUnsafeBytes(of: values) {
                (
                    $0.load(fromByteOffset: 2 * parameter.rawValue * MemoryLayout<Int>.stride, as: Int.self),
                    $0.load(fromByteOffset: (2 * parameter.rawValue + 1) * MemoryLayout<Int>.stride, as: Int.self)
                )
            }
            guard start >= 0 else { return nil }
            let base = written
            written += CanonicalQuery.decode(
                UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: raw[start..<end])),
                into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: scratch[base...]))
            )
            return UnsafeBufferPointer(UnsafeMutableBufferPointer(rebasing: scratch[base..<written]))
        }
        // The date first: the credential's scope date is checked by comparing it with the date's day.
        guard let algorithm = value(.algorithm), HeaderName.same(algorithm, "AWS4-HMAC-SHA256"),
            let date = value(.date), date.count == 16, let time = AmzDate.basic(date),
            let credential = value(.credential),
            let (accessKeyID, scope) = plainCredential(credential, knownDay: UnsafeBufferPointer(rebasing: date[..<8])),
            let expires = value(.expires), !expires.isEmpty, expires.count <= 12,
            let signedHeadersText = value(.signedHeaders), let signedHeaders = plainSignedHeaders(signedHeadersText),
            let signature = value(.signature), signature.count == 64
        else { return nil }
        var seconds: Int64 = 0
        for digit in expires {
            guard digit &- UInt8(ascii: "0") < 10 else { return nil }
            seconds = seconds * 10 + Int64(digit &- UInt8(ascii: "0"))
        }
        guard seconds >= 1, seconds <= maxExpires else { return nil }
        guard ByteScan.isLowercaseHex(UnsafeRawBufferPointer(signature)) else { return nil }
        let regionSet = value(.regionSet).map { String(decoding: $0, as: UTF8.self) }
        return SignatureClaims(
            algorithm: .hmacSHA256,
            location: .query,
            accessKeyID: accessKeyID,
            scope: scope,
            signedHeaders: signedHeaders,
            signature: String(decoding: signature, as: UTF8.self),
            presignedTime: time,
            expires: seconds,
            regionSetParameter: regionSet
        )
    }
}

extension SignatureClaims.PresignParameter {
    /// The parameter called exactly `name` (plain ASCII bytes), or `nil`.
    init?(plain name: UnsafeBufferPointer<UInt8>) {
        let found: Self? =
            switch name.count {
            case 10: HeaderName.same(name, "X-Amz-Date") ? .date : nil
            case 13: HeaderName.same(name, "X-Amz-Expires") ? .expires : nil
            case 15:
                HeaderName.same(name, "X-Amz-Algorithm")
                    ? .algorithm : HeaderName.same(name, "X-Amz-Signature") ? .signature : nil
            case 16:
                HeaderName.same(name, "X-Amz-Credential")
                    ? .credential : HeaderName.same(name, "X-Amz-Region-Set") ? .regionSet : nil
            case 19: HeaderName.same(name, "X-Amz-SignedHeaders") ? .signedHeaders : nil
            default: nil
            }
        guard let found else { return nil }
        self = found
    }
}

extension SignatureClaims {
    /// Claims from their parts, as read.
    init(
        algorithm: SigV4Authentication.Algorithm,
        location: SigV4Authentication.Location,
        accessKeyID: String,
        scope: CredentialScope,
        signedHeaders: [String],
        signature: String,
        presignedTime: AmzDate?,
        expires: Int64?,
        regionSetParameter: String?
    ) {
        self.algorithm = algorithm
        self.location = location
        self.accessKeyID = accessKeyID
        self.scope = scope
        self.signedHeaders = signedHeaders
        self.signature = signature
        self.presignedTime = presignedTime
        self.expires = expires
        self.regionSetParameter = regionSetParameter
    }
}
