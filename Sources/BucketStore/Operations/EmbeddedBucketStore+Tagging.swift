internal import AccessPointCore
internal import Crypto
internal import S3HTTP

extension EmbeddedBucketStore {
    /// The largest XML body the store reads (DeleteObjects names up to 1000 keys of up to 1024 bytes each).
    static let maximumXMLBodySize = 8 * 1024 * 1024

    func getObjectTagging(
        _ key: String,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error) -> S3Response {
        let (_, record) = try await storage.open(key)
        var writer = XMLWriter(root: "Tagging")
        writer.element("TagSet") { tagSet in
            for tag in record.tags {
                tagSet.element("Tag") { element in
                    element.element("Key", tag.name)
                    element.element("Value", tag.value)
                }
            }
        }
        writer.close("Tagging")
        return xml(writer, request)
    }

    func putObjectTagging(
        _ key: String,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error) -> S3Response {
        let document = try await xmlBody(request, root: "Tagging")
        guard let tagSet = document.child("TagSet") else { throw .malformedXML }
        var tags: [ObjectRecord.Field] = []
        for tag in tagSet.children(named: "Tag") {
            guard let name = tag.child("Key")?.text, let value = tag.child("Value")?.text else { throw .malformedXML }
            tags.append(ObjectRecord.Field(name: name, value: value))
        }
        try Self.validate(tags)
        try await rewrite(key, in: storage) { $0.tags = tags }
        return empty(request, status: 200)
    }

    func deleteObjectTagging(
        _ key: String,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error) -> S3Response {
        try await rewrite(key, in: storage) { $0.tags = [] }
        return empty(request, status: 204)
    }

    /// Changes an object's record without changing its bytes, ETag or Last-Modified: a new file with the same
    /// bytes and the changed record replaces the old one, but only if the object was not replaced meanwhile
    /// (otherwise the change is applied again to the newer object).
    func rewrite(
        _ key: String,
        in storage: BucketStorage,
        change: (inout ObjectRecord) -> Void
    ) async throws(S3Error) {
        for _ in 0..<5 {
            let (source, current) = try await storage.open(key)
            var record = current
            change(&record)
            record.version = Hex.random(byteCount: 16)
            let file = try await createTemporaryFile(in: storage)
            var md5 = Insecure.MD5()
            try await copy(source, length: current.size, to: file, md5: &md5)
            try await finish(file, with: record)
            do {
                try await storage.commit(file, record: record) { latest in
                    guard let latest else { return .noSuchKey }
                    return latest.version == current.version ? nil : .slowDown
                }
                return
            } catch  where error == .slowDown {
                continue
            }
        }
        throw .slowDown
    }

    /// S3's tag rules: at most 10 tags, keys of 1–128 and values of at most 256 characters, keys unique and not
    /// starting with `aws:`.
    static func validate(_ tags: [ObjectRecord.Field]) throws(S3Error) {
        guard tags.count <= 10 else { throw .invalidTag.because("Object tags cannot be greater than 10") }
        var seen: Set<String> = []
        for tag in tags {
            guard (1...128).contains(tag.name.count) else {
                throw .invalidTag.because("The TagKey you have provided is invalid").adding("TagKey", tag.name)
            }
            guard tag.value.count <= 256 else {
                throw .invalidTag.because("The TagValue you have provided is invalid").adding("TagKey", tag.name)
            }
            guard !tag.name.hasPrefix("aws:") else {
                throw .invalidTag.because("Your TagKey cannot be prefixed with aws:").adding("TagKey", tag.name)
            }
            guard seen.insert(tag.name).inserted else {
                throw .invalidTag.because("Cannot provide multiple Tags with the same key").adding("TagKey", tag.name)
            }
        }
    }

    /// Tags given as `x-amz-tagging: k1=v1&k2=v2` (URL-encoded), validated as PutObjectTagging's are.
    static func tags(fromQuery text: String) throws(S3Error) -> [ObjectRecord.Field] {
        var tags: [ObjectRecord.Field] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(String(parts[0])),
                let value = PercentDecoding.decode(parts.count > 1 ? String(parts[1]) : "")
            else {
                throw .invalidArgument.because(
                    "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates."
                )
            }
            tags.append(ObjectRecord.Field(name: name, value: value))
        }
        try validate(tags)
        return tags
    }

    /// A request's XML body, parsed; its root element must be `root`.
    func xmlBody(_ request: BucketRequest, root: String) async throws(S3Error) -> ParsedXML {
        let document = try XMLDocumentParser.parse(try await xmlBodyBytes(request))
        guard document.name == root else { throw .malformedXML }
        return document
    }

    /// The bytes of an XML body, at most `maximumXMLBodySize`, checked against its `Content-MD5` if it has one.
    func xmlBodyBytes(_ request: BucketRequest) async throws(S3Error) -> [UInt8] {
        guard let bytes = try await request.body.collectedBytes(upTo: Self.maximumXMLBodySize) else {
            throw .malformedXML.because("The XML you provided was larger than the maximum allowed")
        }
        if let header = request.headers["Content-MD5"] {
            guard let digest = Base64.decode(header.trimmingSpaces), digest.count == 16 else { throw .invalidDigest }
            guard Digest.md5(bytes) == digest else { throw .badDigest }
        }
        return bytes
    }
}
