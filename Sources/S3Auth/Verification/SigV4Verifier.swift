public import AccessPointCore
import Crypto

/// Verifies SigV4- and SigV4A-signed S3 requests, header-signed or presigned (spec §5), the S3 way: raw path, no
/// second encoding, `x-amz-content-sha256` required, every `x-amz-*` header signed.
///
/// The verifier is a plain value: configuration plus a shared ``SigningKeyCache``, so keys are derived once per
/// access key, day, region and service rather than per request. Each call is handed the request, the region the
/// endpoint serves, the credentials of the current snapshot and the current time; it reads no clock and does no I/O.
/// It answers with the verified ``SigV4Authentication`` or throws the `S3Error` that S3 would return:
///
/// | problem | error |
/// |---|---|
/// | no signature at all | `AccessDenied` |
/// | SigV2 or another algorithm | `InvalidRequest` "Please use AWS4-HMAC-SHA256." |
/// | malformed header or scope, wrong region (set) or service | `AuthorizationHeaderMalformed` (`Region`) |
/// | malformed or out-of-range presigned parameters | `AuthorizationQueryParametersError` |
/// | unknown access key | `InvalidAccessKeyId` (`AWSAccessKeyId`) |
/// | clock skew beyond 15 minutes | `RequestTimeTooSkewed` |
/// | presigned URL past its expiry | `AccessDenied` "Request has expired" |
/// | unsigned `x-amz-*` headers | `AccessDenied` (`HeadersNotSigned`) |
/// | wrong signature | `SignatureDoesNotMatch` (string to sign and canonical request) |
///
/// The body is not part of the signature check: ``SigV4Authentication/payload`` says what the body reader must
/// verify as the bytes arrive.
public struct SigV4Verifier: Sendable {
    /// Limits that S3 fixes and tests may change.
    public struct Configuration: Hashable, Sendable {
        /// The service every scope must name; S3 Control signs as `s3` too.
        public var service = "s3"
        /// The largest difference between request time and server time, 15 minutes in S3.
        public var maxClockSkewSeconds: Int64 = 900
        /// The largest `X-Amz-Expires`, one week in S3.
        public var maxPresignedExpirySeconds: Int64 = 604_800
        /// The longest chunk of an aws-chunked body accepted.
        public var maxChunkSize = 16 * 1024 * 1024

        public init() {}
    }

    /// The limits in force.
    public var configuration: Configuration
    /// The signing keys derived so far; share one cache between verifiers and signers of the same process.
    public let keyCache: SigningKeyCache

    /// A verifier with `configuration` that keeps derived keys in `keyCache`.
    public init(configuration: Configuration = Configuration(), keyCache: SigningKeyCache = SigningKeyCache()) {
        self.configuration = configuration
        self.keyCache = keyCache
    }

    /// Verifies the signature of `request` at time `now` for an endpoint in `region`.
    ///
    /// - Returns: who signed and what the body must still prove.
    /// - Throws: the `S3Error` S3 answers with; see the table on ``SigV4Verifier``.
    public func verify(
        _ request: SigV4Request,
        region: ExpectedRegion,
        credentials: some SigV4CredentialLookup,
        now: AmzDate
    ) throws(S3Error) -> SigV4Authentication {
        let claims = try SignatureClaims(request: request, maxExpires: configuration.maxPresignedExpirySeconds)
        let regionSet = try checkRegion(of: request, claims: claims, region: region)
        guard claims.scope.service == configuration.service else {
            throw .malformedSignature(
                claims.location,
                "incorrect service '\(claims.scope.service)'. This endpoint belongs to '\(configuration.service)'."
            )
        }
        guard let credential = credentials.credential(forAccessKeyID: claims.accessKeyID) else {
            throw S3Error.invalidAccessKeyId.adding("AWSAccessKeyId", claims.accessKeyID)
        }
        let time = try requestTime(of: request, claims: claims, now: now)
        let payloadHash = try payloadHash(of: request, claims: claims)
        let payloadMode = try PayloadMode(payloadHash: payloadHash, location: claims.location)
        try checkSignedHeaders(of: request, claims: claims)

        var chain: ChunkSignatureChain?
        let valid: Bool
        switch claims.algorithm {
        case .hmacSHA256:
            let key = keyCache.signingKey(
                accessKeyID: credential.accessKeyID,
                secretAccessKey: credential.secretAccessKey,
                scope: claims.scope
            )
            valid = key.isValidSignature(
                claims.signature,
                for: Self.stringToSign(of: request, claims: claims, time: time, payloadHash: payloadHash)
            )
            // Only an aws-chunked body reads the chain: no other request copies the key and the seed into one.
            if case .awsChunked = payloadMode {
                chain = ChunkSignatureChain(key: key, time: time, scope: claims.scope, seedSignature: claims.signature)
            }
        case .ecdsaP256SHA256:
            let key = keyCache.sigV4AKey(
                accessKeyID: credential.accessKeyID,
                secretAccessKey: credential.secretAccessKey
            )
            let stringToSign = Self.explained(request, claims: claims, time: time, payloadHash: payloadHash).1
            valid = key?.isValidSignature(claims.signature, for: stringToSign.text) ?? false
        }
        guard valid else {
            let (canonicalRequest, stringToSign) = Self.explained(
                request,
                claims: claims,
                time: time,
                payloadHash: payloadHash
            )
            throw .signatureMismatch(
                accessKeyID: claims.accessKeyID,
                stringToSign: stringToSign,
                provided: claims.signature,
                canonicalRequest: canonicalRequest
            )
        }
        return SigV4Authentication(
            algorithm: claims.algorithm,
            regionSet: regionSet,
            identity: credential.identity,
            accessKeyID: claims.accessKeyID,
            scope: claims.scope,
            requestTime: time,
            signedHeaders: claims.signedHeaders,
            location: claims.location,
            signature: claims.signature,
            payload: try payloadMode.requirement(
                request: request,
                chain: chain,
                maxChunkSize: configuration.maxChunkSize
            )
        )
    }

    /// The bytes of the SigV4 string to sign of `request`, built without a String: what the signature covers.
    static func stringToSign(
        of request: SigV4Request,
        claims: SignatureClaims,
        time: AmzDate,
        payloadHash: String
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        CanonicalRequest.append(
            request: request,
            signedHeaders: claims.signedHeaders,
            payloadHash: payloadHash,
            omittingSignature: claims.location == .query,
            to: &bytes
        )
        let hash = SHA256State.digest(of: bytes)
        bytes.removeAll(keepingCapacity: true)
        StringToSign.append(
            algorithm: claims.algorithm.name,
            time: time,
            scope: claims.scope,
            canonicalRequestHash: hash,
            to: &bytes
        )
        return bytes
    }

    /// The canonical request and string to sign of `request` as their parts: what a mismatch shows the client, and
    /// what SigV4A signs.
    static func explained(
        _ request: SigV4Request,
        claims: SignatureClaims,
        time: AmzDate,
        payloadHash: String
    ) -> (CanonicalRequest, StringToSign) {
        let canonicalRequest = CanonicalRequest(
            request: request,
            signedHeaders: claims.signedHeaders,
            payloadHash: payloadHash,
            omittingQuery: claims.location == .query ? ["X-Amz-Signature"] : []
        )
        let stringToSign = StringToSign(
            algorithm: claims.algorithm.name,
            time: time,
            scope: claims.scopeString,
            tail: [canonicalRequest.hash]
        )
        return (canonicalRequest, stringToSign)
    }
}
