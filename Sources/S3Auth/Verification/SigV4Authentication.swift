/// What a successful verification established: who signed, how, and what the body must still prove.
///
/// The signature covers the headers but not the bytes of the body, so verification cannot finish before the body
/// has been read; ``payload`` says what the body reader must check as the bytes stream past.
public struct SigV4Authentication: Sendable {
    /// Where the signature travelled.
    public enum Location: Hashable, Sendable {
        /// The `Authorization` header.
        case header
        /// The `X-Amz-*` query parameters of a presigned URL.
        case query
    }

    /// How the signature was made.
    public enum Algorithm: Hashable, Sendable {
        /// SigV4: `AWS4-HMAC-SHA256`, bound to one region.
        case hmacSHA256
        /// SigV4A: `AWS4-ECDSA-P256-SHA256`, bound to a region set (Multi-Region Access Points, spec §5.6).
        case ecdsaP256SHA256

        /// The algorithm called `name` in an `Authorization` header or `X-Amz-Algorithm`.
        public init?(name: some StringProtocol) {
            // Read in place: ASCII text equals a String exactly when the bytes do; other text is compared below.
            let known: Result<Self?, Never>? =
                name.utf8.withContiguousStorageIfAvailable { bytes in
                    if HeaderName.same(bytes, "AWS4-HMAC-SHA256") { return .success(.hmacSHA256) }
                    if HeaderName.same(bytes, "AWS4-ECDSA-P256-SHA256") { return .success(.ecdsaP256SHA256) }
                    return HeaderName.isASCII(UnsafeRawBufferPointer(bytes)) ? .success(nil) : nil
                } ?? nil
            if case .success(let known) = known {
                guard let known else { return nil }
                self = known
                return
            }
            if HeaderName.isASCII(name) {
                if name.utf8.elementsEqual(StringToSign.algorithm.utf8) {
                    self = .hmacSHA256
                    return
                }
                if name.utf8.elementsEqual(SigV4AKey.algorithm.utf8) {
                    self = .ecdsaP256SHA256
                    return
                }
                return nil
            }
            switch String(name) {
            case StringToSign.algorithm: self = .hmacSHA256
            case SigV4AKey.algorithm: self = .ecdsaP256SHA256
            default: return nil
            }
        }

        /// The name as written on the wire.
        public var name: String {
            switch self {
            case .hmacSHA256: StringToSign.algorithm
            case .ecdsaP256SHA256: SigV4AKey.algorithm
            }
        }
    }

    /// SigV4 or SigV4A.
    public var algorithm: Algorithm
    /// SigV4A only: the regions the signature is valid in (`x-amz-region-set`), e.g. `["*"]`; `nil` for SigV4.
    public var regionSet: [String]?
    /// Who signed.
    public var identity: SigV4Identity
    /// The access key the request was signed with.
    public var accessKeyID: String
    /// The credential scope of the signature; its region is empty for SigV4A (see ``regionSet``).
    public var scope: CredentialScope
    /// The time the request claims to have been signed.
    public var requestTime: AmzDate
    /// Lower-case header names the signature covers.
    public var signedHeaders: [String]
    /// Header or presigned URL.
    public var location: Location
    /// The hex signature that was verified (for SigV4, the seed of a signed aws-chunked body).
    public var signature: String
    /// What the body must still prove.
    public var payload: PayloadRequirement
}

/// What the body of a verified request must still prove, from its `x-amz-content-sha256` (spec §5.5).
public enum PayloadRequirement: Sendable {
    /// The raw body must hash to this lower-case hex SHA-256; check it with ``PayloadSHA256Checker``.
    case sha256(String)
    /// The raw body is not covered by the signature (`UNSIGNED-PAYLOAD`, and presigned URLs).
    case unsigned
    /// The body is aws-chunked; decode it with ``AWSChunkedStateMachine``, which checks chunk signatures,
    /// trailers and the decoded length as the configuration says.
    case awsChunked(AWSChunkedConfiguration)
}
