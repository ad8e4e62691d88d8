/// The parts of an S3 request that policies can test through `s3:` condition keys (spec §4.3). Every field is
/// optional: a key the request did not carry stays absent, which matters, because negated operators succeed on a
/// missing key and positive ones fail.
public struct S3RequestDetails: Sendable, Hashable {
    /// How the request was signed (`s3:authType`).
    public enum AuthType: String, Sendable, Hashable {
        case header = "REST-HEADER"
        case queryString = "REST-QUERY-STRING"
        case postPolicy = "POST"
    }

    public var prefix: String?
    public var delimiter: String?
    public var maxKeys: Int?
    /// The canned ACL in `x-amz-acl`.
    public var cannedACL: String?
    /// The tags of the object already stored, for `s3:ExistingObjectTag/<key>`.
    public var existingObjectTags: [String: String]
    public var authType: AuthType?
    /// `AWS4-HMAC-SHA256` or `AWS4-ECDSA-P256-SHA256`.
    public var signatureVersion: String?
    public var signatureAgeMilliseconds: Int64?
    public var contentSHA256: String?
    public var tlsVersion: String?
    /// The fields only writes and deletes carry: nil for other requests (a GET's are not looked at).
    public var writes: WriteDetails?

    /// `s3:x-amz-server-side-encryption`, `-aws-kms-key-id`, `s3:x-amz-storage-class`, `s3:if-match` and
    /// `s3:if-none-match`: what a bucket policy tests to require encryption, a class, or conditional writes.
    public struct WriteDetails: Sendable, Hashable {
        public var serverSideEncryption: String?
        public var kmsKeyID: String?
        public var storageClass: String?
        public var ifMatch: String?
        public var ifNoneMatch: String?

        public init(
            serverSideEncryption: String? = nil,
            kmsKeyID: String? = nil,
            storageClass: String? = nil,
            ifMatch: String? = nil,
            ifNoneMatch: String? = nil
        ) {
            self.serverSideEncryption = serverSideEncryption
            self.kmsKeyID = kmsKeyID
            self.storageClass = storageClass
            self.ifMatch = ifMatch
            self.ifNoneMatch = ifNoneMatch
        }
    }

    /// Inlinable, so that a caller building one per request (the router) fills the fields in place.
    @inlinable
    public init(
        prefix: String? = nil,
        delimiter: String? = nil,
        maxKeys: Int? = nil,
        cannedACL: String? = nil,
        existingObjectTags: [String: String] = Dictionary(),
        authType: AuthType? = .header,
        signatureVersion: String? = "AWS4-HMAC-SHA256",
        signatureAgeMilliseconds: Int64? = nil,
        contentSHA256: String? = nil,
        tlsVersion: String? = nil,
        writes: WriteDetails? = nil
    ) {
        self.prefix = prefix
        self.delimiter = delimiter
        self.maxKeys = maxKeys
        self.cannedACL = cannedACL
        self.existingObjectTags = existingObjectTags
        self.authType = authType
        self.signatureVersion = signatureVersion
        self.signatureAgeMilliseconds = signatureAgeMilliseconds
        self.contentSHA256 = contentSHA256
        self.tlsVersion = tlsVersion
        self.writes = writes
    }
}
