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
    /// SSE-C: the base64 MD5 of the key the write was given (never the key), which every read must give again. The
    /// lab does not encrypt: it holds reads to the key as S3 does.
    var customerKeyMD5: String?

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
        if let customerKey = try customerKey(in: headers, CustomerKeyFields.object) {
            guard headers["x-amz-server-side-encryption"] == nil else {
                throw .invalidArgument.because(
                    "Server Side Encryption with Customer provided key is incompatible with the encryption method specified"
                ).adding("ArgumentName", "x-amz-server-side-encryption")
            }
            keeping.customerKeyMD5 = customerKey
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

    /// The names of the three SSE-C fields, made once: a GET asks for them on every read.
    struct CustomerKeyFields: Sendable {
        let algorithm: String
        let key: String
        let keyMD5: String

        init(prefix: String) {
            algorithm = prefix + "algorithm"
            key = prefix + "key"
            keyMD5 = prefix + "key-MD5"
        }

        /// The object's key (`x-amz-server-side-encryption-customer-…`) and a copy source's
        /// (`x-amz-copy-source-server-side-encryption-customer-…`).
        static let object = CustomerKeyFields(prefix: "x-amz-server-side-encryption-customer-")
        static let copySource = CustomerKeyFields(prefix: "x-amz-copy-source-server-side-encryption-customer-")
    }

    /// The MD5 of the customer-provided key `fields` give, checked as S3 checks them: AES256, a 256-bit key, its
    /// MD5 given right. Nil when the fields name no key.
    static func customerKey(in headers: S3Headers, _ fields: CustomerKeyFields) throws(S3Error) -> String? {
        let algorithm = headers[fields.algorithm]
        let key = headers[fields.key]
        let keyMD5 = headers[fields.keyMD5]
        guard algorithm != nil || key != nil || keyMD5 != nil else { return nil }
        guard algorithm == "AES256" else {
            throw .invalidArgument.because("The encryption algorithm specified is not supported").adding(
                "ArgumentName",
                fields.algorithm
            )
        }
        guard let key, let keyMD5 else {
            throw .invalidArgument.because(
                "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key."
            ).adding("ArgumentName", fields.key)
        }
        guard let bytes = Base64.decode(key), bytes.count == 32 else {
            throw .invalidArgument.because("The secret key was invalid for the specified algorithm.").adding(
                "ArgumentName",
                fields.key
            )
        }
        guard Base64.encode(Digest.md5(bytes)) == keyMD5 else {
            throw .invalidArgument.because(
                "The calculated MD5 hash of the key did not match the hash that was provided."
            ).adding("ArgumentName", fields.keyMD5)
        }
        return keyMD5
    }

    /// A read of an object kept with `self` (GET, HEAD, GetObjectAttributes, a copy's source, a part's upload)
    /// whose SSE-C fields give `given` as the customer key: the object's key, or none for an object
    /// without one, as S3 holds it.
    func checkCustomerKey(_ given: String?) throws(S3Error) {
        switch (customerKeyMD5, given) {
        case (nil, nil): return
        case (nil, _?):
            throw .invalidRequest.because("The encryption parameters are not applicable to this object.")
        case (_?, nil):
            throw .invalidRequest.because(
                "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object."
            )
        case (let kept?, let given?):
            guard kept == given else { throw .accessDenied.because("The customer-provided key is not the object's.") }
        }
    }

    /// Whether a write's fields name a class or an encryption at all: a copy of an object onto itself is allowed
    /// when it changes either, as S3 allows it.
    static func isNamed(in headers: S3Headers) -> Bool {
        headers["x-amz-storage-class"] != nil || headers["x-amz-server-side-encryption"] != nil
            || headers["x-amz-server-side-encryption-customer-algorithm"] != nil
    }

    /// The class as listings and GetObjectAttributes name it.
    var listedClass: String { storageClass ?? "STANDARD" }

    /// The encryption fields of every write's and read's answer.
    func addEncryption(to headers: inout S3Headers) {
        if let customerKeyMD5 {
            headers.add(name: "x-amz-server-side-encryption-customer-algorithm", value: "AES256")
            headers.add(name: "x-amz-server-side-encryption-customer-key-MD5", value: customerKeyMD5)
            return
        }
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
        if let customerKeyMD5 { fields.append(("sse-customer-key-md5", customerKeyMD5)) }
        return fields
    }

    /// Reads one of `encodedFields`; false for a name that is not one.
    mutating func decode(_ name: String, _ value: String) -> Bool {
        switch name {
        case "storage-class": storageClass = value
        case "sse": encryption = value
        case "sse-kms-key": kmsKeyID = value
        case "sse-bucket-key": bucketKeyEnabled = value == "true"
        case "sse-customer-key-md5": customerKeyMD5 = value
        default: return false
        }
        return true
    }
}
