internal import AccessPointCore
internal import S3Auth
internal import S3HTTP

// The sub-resources a bucket made by S3 today answers without any configuration of its own: it is unversioned,
// its ACLs are disabled (Object Ownership "bucket owner enforced"), it has no Object Lock, and every object is in
// STANDARD. Clients and tools read these (the aws CLI's `s3api`, SDKs, Terraform's provider) and get S3's answers.

extension EmbeddedBucketStore {
    /// GetObjectAcl and GetBucketAcl: with ACLs disabled, always the owner's full control.
    func getACL(_ key: String?, _ request: BucketRequest, _ storage: BucketStorage) throws(S3Error) -> S3Response {
        if let key { _ = try summary(key, in: storage) }
        var writer = XMLWriter(root: "AccessControlPolicy")
        StoreOwner.write("Owner", into: &writer)
        writer.element("AccessControlList") { list in
            list.element("Grant") { grant in
                grant.open("Grantee", attributes: Self.canonicalUserGrantee)
                grant.element("ID", StoreOwner.id)
                grant.element("DisplayName", StoreOwner.displayName)
                grant.close("Grantee")
                grant.element("Permission", "FULL_CONTROL")
            }
        }
        writer.close("AccessControlPolicy")
        return xml(writer, request)
    }

    /// PutObjectAcl and PutBucketAcl: with ACLs disabled, only the ACL that is already there (the owner's full
    /// control, canned or as a document) is accepted, and changes nothing.
    func putACL(
        _ key: String?,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error)
        -> S3Response
    {
        if let key { _ = try summary(key, in: storage) }
        guard BucketOperation.asksForOwnerFullControlAtMost(request.headers) else {
            throw .accessControlListNotSupported
        }
        let canned = request.headers["x-amz-acl"] != nil
        let body = try await xmlBodyBytes(request)
        if body.isEmpty {
            // Neither a canned ACL nor a document: S3 asks for the header.
            guard canned else { throw .missingSecurityHeader.adding("MissingHeaderName", "x-amz-acl") }
        } else {
            guard !canned else { throw .unexpectedContent }
            guard Self.grantsOwnerFullControlOnly(try XMLDocumentParser.parse(body)) else {
                throw .accessControlListNotSupported
            }
        }
        return empty(request, status: 200)
    }

    /// An `AccessControlPolicy` whose every grant is FULL_CONTROL to the store's owner, by canonical ID.
    static func grantsOwnerFullControlOnly(_ document: ParsedXML) -> Bool {
        guard document.name == "AccessControlPolicy", let list = document.child("AccessControlList") else {
            return false
        }
        let grants = list.children(named: "Grant")
        return !grants.isEmpty
            && grants.allSatisfy { grant in
                grant.child("Permission")?.text.trimmingSpaces == "FULL_CONTROL"
                    && grant.child("Grantee")?.child("ID")?.text.trimmingSpaces == StoreOwner.id
            }
    }

    /// GetObjectAttributes: what `x-amz-object-attributes` asks for, of ETag, Checksum (when the upload declared
    /// one), ObjectParts (a multipart object's part count; none for others), StorageClass and ObjectSize.
    func getObjectAttributes(
        _ key: String,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error) -> S3Response {
        let asked = try Self.objectAttributes(request.headers["x-amz-object-attributes"])
        let (_, object) = try await storage.open(key)
        try object.keeping.checkCustomerKey(Self.customerKey(request.headers))
        var writer = XMLWriter(root: "GetObjectAttributesResponse")
        if asked.contains("ETag") { writer.element("ETag", object.etag) }
        if asked.contains("Checksum"), object.checksum != nil {
            writer.element("Checksum") { Self.writeChecksum(object.checksum, type: object.checksumType, into: &$0) }
        }
        if asked.contains("ObjectParts"), let parts = Self.partCount(etag: object.etag) {
            try Self.writeObjectParts(of: object, count: parts, request, into: &writer)
        }
        if asked.contains("StorageClass") { writer.element("StorageClass", object.keeping.listedClass) }
        if asked.contains("ObjectSize") { writer.element("ObjectSize", object.size) }
        writer.close("GetObjectAttributesResponse")
        var response = xml(writer, request)
        response.headers.add(name: "Last-Modified", value: HTTPDate.headerValue(milliseconds: object.lastModified))
        return response
    }

    static let objectAttributeNames: Set<String> = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]

    /// The attributes of an `x-amz-object-attributes` value (comma-separated, at least one, each known).
    static func objectAttributes(_ header: String?) throws(S3Error) -> Set<String> {
        let names = (header ?? "").split(separator: ",").map(\.trimmingSpaces).filter { !$0.isEmpty }
        guard !names.isEmpty else {
            throw .invalidRequest.because(
                "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty"
            )
        }
        guard let unknown = names.first(where: { !objectAttributeNames.contains($0) }) else { return Set(names) }
        throw .invalidArgument.because("Invalid attribute name specified.").adding(
            "ArgumentName",
            "x-amz-object-attributes"
        )
        .adding("ArgumentValue", unknown)
    }

    /// GetObjectAttributes' ObjectParts: the part count, and the parts with their sizes and checksums when the
    /// object kept its parts' checksums, paged by `x-amz-max-parts` and `x-amz-part-number-marker`.
    static func writeObjectParts(
        of object: ObjectRecord,
        count: Int,
        _ request: BucketRequest,
        into writer: inout XMLWriter
    ) throws(S3Error) {
        let maxParts = try headerInteger(request, "x-amz-max-parts") ?? 1_000
        let marker = try headerInteger(request, "x-amz-part-number-marker") ?? 0
        let algorithm = object.checksum.flatMap { ChecksumAlgorithm(headerName: $0.name) }
        let listed = object.partChecksums.count == object.partSizes.count ? object.partChecksums.count : 0
        let page = Array(min(marker, listed)..<min(marker + maxParts, listed))
        writer.element("ObjectParts") { element in
            element.element("PartsCount", count)
            guard let algorithm, listed > 0 else { return }
            element.element("PartNumberMarker", marker)
            element.element("NextPartNumberMarker", (page.last ?? marker - 1) + 1)
            element.element("MaxParts", maxParts)
            element.element("IsTruncated", (page.last ?? listed) + 1 < listed)
            for index in page {
                element.element("Part") { part in
                    part.element("PartNumber", index + 1)
                    part.element("Size", object.partSizes[index])
                    part.element(algorithm.elementName, object.partChecksums[index])
                }
            }
        }
    }

    /// A non-negative integer header (`x-amz-max-parts`), or nil when absent.
    static func headerInteger(_ request: BucketRequest, _ name: String) throws(S3Error) -> Int? {
        guard let text = request.headers[name] else { return nil }
        guard let value = Int64(digits: text.trimmingSpaces), value <= 100_000 else {
            throw .invalidArgument.because("Provided \(name) not an integer or within integer range")
                .adding("ArgumentName", name).adding("ArgumentValue", text)
        }
        return Int(value)
    }

    /// The part count in a multipart ETag (`digest-N`); nil for an ETag that is a plain MD5.
    static func partCount(etag: String) -> Int? {
        guard let dash = etag.lastIndex(of: "-") else { return nil }
        return Int(etag[etag.index(after: dash)...])
    }

    /// ListObjectVersions of an unversioned bucket: every object is its one version, `null`, the latest; keys,
    /// prefixes, delimiter and paging as ListObjects (`key-marker` for `marker`).
    func listObjectVersions(_ request: BucketRequest, _ storage: BucketStorage) throws(S3Error) -> S3Response {
        let listing = try ListingQuery(request, limit: "max-keys")
        let (prefix, delimiter, encode, maxKeys) = (listing.prefix, listing.delimiter, listing.encode, listing.limit)
        let keyMarker = request.queryValue("key-marker") ?? ""
        let versionMarker = request.queryValue("version-id-marker") ?? ""
        if !versionMarker.isEmpty {
            guard !keyMarker.isEmpty else {
                throw .invalidArgument.because("A version-id marker cannot be specified without a key marker.")
                    .adding("ArgumentName", "version-id-marker").adding("ArgumentValue", versionMarker)
            }
            guard versionMarker == "null" else {
                throw .invalidArgument.because("Invalid version id specified").adding(
                    "ArgumentName",
                    "version-id-marker"
                )
                .adding("ArgumentValue", versionMarker)
            }
        }
        let page = storage.readIndex { index in
            Self.page(
                index,
                prefix: prefix,
                delimiter: delimiter,
                after: Array(keyMarker.utf8),
                skipping: Self.rolledUpMarker(keyMarker, prefix: prefix, delimiter: delimiter),
                limit: maxKeys
            )
        }
        var writer = XMLWriter(root: "ListVersionsResult")
        writer.element("Name", storage.name)
        writer.element("Prefix", encode(prefix))
        writer.element("KeyMarker", encode(keyMarker))
        writer.element("VersionIdMarker", versionMarker)
        if page.isTruncated, let last = page.last {
            writer.element("NextKeyMarker", encode(last.value))
            if !last.isPrefix { writer.element("NextVersionIdMarker", "null") }
        }
        writer.element("MaxKeys", maxKeys)
        if let delimiter { writer.element("Delimiter", encode(delimiter)) }
        listing.writeEncodingType(into: &writer)
        writer.element("IsTruncated", page.isTruncated)
        for object in page.objects {
            writer.element("Version") { version in
                version.element("Key", encode(object.key))
                version.element("VersionId", "null")
                version.element("IsLatest", true)
                version.element("LastModified", HTTPDate.iso8601(milliseconds: object.lastModified))
                version.element("ETag", "\"\(object.etag)\"")
                object.writeChecksum(into: &version)
                version.element("Size", object.size)
                StoreOwner.write("Owner", into: &version)
                version.element("StorageClass", object.storageClass)
            }
        }
        for commonPrefix in page.commonPrefixes {
            writer.element("CommonPrefixes") { $0.element("Prefix", encode(commonPrefix)) }
        }
        writer.close("ListVersionsResult")
        return xml(writer, request)
    }

    /// RestoreObject: only archived objects can be restored, and this store has none.
    func restoreObject(_ key: String, _ request: BucketRequest, _ storage: BucketStorage) throws(S3Error) -> S3Response
    {
        let object = try summary(key, in: storage)
        throw .invalidObjectState.because("Restore is not allowed for the object's current storage class")
            .adding("StorageClass", object.storageClass)
    }

    /// The document S3 answers when a bucket has none of a configuration: its root element, empty.
    func emptyConfiguration(_ root: String, _ request: BucketRequest) -> S3Response {
        var writer = XMLWriter(root: root)
        writer.close(root)
        return xml(writer, request)
    }

    /// The object's listing entry, or NoSuchKey.
    func summary(_ key: String, in storage: BucketStorage) throws(S3Error) -> ObjectSummary {
        guard let summary = storage.summary(of: key) else { throw .noSuchKey.adding("Key", key) }
        return summary
    }

    static let canonicalUserGrantee = [
        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"), ("xsi:type", "CanonicalUser"),
    ]
}
