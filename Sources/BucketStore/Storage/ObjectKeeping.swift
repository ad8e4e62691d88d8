internal import AccessPointCore
internal import S3HTTP

/// How S3 says it keeps an object: its storage class and its server-side encryption, chosen by the write that made
/// it (PutObject, CreateMultipartUpload, CopyObject) and given back on every read of it.
///
/// The store keeps bytes on a local disk and moves nothing between classes; what it emulates is the wire: S3 has
/// encrypted every new object since 2023 (SSE-S3, `AES256`, unless the write asks for SSE-KMS) and says so on
/// every write and read, and it names an object's class on GET and HEAD (unless STANDARD) and in every listing.
/// Terraform's `aws_s3_object` and the SDKs read these back, so an object written with them must read back the same.
struct ObjectKeeping: Sendable, Equatable {
    /// nil for STANDARD, which GET and HEAD do not name.
    var storageClass: String?
    var encryption = "AES256"
    /// The KMS key an SSE-KMS write named; S3 names the account's AWS-managed key otherwise, which a lab has not.
    var kmsKeyID: String?
    var bucketKeyEnabled = false

    /// The classes whose objects read back at once. The archive classes (GLACIER, DEEP_ARCHIVE) need a restore
    /// before a read, which the store does not emulate, so a write naming one is NotImplemented.
    static let readableClasses: Set<String> = [
        "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR",
    ]
    static let archiveClasses: Set<String> = ["GLACIER", "DEEP_ARCHIVE"]
    static let encryptions: Set<String> = ["AES256", "aws:kms", "aws:kms:dsse"]

    /// What a write's fields ask for, checked as S3 checks them.
    static func requested(by headers: S3Headers) throws(S3Error) -> ObjectKeeping {
        var keeping = ObjectKeeping()
        if let value = headers["x-amz-storage-class"] {
            if archiveClasses.contains(value) {
                throw .notImplemented.because(
                    "The embedded store does not emulate the archive storage classes (GLACIER, DEEP_ARCHIVE): their objects need a restore before a read."
                )
            }
            guard readableClasses.contains(value) else {
                throw .invalidStorageClass.adding("StorageClassRequested", value)
            }
            keeping.storageClass = value == "STANDARD" ? nil : value
        }
        if headers["x-amz-server-side-encryption-customer-algorithm"] != nil {
            throw .notImplemented.because(
                "The embedded store does not support server-side encryption with customer-provided keys (SSE-C)."
            )
        }
        if let value = headers["x-amz-server-side-encryption"] {
            guard encryptions.contains(value) else {
                throw .invalidArgument.because("The encryption method specified is not supported").adding(
                    "ArgumentName",
                    "x-amz-server-side-encryption"
                ).adding("ArgumentValue", value)
            }
            keeping.encryption = value
        }
        let isKMS = keeping.encryption.hasPrefix("aws:kms")
        if let key = headers["x-amz-server-side-encryption-aws-kms-key-id"] {
            guard isKMS else {
                throw .invalidArgument.because(
                    "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms"
                ).adding("ArgumentName", "x-amz-server-side-encryption")
            }
            keeping.kmsKeyID = key
        }
        if let value = headers["x-amz-server-side-encryption-bucket-key-enabled"] {
            guard let enabled = Bool(value.lowercased()) else {
                throw .invalidArgument.because("Invalid value for x-amz-server-side-encryption-bucket-key-enabled")
                    .adding("ArgumentName", "x-amz-server-side-encryption-bucket-key-enabled")
            }
            keeping.bucketKeyEnabled = enabled && isKMS
        }
        return keeping
    }

    /// Whether a write's fields name a class or an encryption at all: a copy of an object onto itself is allowed
    /// when it changes either, as S3 allows it.
    static func isNamed(in headers: S3Headers) -> Bool {
        headers["x-amz-storage-class"] != nil || headers["x-amz-server-side-encryption"] != nil
    }

    /// The class as listings and GetObjectAttributes name it.
    var listedClass: String { storageClass ?? "STANDARD" }

    /// The encryption fields of every write's and read's answer.
    func addEncryption(to headers: inout S3Headers) {
        headers.add(name: "x-amz-server-side-encryption", value: encryption)
        if let kmsKeyID { headers.add(name: "x-amz-server-side-encryption-aws-kms-key-id", value: kmsKeyID) }
        if bucketKeyEnabled { headers.add(name: "x-amz-server-side-encryption-bucket-key-enabled", value: "true") }
    }

    /// A GET's or HEAD's fields: the encryption, and the class unless STANDARD.
    func addReadFields(to headers: inout S3Headers) {
        addEncryption(to: &headers)
        if let storageClass { headers.add(name: "x-amz-storage-class", value: storageClass) }
    }

    /// The record fields it is kept in (see `ObjectRecord.encoded()`); none for S3's defaults.
    var encodedFields: [(String, String)] {
        var fields: [(String, String)] = []
        if let storageClass { fields.append(("storage-class", storageClass)) }
        if encryption != "AES256" { fields.append(("sse", encryption)) }
        if let kmsKeyID { fields.append(("sse-kms-key", kmsKeyID)) }
        if bucketKeyEnabled { fields.append(("sse-bucket-key", "true")) }
        return fields
    }

    /// Reads one of `encodedFields`; false for a name that is not one.
    mutating func decode(_ name: String, _ value: String) -> Bool {
        switch name {
        case "storage-class": storageClass = value
        case "sse": encryption = value
        case "sse-kms-key": kmsKeyID = value
        case "sse-bucket-key": bucketKeyEnabled = value == "true"
        default: return false
        }
        return true
    }
}
