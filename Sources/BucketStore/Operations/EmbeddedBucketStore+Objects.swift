internal import AccessPointCore
internal import Crypto
internal import S3Auth
internal import S3HTTP

extension EmbeddedBucketStore {
    /// PutObject: the body streams to a temporary file, which replaces the object only once it is complete.
    func putObject(
        _ key: String,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error) -> S3Response {
        var record = try newRecord(key, from: request.headers)
        let received = try await receive(request, in: storage, computing: Self.checksumToCompute(request))
        record.size = received.size
        record.etag = Hex.encode(received.md5)
        record.checksum = Self.objectChecksum(request, received)
        try await finish(received.file, with: record)
        try await storage.commit(received.file, record: record, check: Self.writeConditions(request.headers))
        var headers = S3ErrorRenderer.headers(id: request.id)
        headers.add(name: "ETag", value: "\"\(record.etag)\"")
        Self.addChecksum(of: record, to: &headers)
        record.keeping.addEncryption(to: &headers)
        return S3Response(status: 200, headers: headers)
    }

    /// GetObject and HeadObject: conditions, then the range, then the bytes, read from the file as they are sent.
    func getObject(
        _ key: String,
        _ request: BucketRequest,
        _ storage: BucketStorage,
        head: Bool
    ) async throws(S3Error) -> S3Response {
        let (file, record) = try await storage.open(key)
        try record.keeping.checkCustomerKey(Self.customerKey(request.headers))
        var headers = S3ErrorRenderer.headers(id: request.id)
        headers.add(name: "Last-Modified", value: HTTPDate.headerValue(milliseconds: record.lastModified))
        headers.add(name: "ETag", value: "\"\(record.etag)\"")
        switch ReadConditions.evaluate(
            { request.headers[$0] },
            etag: record.etag,
            lastModified: record.lastModified / 1000
        ) {
        case .proceed: break
        case .notModified: return S3Response(status: 304, headers: headers)
        case .preconditionFailed: throw .preconditionFailed.adding("Condition", Self.failedCondition(request.headers))
        }
        let range = try Self.requestedRange(request, record)
        if request.queryValue("partNumber") != nil, !record.partSizes.isEmpty {
            headers.add(name: "x-amz-mp-parts-count", value: String(record.partSizes.count))
        }
        let (status, offset, length): (Int, Int64, Int64) =
            switch range {
            case .whole: (200, 0, record.size)
            case .partial(let first, let last): (206, first, last - first + 1)
            case .unsatisfiable:
                throw .invalidRange.adding("RangeRequested", request.headers["Range"] ?? "").adding(
                    "ActualObjectSize",
                    String(record.size)
                )
            }
        if case .partial(let first, let last) = range {
            headers.add(name: "Content-Range", value: "bytes \(first)-\(last)/\(record.size)")
        }
        headers.add(name: "Accept-Ranges", value: "bytes")
        record.keeping.addReadFields(to: &headers)
        for (name, override) in Self.responseOverrides {
            if let value = request.queryValue(override) ?? record.contentHeader(name) {
                headers.add(name: name, value: value)
            } else if name == "Content-Type" {
                headers.add(name: name, value: "binary/octet-stream")
            }
        }
        // The checksum, when the client asks for it (botocore does, to check what it reads): the object's, for
        // all of it; a part's, for a part of a multipart object that kept them; none for any other range.
        if request.headers["x-amz-checksum-mode"]?.trimmingSpaces.uppercased() == "ENABLED" {
            if let part = request.queryValue("partNumber").flatMap({ Int64(digits: $0) }),
                !record.partChecksums.isEmpty,
                let checksum = record.checksum, record.partChecksums.indices.contains(Int(part) - 1)
            {
                headers.add(name: checksum.name, value: record.partChecksums[Int(part) - 1])
                headers.add(name: "x-amz-checksum-type", value: record.checksumType)
            } else if length == record.size {
                Self.addChecksum(of: record, to: &headers)
            }
        }
        if let redirect = record.contentHeader("x-amz-website-redirect-location") {
            headers.add(name: "x-amz-website-redirect-location", value: redirect)
        }
        for field in record.metadata { headers.add(name: "x-amz-meta-" + field.name, value: field.value) }
        if !record.tags.isEmpty { headers.add(name: "x-amz-tagging-count", value: String(record.tags.count)) }
        headers.add(name: "Content-Length", value: String(length))
        guard !head, length > 0 else { return S3Response(status: status, headers: headers) }
        return S3Response(
            status: status,
            headers: headers,
            body: S3Body(length: Int(length), stream: FileChunks(file: file, offset: offset, length: length))
        )
    }

    /// The bytes a GET or HEAD asks for: a `Range` header, or a `partNumber` (1 to 10,000; a part of a multipart
    /// object, or all of any other object as its part 1), never both.
    static func requestedRange(_ request: BucketRequest, _ record: ObjectRecord) throws(S3Error) -> ByteRange {
        guard let text = request.queryValue("partNumber") else {
            return ByteRange.resolve(request.headers["Range"], size: record.size)
        }
        guard let number = Int64(digits: text), (1...10_000).contains(number) else {
            throw .invalidArgument.because("Part number must be an integer between 1 and 10000, inclusive").adding(
                "ArgumentName",
                "partNumber"
            ).adding("ArgumentValue", text)
        }
        guard request.headers["Range"] == nil else {
            throw .invalidRequest.because("Cannot specify both Range header and partNumber query parameter")
        }
        let sizes = record.partSizes.isEmpty ? [record.size] : record.partSizes
        guard number <= sizes.count else {
            throw .invalidPartNumber.adding("PartNumberRequested", text).adding("ActualPartCount", String(sizes.count))
        }
        let first = sizes.prefix(Int(number) - 1).reduce(0, +)
        let size = sizes[Int(number) - 1]
        // An empty part is the whole of an empty object: nothing to range over.
        return size == 0 ? .whole : .partial(first: first, last: first + size - 1)
    }

    /// The stored headers and the query parameters that override them in a GET response.
    static let responseOverrides = [
        ("Content-Type", "response-content-type"), ("Content-Language", "response-content-language"),
        ("Expires", "response-expires"), ("Cache-Control", "response-cache-control"),
        ("Content-Disposition", "response-content-disposition"),
        ("Content-Encoding", "response-content-encoding"),
    ]

    static func failedCondition(_ headers: S3Headers) -> String {
        headers["If-Match"] != nil ? "If-Match" : "If-Unmodified-Since"
    }

    /// DeleteObject: 204 whether or not the key existed, as S3 answers for unversioned buckets; with `If-Match`
    /// (an ETag, or `*`: any), a conditional delete of only that object.
    func deleteObject(
        _ key: String,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error) -> S3Response {
        try await storage.delete(key, check: Self.deleteCondition(ifMatch: request.headers["If-Match"]))
        return empty(request, status: 204)
    }

    /// A conditional delete's check (S3's "conditional deletes"): with an `If-Match` ETag or `*`, the object must
    /// be there (404 NoSuchKey) and match (412 PreconditionFailed); without one, nothing is checked.
    static func deleteCondition(ifMatch: String?) -> (ObjectSummary?) -> S3Error? {
        guard let ifMatch else { return { _ in nil } }
        return { current in
            guard let current else { return .noSuchKey }
            return ReadConditions.matches(ifMatch, etag: current.etag) ? nil : .preconditionFailed
        }
    }

    /// CopyObject: the source's bytes (and, with the COPY directive, its metadata) into a new object.
    func copyObject(
        _ key: String,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error) -> S3Response {
        let (sourceStorage, sourceKey) = try copySource(request)
        let metadataDirective = try Self.directive(request.headers["x-amz-metadata-directive"], "metadata")
        let taggingDirective = try Self.directive(request.headers["x-amz-tagging-directive"], "tagging")
        if sourceStorage === storage, sourceKey == key, metadataDirective == "COPY",
            !ObjectKeeping.isNamed(in: request.headers)
        {
            throw .invalidRequest.because(
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."
            )
        }
        let (source, sourceRecord) = try await sourceStorage.open(sourceKey)
        try sourceRecord.keeping.checkCustomerKey(Self.customerKey(request.headers, ofCopySource: true))
        try Self.checkCopySourceConditions(request.headers, sourceRecord)
        var record = try newRecord(key, from: request.headers)
        if metadataDirective == "COPY" {
            record.contentHeaders = sourceRecord.contentHeaders
            record.metadata = sourceRecord.metadata
        }
        if taggingDirective == "COPY" { record.tags = sourceRecord.tags }
        // The copy's checksum, of its bytes: the algorithm the request names, else the source's, else the default.
        let algorithm =
            try Self.copyChecksumAlgorithm(request.headers)
            ?? sourceRecord.checksum.flatMap { ChecksumAlgorithm(headerName: $0.name) } ?? Self.defaultChecksum
        let file = try await createTemporaryFile(in: storage)
        var md5 = Insecure.MD5()
        var checksum: RunningChecksum? = RunningChecksum(algorithm)
        try await copy(source, length: sourceRecord.size, to: file, md5: &md5, checksum: &checksum)
        record.size = sourceRecord.size
        record.etag = Hex.encode(md5.finalize())
        record.checksum = checksum.map { ObjectRecord.Field(name: algorithm.headerName, value: $0.base64) }
        try await finish(file, with: record)
        try await storage.commit(file, record: record, check: Self.writeConditions(request.headers))
        var writer = XMLWriter(root: "CopyObjectResult")
        writer.element("LastModified", HTTPDate.iso8601(milliseconds: record.lastModified))
        writer.element("ETag", "\"\(record.etag)\"")
        Self.writeChecksum(record.checksum, type: record.checksumType, into: &writer)
        writer.close("CopyObjectResult")
        var response = xml(writer, request)
        record.keeping.addEncryption(to: &response.headers)
        return response
    }

    /// The MD5 of the SSE-C key a request gives for the object it names, or with `ofCopySource` for its copy source.
    static func customerKey(_ headers: S3Headers, ofCopySource: Bool = false) throws(S3Error) -> String? {
        try ObjectKeeping.customerKey(in: headers, ofCopySource ? .copySource : .object)
    }

    /// The bucket and key `x-amz-copy-source` names: `bucket/key` or `/bucket/key`, URL-encoded, perhaps with
    /// `?versionId=null`.
    func copySource(_ request: BucketRequest) throws(S3Error) -> (BucketStorage, String) {
        var source = Substring(request.headers["x-amz-copy-source"] ?? "")
        if let question = source.firstIndex(of: "?") {
            let version = source[source.index(after: question)...]
            guard version == "versionId=null" else {
                throw .invalidArgument.because("Invalid version id specified").adding("ArgumentName", "versionId")
            }
            source = source[..<question]
        }
        if source.hasPrefix("/") { source = source.dropFirst() }
        guard let decoded = PercentDecoding.decode(String(source)), let slash = decoded.firstIndex(of: "/") else {
            throw .invalidArgument.because("Invalid copy source object key").adding("ArgumentName", "x-amz-copy-source")
        }
        let bucket = String(decoded[..<slash])
        let key = String(decoded[decoded.index(after: slash)...])
        guard !key.isEmpty, key.utf8.count <= BucketOperation.maximumKeyLength else {
            throw .invalidArgument.because("Invalid copy source object key").adding("ArgumentName", "x-amz-copy-source")
        }
        guard let storage = buckets[bucket] else { throw .noSuchBucket.adding("BucketName", bucket) }
        return (storage, key)
    }

    static func directive(_ value: String?, _ kind: String) throws(S3Error) -> String {
        let directive = value?.uppercased() ?? "COPY"
        guard directive == "COPY" || directive == "REPLACE" else {
            throw .invalidArgument.because("Unknown \(kind) directive.")
        }
        return directive
    }

    /// `x-amz-copy-source-if-…`: every failed condition is 412, even the ones that would be 304 on a GET.
    static func checkCopySourceConditions(_ headers: S3Headers, _ record: ObjectRecord) throws(S3Error) {
        let outcome = ReadConditions.evaluate(
            { headers[$0] },
            names: .copySource,
            etag: record.etag,
            lastModified: record.lastModified / 1000
        )
        if outcome != .proceed { throw .preconditionFailed }
    }
}
