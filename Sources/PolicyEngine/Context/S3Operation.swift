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
