import AccessPointCore
import PolicyEngine
import S3HTTP

/// Names the S3 operation of a request through an access point from its method, whether it names a key, its
/// sub-resource query parameters and `x-amz-copy-source`, as Amazon S3's REST API defines them.
///
/// Bucket-level configuration (creating or deleting the bucket, its policy, CORS, lifecycle…) cannot be changed
/// through an access point: S3 refuses it, and so does this.
enum OperationClassifier {
    static func classify(
        method: String,
        key: String?,
        query: [(name: String, value: String)],
        hasCopySource: Bool
    ) throws(S3Error) -> S3Operation {
        func has(_ name: String) -> Bool { query.contains { $0.name == name } }
        guard let key, !key.isEmpty else {
            switch method {
            case "GET":
                if has("list-type") { return .listObjectsV2 }
                if has("uploads") { return .listMultipartUploads }
                if has("versions") { return .listObjectVersions }
                if has("location") { return .getBucketLocation }
                if has("acl") { return .getBucketAcl }
                if has("policy") { return .getBucketPolicy }
                if has("cors") { return .getBucketCors }
                if has("notification") { return .getBucketNotificationConfiguration }
                if let other = query.first(where: { bucketConfiguration.contains($0.name) }) {
                    throw refused("GET ?\(other.name)")
                }
                return .listObjects
            case "HEAD":
                return .headBucket
            case "POST" where has("delete"):
                return .deleteObjects
            default:
                throw refused("\(method) on the bucket")
            }
        }
        switch method {
        case "GET":
            if has("uploadId") { return .listParts }
            if has("tagging") { return .getObjectTagging }
            if has("acl") { return .getObjectAcl }
            if has("attributes") { return .getObjectAttributes }
            if has("retention") { return .getObjectRetention }
            if has("legal-hold") { return .getObjectLegalHold }
            return .getObject
        case "HEAD":
            return .headObject
        case "PUT":
            if has("uploadId") { return hasCopySource ? .uploadPartCopy : .uploadPart }
            if has("tagging") { return .putObjectTagging }
            if has("acl") { return .putObjectAcl }
            if has("retention") { return .putObjectRetention }
            if has("legal-hold") { return .putObjectLegalHold }
            return hasCopySource ? .copyObject : .putObject
        case "POST":
            if has("uploads") { return .createMultipartUpload }
            if has("uploadId") { return .completeMultipartUpload }
            if has("restore") { return .restoreObject }
            throw refused("POST on an object (browser-based uploads)")
        case "DELETE":
            if has("uploadId") { return .abortMultipartUpload }
            if has("tagging") { return .deleteObjectTagging }
            return .deleteObject
        default:
            throw S3Error.methodNotAllowed.because("The method \(method) is not allowed against this resource.")
        }
    }

    /// Sub-resources that configure a bucket; none of them can be read or changed through an access point.
    static let bucketConfiguration: Set<String> = [
        "lifecycle", "replication", "website", "logging", "encryption", "tagging", "versioning", "accelerate",
        "requestPayment", "analytics", "inventory", "metrics", "intelligent-tiering", "ownershipControls",
        "publicAccessBlock", "object-lock", "policyStatus",
    ]

    private static func refused(_ what: String) -> S3Error {
        S3Error.methodNotAllowed.because(
            "\(what) is a bucket operation that access points do not support; use the bucket's own endpoint."
        )
    }
}
