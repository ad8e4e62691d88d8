/// Signs requests that the router sends to an upstream S3-compatible store, with header authentication (spec §5.1)
/// or as presigned URLs (spec §5.4).
///
/// It signs what it is given: the raw path and query as they will go on the wire, and every header except those
/// that hops rewrite (`Content-Length`, `Expect`, `Transfer-Encoding`, `Connection`, `User-Agent`, `amz-sdk-*`, …;
/// botocore leaves the same ones out, so the bytes match botocore's for the same inputs). Existing
/// `Authorization`, `x-amz-date` and `x-amz-content-sha256` headers are replaced, so a client request can be
/// forwarded and signed again with the store's credentials. Time arrives as a parameter; keys come from a
/// ``SigningKeyCache`` that may be shared with a ``SigV4Verifier``.
public struct SigV4Signer: Sendable {
    /// Header names never signed because intermediaries add, drop or rewrite them.
    public static let unsignedHeaders: Set<String> = [
        "authorization", "connection", "content-length", "expect", "keep-alive", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    /// The access key to sign with.
    public var accessKeyID: String
    /// Its secret.
    public var secretAccessKey: String
    /// The region of the store, e.g. `us-east-1`.
    public var region: String
    /// The service, `s3`.
    public var service: String
    /// Derived keys; shared across requests.
    public let keyCache: SigningKeyCache

    public init(
        accessKeyID: String,
        secretAccessKey: String,
        region: String,
        service: String = "s3",
        keyCache: SigningKeyCache = SigningKeyCache()
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.service = service
        self.keyCache = keyCache
    }

    /// `request` with `x-amz-date`, `x-amz-content-sha256` (set to `payloadHash`) and `Authorization` added.
    ///
    /// `request` must carry a `Host` header. `payloadHash` is the hex SHA-256 of the body
    /// (``PayloadHash/sha256Hex(of:)``) or one of the ``PayloadHash`` literals.
    public func sign(_ request: SigV4Request, payloadHash: String, now: AmzDate) -> SigV4Request {
        var signed = request
        signed.headers.removeAll {
            ["authorization", "x-amz-date", "x-amz-content-sha256"].contains($0.name.lowercased())
        }
        signed.headers.append(("x-amz-date", now.iso8601Basic))
        signed.headers.append(("x-amz-content-sha256", payloadHash))
        let names = signedHeaderNames(of: signed)
        let scope = CredentialScope(time: now, region: region, service: service)
        let canonical = CanonicalRequest(request: signed, signedHeaders: names, payloadHash: payloadHash)
        let signature = signingKey(for: scope).signature(
            for: StringToSign(time: now, scope: scope, canonicalRequest: canonical)
        )
        signed.headers.append(
            (
                "Authorization",
                "\(StringToSign.algorithm) Credential=\(accessKeyID)/\(scope.string), "
                    + "SignedHeaders=\(names.joined(separator: ";")), Signature=\(signature)"
            )
        )
        return signed
    }

    /// `request` with the presign parameters and `X-Amz-Signature` appended to its query, valid for `expires`
    /// seconds from `now`. The headers are signed as by ``sign(_:payloadHash:now:)`` (usually only `host`); the
    /// payload is `UNSIGNED-PAYLOAD` unless the request carries `x-amz-content-sha256`, as in botocore.
    public func presign(_ request: SigV4Request, expires: Int64, now: AmzDate) -> SigV4Request {
        let scope = CredentialScope(time: now, region: region, service: service)
        let names = signedHeaderNames(of: request)
        var signed = request
        let parameters = [
            "X-Amz-Algorithm=\(StringToSign.algorithm)",
            "X-Amz-Credential=\(CanonicalQuery.uriEncode("\(accessKeyID)/\(scope.string)"))",
            "X-Amz-Date=\(now.iso8601Basic)",
            "X-Amz-Expires=\(expires)",
            "X-Amz-SignedHeaders=\(CanonicalQuery.uriEncode(names.joined(separator: ";")))",
        ].joined(separator: "&")
        signed.query = signed.query.isEmpty ? parameters : "\(signed.query)&\(parameters)"
        let payloadHash = request.value(of: "x-amz-content-sha256") ?? PayloadHash.unsignedPayload
        let canonical = CanonicalRequest(request: signed, signedHeaders: names, payloadHash: payloadHash)
        let signature = signingKey(for: scope).signature(
            for: StringToSign(time: now, scope: scope, canonicalRequest: canonical)
        )
        signed.query += "&X-Amz-Signature=\(signature)"
        return signed
    }

    /// The lower-case names of the headers of `request` that are signed, sorted.
    private func signedHeaderNames(of request: SigV4Request) -> [String] {
        Set(request.headers.map { $0.name.lowercased() }).filter { !Self.isUnsigned($0) }.sorted()
    }

    private func signingKey(for scope: CredentialScope) -> SigV4SigningKey {
        keyCache.signingKey(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, scope: scope)
    }

    private static func isUnsigned(_ name: String) -> Bool {
        unsignedHeaders.contains(name) || name.hasPrefix("amz-sdk-")
    }
}
