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
    /// A request S3 would refuse before looking at any object (a key too long, an unknown version).
    case invalid(S3Error)
    /// Something S3 supports and this store does not, named for the error message.
    case notImplemented(String)

    /// Sub-resources S3 knows and this store does not serve; naming one is NotImplemented rather than being
    /// mistaken for a plain GET or PUT of the object or bucket.
    static let unsupportedSubresources: Set<String> = [
        "accelerate", "acl", "analytics", "attributes", "cors", "encryption", "intelligent-tiering", "inventory",
        "legal-hold", "lifecycle", "location", "logging", "metadataTable", "metrics", "notification",
        "object-lock", "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication",
        "requestPayment", "restore", "retention", "select", "session", "torrent", "versioning", "versions",
        "website", "renameObject",
    ]

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
    }

    private static func bucketOperation(_ request: BucketRequest, _ names: Set<String>) -> BucketOperation {
        switch request.method {
        case "GET" where names.contains("uploads"): .listMultipartUploads
        case "GET" where request.queryValue("list-type") == "2": .listObjectsV2
        case "GET" where names.contains("tagging"): .notImplemented("GetBucketTagging")
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
        case "PUT" where names.contains("tagging"): return .putObjectTagging(key)
        case "PUT" where uploadID != nil || names.contains("partNumber"):
            guard let uploadID else { return .invalid(.invalidArgument.because("uploadId is required")) }
            return copies ? .uploadPartCopy(key, uploadID: uploadID) : .uploadPart(key, uploadID: uploadID)
        case "PUT" where copies: return .copyObject(key)
        case "PUT": return .putObject(key)
        case "GET" where names.contains("tagging"): return .getObjectTagging(key)
        case "GET" where uploadID != nil: return .listParts(key, uploadID: uploadID ?? "")
        case "GET" where names.contains("partNumber"), "HEAD" where names.contains("partNumber"):
            return .notImplemented("GetObject by part number")
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
