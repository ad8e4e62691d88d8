internal import AccessPointCore
internal import S3HTTP

/// Which S3 operation a request is, decided from its method, whether it names a key, and its query, before any
/// file is touched (as S3's own REST API tells them apart).
enum BucketOperation: Equatable {
    case headBucket
    case listObjects
    case listObjectsV2
    case listMultipartUploads
    case deleteObjects
    case putObject(String)
    case copyObject(String)
    case getObject(String)
    case headObject(String)
    case deleteObject(String)
    case getObjectTagging(String)
    case putObjectTagging(String)
    case deleteObjectTagging(String)
    case createMultipartUpload(String)
    case uploadPart(String, uploadID: String)
    case uploadPartCopy(String, uploadID: String)
    case completeMultipartUpload(String, uploadID: String)
    case abortMultipartUpload(String, uploadID: String)
    case listParts(String, uploadID: String)
    case listObjectVersions
    case getObjectAttributes(String)
    /// GetObjectAcl (a key) or GetBucketAcl (nil).
    case getACL(String?)
    /// PutObjectAcl (a key) or PutBucketAcl (nil).
    case putACL(String?)
    case restoreObject(String)
    /// A bucket configuration this store never has, read: the document S3 answers for a bucket without it.
    case emptyConfiguration(root: String)
    /// A request S3 answers with this error before looking at any object (a key too long, an unknown version, a
    /// configuration the bucket cannot have).
    case invalid(S3Error)
    /// Something S3 supports and this store does not, named for the error message.
    case notImplemented(String)

    /// Sub-resources S3 knows and this store does not serve; naming one is NotImplemented rather than being
    /// mistaken for a plain GET or PUT of the object or bucket.
    ///
    /// The store is a bucket as S3 makes one today: unversioned, ACLs disabled (Object Ownership "bucket owner
    /// enforced"), no Object Lock, no CORS or notification configuration, all of it fixed. So `acl`,
    /// `attributes`, `versions`, `legal-hold`, `retention`, `restore`, and the reads of `cors`, `notification`,
    /// `versioning`, `object-lock` and a bucket's `tagging` are answered as S3 answers them for such a bucket;
    /// writing a bucket configuration stays NotImplemented.
    static let unsupportedSubresources: Set<String> = [
        "accelerate", "analytics", "encryption", "intelligent-tiering", "inventory", "lifecycle", "location",
        "logging", "metadataTable", "metrics", "ownershipControls", "policy", "policyStatus", "publicAccessBlock",
        "replication", "requestPayment", "select", "session", "torrent", "website", "renameObject",
    ]

    /// What S3 answers for Object Lock on a bucket created without it.
    static let noObjectLock = S3Error.invalidRequest.because("Bucket is missing Object Lock Configuration")

    /// The longest key S3 accepts, in UTF-8 bytes.
    static let maximumKeyLength = 1024

    init(_ request: BucketRequest) {
        let names = Set(request.queryItems.map(\.name))
        if let unsupported = names.intersection(Self.unsupportedSubresources).sorted().first {
            self = .notImplemented("\(request.method) ?\(unsupported)")
            return
        }
        guard let key = request.key, !key.isEmpty else {
            self = Self.bucketOperation(request, names)
            return
        }
        if key.utf8.count > Self.maximumKeyLength {
            self = .invalid(.keyTooLongError.adding("Size", String(key.utf8.count)).adding("MaxSizeAllowed", "1024"))
            return
        }
        if key.utf8.contains(0) {
            self = .invalid(.invalidArgument.because("Object key must not contain the NUL character"))
            return
        }
        if let version = request.queryValue("versionId"), version != "null" {
            self = .invalid(
                .invalidArgument.because("Invalid version id specified").adding("ArgumentName", "versionId")
            )
            return
        }
        self = Self.objectOperation(request, key, names)
        switch self {
        case .putObject, .copyObject, .createMultipartUpload:
            if !Self.asksForOwnerFullControlAtMost(request.headers) { self = .invalid(.accessControlListNotSupported) }
        default: break
        }
    }

    /// The ACL headers a write may carry with ACLs disabled: none, or `x-amz-acl: bucket-owner-full-control`
    /// (S3 refuses any other canned ACL and every `x-amz-grant-*` header with AccessControlListNotSupported).
    static func asksForOwnerFullControlAtMost(_ headers: S3Headers) -> Bool {
        if let acl = headers["x-amz-acl"], acl.trimmingSpaces != "bucket-owner-full-control" { return false }
        return Self.grantHeaders.allSatisfy { headers[$0] == nil }
    }

    static let grantHeaders = [
        "x-amz-grant-full-control", "x-amz-grant-read", "x-amz-grant-read-acp", "x-amz-grant-write",
        "x-amz-grant-write-acp",
    ]

    private static func bucketOperation(_ request: BucketRequest, _ names: Set<String>) -> BucketOperation {
        let bucket = request.bucket
        return switch request.method {
        case "GET" where names.contains("uploads"): .listMultipartUploads
        case "GET" where names.contains("versions"): .listObjectVersions
        case "GET" where names.contains("acl"): .getACL(nil)
        case "PUT" where names.contains("acl"): .putACL(nil)
        case "GET" where names.contains("versioning"): .emptyConfiguration(root: "VersioningConfiguration")
        case "GET" where names.contains("notification"): .emptyConfiguration(root: "NotificationConfiguration")
        case "GET" where names.contains("cors"): .invalid(.noSuchCORSConfiguration.adding("BucketName", bucket))
        case "GET" where names.contains("object-lock"):
            .invalid(.objectLockConfigurationNotFound.adding("BucketName", bucket))
        case "GET" where names.contains("tagging"): .invalid(.noSuchTagSet.adding("BucketName", bucket))
        case "GET" where request.queryValue("list-type") == "2": .listObjectsV2
        case "GET": .listObjects
        case "HEAD": .headBucket
        case "POST" where names.contains("delete"): .deleteObjects
        case "PUT": .notImplemented("CreateBucket and bucket configuration")
        case "DELETE": .notImplemented("DeleteBucket and bucket configuration")
        default: .notImplemented("\(request.method) on a bucket")
        }
    }

    private static func objectOperation(
        _ request: BucketRequest,
        _ key: String,
        _ names: Set<String>
    ) -> BucketOperation {
        let uploadID = request.queryValue("uploadId")
        let copies = request.headers["x-amz-copy-source"] != nil
        switch request.method {
        case "GET" where names.contains("acl"): return .getACL(key)
        case "PUT" where names.contains("acl"): return .putACL(key)
        case "GET" where names.contains("attributes"): return .getObjectAttributes(key)
        case "GET" where names.contains("legal-hold") || names.contains("retention"),
            "PUT" where names.contains("legal-hold") || names.contains("retention"):
            return .invalid(Self.noObjectLock)
        case "POST" where names.contains("restore"): return .restoreObject(key)
        case "PUT" where names.contains("tagging"): return .putObjectTagging(key)
        case "PUT" where uploadID != nil || names.contains("partNumber"):
            guard let uploadID else { return .invalid(.invalidArgument.because("uploadId is required")) }
            return copies ? .uploadPartCopy(key, uploadID: uploadID) : .uploadPart(key, uploadID: uploadID)
        case "PUT" where copies: return .copyObject(key)
        case "PUT": return .putObject(key)
        case "GET" where names.contains("tagging"): return .getObjectTagging(key)
        case "GET" where uploadID != nil: return .listParts(key, uploadID: uploadID ?? "")
        case "GET": return .getObject(key)
        case "HEAD": return .headObject(key)
        case "DELETE" where names.contains("tagging"): return .deleteObjectTagging(key)
        case "DELETE" where uploadID != nil: return .abortMultipartUpload(key, uploadID: uploadID ?? "")
        case "DELETE": return .deleteObject(key)
        case "POST" where names.contains("uploads"): return .createMultipartUpload(key)
        case "POST" where uploadID != nil: return .completeMultipartUpload(key, uploadID: uploadID ?? "")
        default: return .notImplemented("\(request.method) on an object")
        }
    }
}
