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
            var raw = part.rawName
            let plain: Self?? = raw.withUTF8 { bytes in
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
        let presigned = request.queryParts.contains { PresignParameter($0)?.isMarker ?? false }
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
}
