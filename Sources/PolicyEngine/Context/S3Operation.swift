/// The S3 operations an access point serves (spec §3) and the IAM action and resource level each is authorized as
/// (spec §4.1, "Action mapping").
///
/// `HeadObject` is authorized as `s3:GetObject` and `ListObjectsV2` as `s3:ListBucket` on the bucket-level
/// resource, as in Amazon S3. `CopyObject` and `UploadPartCopy` also need `s3:GetObject` on the source: the router
/// authorizes the source as a second request with `copySourceAction`. `DeleteObjects` is authorized per key.
public enum S3Operation: String, Sendable, Hashable, CaseIterable {
    case abortMultipartUpload = "AbortMultipartUpload"
    case completeMultipartUpload = "CompleteMultipartUpload"
    case createMultipartUpload = "CreateMultipartUpload"
    case uploadPart = "UploadPart"
    case uploadPartCopy = "UploadPartCopy"
    case copyObject = "CopyObject"
    case deleteObject = "DeleteObject"
    case deleteObjects = "DeleteObjects"
    case deleteObjectTagging = "DeleteObjectTagging"
    case getBucketAcl = "GetBucketAcl"
    case getBucketCors = "GetBucketCors"
    case getBucketLocation = "GetBucketLocation"
    case getBucketNotificationConfiguration = "GetBucketNotificationConfiguration"
    case getBucketPolicy = "GetBucketPolicy"
    case getObject = "GetObject"
    case getObjectAcl = "GetObjectAcl"
    case getObjectAttributes = "GetObjectAttributes"
    case getObjectLegalHold = "GetObjectLegalHold"
    case getObjectRetention = "GetObjectRetention"
    case getObjectTagging = "GetObjectTagging"
    case headBucket = "HeadBucket"
    case headObject = "HeadObject"
    case listMultipartUploads = "ListMultipartUploads"
    case listObjects = "ListObjects"
    case listObjectsV2 = "ListObjectsV2"
    case listObjectVersions = "ListObjectVersions"
    case listParts = "ListParts"
    case putObject = "PutObject"
    case putObjectAcl = "PutObjectAcl"
    case putObjectLegalHold = "PutObjectLegalHold"
    case putObjectRetention = "PutObjectRetention"
    case putObjectTagging = "PutObjectTagging"
    case restoreObject = "RestoreObject"

    /// The IAM action a policy must allow.
    public var iamAction: String {
        switch self {
        case .getObject, .headObject: "s3:GetObject"
        case .putObject, .createMultipartUpload, .uploadPart, .uploadPartCopy, .completeMultipartUpload, .copyObject:
            "s3:PutObject"
        case .deleteObject, .deleteObjects: "s3:DeleteObject"
        case .listObjects, .listObjectsV2, .headBucket: "s3:ListBucket"
        case .listObjectVersions: "s3:ListBucketVersions"
        case .listMultipartUploads: "s3:ListBucketMultipartUploads"
        case .listParts: "s3:ListMultipartUploadParts"
        case .abortMultipartUpload: "s3:AbortMultipartUpload"
        case .getObjectTagging: "s3:GetObjectTagging"
        case .putObjectTagging: "s3:PutObjectTagging"
        case .deleteObjectTagging: "s3:DeleteObjectTagging"
        case .getBucketAcl: "s3:GetBucketAcl"
        case .getBucketCors: "s3:GetBucketCORS"
        case .getBucketLocation: "s3:GetBucketLocation"
        case .getBucketNotificationConfiguration: "s3:GetBucketNotification"
        case .getBucketPolicy: "s3:GetBucketPolicy"
        case .getObjectAcl: "s3:GetObjectAcl"
        case .getObjectAttributes: "s3:GetObjectAttributes"
        case .getObjectLegalHold: "s3:GetObjectLegalHold"
        case .getObjectRetention: "s3:GetObjectRetention"
        case .putObjectAcl: "s3:PutObjectAcl"
        case .putObjectLegalHold: "s3:PutObjectLegalHold"
        case .putObjectRetention: "s3:PutObjectRetention"
        case .restoreObject: "s3:RestoreObject"
        }
    }

    /// ``iamAction`` lower-cased, as actions are matched: a constant, so a request context need not lower-case it.
    var lowercasedIAMAction: String {
        switch self {
        case .getObject, .headObject: "s3:getobject"
        case .putObject, .createMultipartUpload, .uploadPart, .uploadPartCopy, .completeMultipartUpload, .copyObject:
            "s3:putobject"
        case .deleteObject, .deleteObjects: "s3:deleteobject"
        case .listObjects, .listObjectsV2, .headBucket: "s3:listbucket"
        case .listObjectVersions: "s3:listbucketversions"
        case .listMultipartUploads: "s3:listbucketmultipartuploads"
        case .listParts: "s3:listmultipartuploadparts"
        case .abortMultipartUpload: "s3:abortmultipartupload"
        case .getObjectTagging: "s3:getobjecttagging"
        case .putObjectTagging: "s3:putobjecttagging"
        case .deleteObjectTagging: "s3:deleteobjecttagging"
        case .getBucketAcl: "s3:getbucketacl"
        case .getBucketCors: "s3:getbucketcors"
        case .getBucketLocation: "s3:getbucketlocation"
        case .getBucketNotificationConfiguration: "s3:getbucketnotification"
        case .getBucketPolicy: "s3:getbucketpolicy"
        case .getObjectAcl: "s3:getobjectacl"
        case .getObjectAttributes: "s3:getobjectattributes"
        case .getObjectLegalHold: "s3:getobjectlegalhold"
        case .getObjectRetention: "s3:getobjectretention"
        case .putObjectAcl: "s3:putobjectacl"
        case .putObjectLegalHold: "s3:putobjectlegalhold"
        case .putObjectRetention: "s3:putobjectretention"
        case .restoreObject: "s3:restoreobject"
        }
    }

    /// One bit per operation, in declaration order: a compiled statement keeps the set of operations whose action it
    /// matches (``PolicyStatement/Compiled/operations``), so a context built for an operation tests its action with
    /// one AND instead of matching patterns. At most 64 operations.
    var bit: UInt64 {
        switch self {
        case .abortMultipartUpload: 1 << 0
        case .completeMultipartUpload: 1 << 1
        case .createMultipartUpload: 1 << 2
        case .uploadPart: 1 << 3
        case .uploadPartCopy: 1 << 4
        case .copyObject: 1 << 5
        case .deleteObject: 1 << 6
        case .deleteObjects: 1 << 7
        case .deleteObjectTagging: 1 << 8
        case .getBucketAcl: 1 << 9
        case .getBucketCors: 1 << 10
        case .getBucketLocation: 1 << 11
        case .getBucketNotificationConfiguration: 1 << 12
        case .getBucketPolicy: 1 << 13
        case .getObject: 1 << 14
        case .getObjectAcl: 1 << 15
        case .getObjectAttributes: 1 << 16
        case .getObjectLegalHold: 1 << 17
        case .getObjectRetention: 1 << 18
        case .getObjectTagging: 1 << 19
        case .headBucket: 1 << 20
        case .headObject: 1 << 21
        case .listMultipartUploads: 1 << 22
        case .listObjects: 1 << 23
        case .listObjectsV2: 1 << 24
        case .listObjectVersions: 1 << 25
        case .listParts: 1 << 26
        case .putObject: 1 << 27
        case .putObjectAcl: 1 << 28
        case .putObjectLegalHold: 1 << 29
        case .putObjectRetention: 1 << 30
        case .putObjectTagging: 1 << 31
        case .restoreObject: 1 << 32
        }
    }

    /// Whether the action applies to an object (`…/object/KEY`, `bucket/KEY`) rather than the bucket itself.
    public var isObjectLevel: Bool {
        switch self {
        case .listObjects, .listObjectsV2, .listObjectVersions, .listMultipartUploads, .headBucket, .getBucketAcl,
            .getBucketCors, .getBucketLocation, .getBucketNotificationConfiguration, .getBucketPolicy:
            false
        default:
            true
        }
    }

    /// The action the copy source must also allow, for operations that read another object.
    public var copySourceAction: String? {
        switch self {
        case .copyObject, .uploadPartCopy: "s3:GetObject"
        default: nil
        }
    }
}
