import AccessPointCore
import Crypto

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
        if let signed = signedOnBytes(request, payloadHash: payloadHash, now: now) { return signed }
        var signed = request
        // A new header list with room for the three headers added, rather than a copy to remove from and grow.
        var headers: [HTTPField] = []
        headers.reserveCapacity(request.headers.count + 3)
        for header in request.headers
        where
            !(HeaderName.matches(header.name, "authorization") || HeaderName.matches(header.name, "x-amz-date")
            || HeaderName.matches(header.name, "x-amz-content-sha256"))
        {
            headers.append(header)
        }
        headers.append(HTTPField(name: "x-amz-date", value: now.iso8601Basic))
        headers.append(HTTPField(name: "x-amz-content-sha256", value: payloadHash))
        signed.headers = headers
        let names = signedHeaderNames(of: signed)
        let scope = CredentialScope(time: now, region: region, service: service)

        // One buffer for the canonical request, the string to sign and then the Authorization value.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        Self.appendStringToSign(
            of: signed,
            signedHeaders: names,
            payloadHash: payloadHash,
            now: now,
            scope: scope,
            to: &bytes
        )
        let mac = signingKey(for: scope).authenticationCode(for: bytes)
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: StringToSign.algorithm.utf8)
        bytes.append(contentsOf: " Credential=".utf8)
        bytes.append(contentsOf: accessKeyID.utf8)
        bytes.append(UInt8(ascii: "/"))
        scope.append(to: &bytes)
        bytes.append(contentsOf: ", SignedHeaders=".utf8)
        for (index, name) in names.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ";")) }
            bytes.append(contentsOf: name.utf8)
        }
        bytes.append(contentsOf: ", Signature=".utf8)
        mac.withUnsafeBytes { Hex.append($0, to: &bytes) }
        signed.headers.append(HTTPField(name: "Authorization", value: String(decoding: bytes, as: UTF8.self)))
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
        let payloadHash = request.value(ofLowercased: "x-amz-content-sha256") ?? PayloadHash.unsignedPayload
        let mac = signingKey(for: scope).authenticationCode(
            for: Self.stringToSign(of: signed, signedHeaders: names, payloadHash: payloadHash, now: now, scope: scope)
        )
        signed.query += "&X-Amz-Signature=\(mac.withUnsafeBytes { Hex.encode($0) })"
        return signed
    }

    /// The bytes of the string to sign of `request` (header names `signedHeaders`), built without a String.
    private static func stringToSign(
        of request: SigV4Request,
        signedHeaders: [String],
        payloadHash: String,
        now: AmzDate,
        scope: CredentialScope
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        appendStringToSign(
            of: request,
            signedHeaders: signedHeaders,
            payloadHash: payloadHash,
            now: now,
            scope: scope,
            to: &bytes
        )
        return bytes
    }

    /// Appends to the empty `bytes` the string to sign of `request`, using them for the canonical request first.
    private static func appendStringToSign(
        of request: SigV4Request,
        signedHeaders: [String],
        payloadHash: String,
        now: AmzDate,
        scope: CredentialScope,
        to bytes: inout [UInt8]
    ) {
        CanonicalRequest.append(
            request: request,
            signedHeaders: signedHeaders,
            payloadHash: payloadHash,
            omittingSignature: false,
            to: &bytes
        )
        let hash = SHA256State.digest(of: bytes)
        bytes.removeAll(keepingCapacity: true)
        StringToSign.append(
            algorithm: StringToSign.algorithm,
            time: now,
            scope: scope,
            canonicalRequestHash: hash,
            to: &bytes
        )
    }

    /// The lower-case names of the headers of `request` that are signed, sorted.
    private func signedHeaderNames(of request: SigV4Request) -> [String] {
        var names: [String] = []
        names.reserveCapacity(request.headers.count)
        for header in request.headers {
            guard HeaderName.isASCII(header.name) else {
                return Set(request.headers.map { $0.name.lowercased() }).filter { !Self.isUnsigned($0) }.sorted()
            }
            let name = header.name.lowercased()
            if !Self.isUnsigned(name), !names.contains(name) { names.append(name) }
        }
        names.sort()
        return names
    }

    func signingKey(for scope: CredentialScope) -> SigV4SigningKey {
        keyCache.signingKey(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, scope: scope)
    }

    /// Whether the lower-case `name` is in ``unsignedHeaders`` or starts with `amz-sdk-`; on bytes, without hashing.
    static func isUnsigned(_ name: String) -> Bool {
        name.withUTF8Bytes { isUnsigned($0) }
    }

    /// ``isUnsigned(_:)`` of the lower-case name whose bytes are `name`.
    static func isUnsigned(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        if name.count >= 8, HeaderName.same(UnsafeBufferPointer(rebasing: name[0..<8]), "amz-sdk-") { return true }
        return switch name.count {
        case 2: HeaderName.same(name, "te")
        case 6: HeaderName.same(name, "expect")
        case 7: HeaderName.same(name, "trailer") || HeaderName.same(name, "upgrade")
        case 10:
            HeaderName.same(name, "connection") || HeaderName.same(name, "keep-alive")
                || HeaderName.same(name, "user-agent")
        case 13: HeaderName.same(name, "authorization")
        case 14: HeaderName.same(name, "content-length")
        case 15: HeaderName.same(name, "x-amzn-trace-id")
        case 17: HeaderName.same(name, "transfer-encoding")
        case 19: HeaderName.same(name, "proxy-authorization")
        default: false
        }
    }
}
