import AccessPointCore

extension SignatureClaims {
    /// The query parameters that mark a presigned SigV4 URL.
    static let queryMarkers = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders"]

    /// Parses the `X-Amz-*` parameters of a presigned URL (spec §5.4); `maxExpires` bounds `X-Amz-Expires`.
    init(query parts: [CanonicalQuery.Part], maxExpires: Int64) throws(S3Error) {
        func single(_ name: String) throws(S3Error) -> String? {
            var found: [UInt8]?
            for part in parts where HeaderName.equals(part.name, name) {
                guard found == nil else { throw .malformedSignature(.query, "\(name) appears more than once.") }
                found = part.value
            }
            return found.map { String(decoding: $0, as: UTF8.self) }
        }
        let missing = S3Error.authorizationQueryParametersError
        guard let algorithm = try single("X-Amz-Algorithm") else { throw missing }
        guard let algorithm = SigV4Authentication.Algorithm(name: algorithm) else { throw .useSigV4 }
        guard let credential = try single("X-Amz-Credential"), let date = try single("X-Amz-Date"),
            let expires = try single("X-Amz-Expires"), let signedHeaders = try single("X-Amz-SignedHeaders"),
            let signature = try single("X-Amz-Signature")
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
        self.regionSetParameter = try single("X-Amz-Region-Set")
    }

    /// The claims of `request`, wherever its signature travels; anonymous and SigV2 requests are refused here.
    init(request: SigV4Request, maxExpires: Int64) throws(S3Error) {
        let authorizations = request.count(ofLowercased: "authorization")
        let presigned = request.queryParts.contains { part in
            Self.queryMarkers.contains { HeaderName.equals(part.name, $0) }
        }
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
