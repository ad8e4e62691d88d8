internal import AccessPointCore
internal import Crypto
internal import S3Auth
internal import S3HTTP

extension EmbeddedBucketStore {
    /// Every part but the last must be at least this long (5 MiB), as in S3.
    static let minimumPartSize: Int64 = 5 * 1024 * 1024

    func createMultipartUpload(
        _ key: String,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error) -> S3Response {
        var record = try newRecord(key, from: request.headers)
        record.uploadChecksum = try Self.requestedUploadChecksum(request.headers)
        let upload = try await storage.createUpload(record)
        var writer = XMLWriter(root: "InitiateMultipartUploadResult")
        writer.element("Bucket", storage.name)
        writer.element("Key", key)
        writer.element("UploadId", upload.id)
        writer.close("InitiateMultipartUploadResult")
        var response = xml(writer, request)
        record.keeping.addEncryption(to: &response.headers)
        if let checksum = record.uploadChecksum {
            response.headers.add(name: "x-amz-checksum-algorithm", value: checksum.algorithm.name)
            response.headers.add(name: "x-amz-checksum-type", value: checksum.type)
        }
        return response
    }

    /// The upload `uploadID` names for `key`; upload ids are hex, so one never names a path outside `uploads/`.
    func upload(_ uploadID: String, key: String, in storage: BucketStorage) throws(S3Error) -> UploadSummary {
        guard Hex.decode(uploadID) != nil, let upload = storage.upload(uploadID, key: key) else { throw .noSuchUpload }
        return upload
    }

    static func partNumber(_ request: BucketRequest) throws(S3Error) -> Int {
        guard let text = request.queryValue("partNumber"), let number = Int64(digits: text),
            (1...10_000).contains(number)
        else {
            throw .invalidArgument.because("Part number must be an integer between 1 and 10000, inclusive").adding(
                "ArgumentName",
                "partNumber"
            )
        }
        return Int(number)
    }

    func uploadPart(
        _ key: String,
        _ uploadID: String,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error) -> S3Response {
        let number = try Self.partNumber(request)
        _ = try upload(uploadID, key: key, in: storage)
        let uploadRecord = try await storage.uploadRecord(uploadID)
        try uploadRecord.keeping.checkCustomerKey(Self.customerKey(request.headers))
        let chosen = uploadRecord.uploadChecksum
        let received = try await receive(request, in: storage)
        var record = ObjectRecord(key: key, size: received.size, etag: Hex.encode(received.md5), lastModified: now())
        record.checksum = Self.checkedChecksum(request)
        if let chosen {
            // Known for certain only once the body is read: an aws-chunked trailer names its checksum at the end.
            do throws(S3Error) {
                try Self.checkPartChecksum(record.checksum, upload: chosen.algorithm)
            } catch {
                await received.file.discard()
                throw error
            }
        }
        record.version = Hex.random(byteCount: 16)
        try await finish(received.file, with: record)
        try await storage.commitPart(received.file, uploadID: uploadID, number: number)
        var headers = S3ErrorRenderer.headers(id: request.id)
        headers.add(name: "ETag", value: "\"\(record.etag)\"")
        if let checksum = record.checksum { headers.add(name: checksum.name, value: checksum.value) }
        uploadRecord.keeping.addEncryption(to: &headers)
        return S3Response(status: 200, headers: headers)
    }

    /// UploadPartCopy: a part copied from an object, whole or the `x-amz-copy-source-range` of it.
    func uploadPartCopy(
        _ key: String,
        _ uploadID: String,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error) -> S3Response {
        let number = try Self.partNumber(request)
        _ = try upload(uploadID, key: key, in: storage)
        let (sourceStorage, sourceKey) = try copySource(request)
        let (source, sourceRecord) = try await sourceStorage.open(sourceKey)
        try sourceRecord.keeping.checkCustomerKey(Self.customerKey(request.headers, ofCopySource: true))
        try Self.checkCopySourceConditions(request.headers, sourceRecord)
        var offset: Int64 = 0
        var length = sourceRecord.size
        if let range = request.headers["x-amz-copy-source-range"] {
            guard case .partial(let first, let last) = ByteRange.resolve(range, size: sourceRecord.size),
                range.hasPrefix("bytes="), !range.dropFirst(6).hasPrefix("-"), !range.hasSuffix("-")
            else {
                throw .invalidArgument.because(
                    "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy"
                )
            }
            guard last - first + 1 == ByteRange.requestedLength(range) else {
                throw .invalidRange.because("The requested range is not satisfiable")
            }
            (offset, length) = (first, last - first + 1)
        }
        // A copied part has the checksum its upload chose, computed from the bytes.
        let uploadRecord = try await storage.uploadRecord(uploadID)
        try uploadRecord.keeping.checkCustomerKey(Self.customerKey(request.headers))
        let chosen = uploadRecord.uploadChecksum?.algorithm
        let file = try await createTemporaryFile(in: storage)
        var md5 = Insecure.MD5()
        var checksum = chosen.map(RunningChecksum.init)
        try await copy(source, offset: offset, length: length, to: file, md5: &md5, checksum: &checksum)
        var record = ObjectRecord(key: key, size: length, etag: Hex.encode(md5.finalize()), lastModified: now())
        if let chosen, let checksum {
            record.checksum = ObjectRecord.Field(name: chosen.headerName, value: checksum.base64)
        }
        record.version = Hex.random(byteCount: 16)
        try await finish(file, with: record)
        try await storage.commitPart(file, uploadID: uploadID, number: number)
        var writer = XMLWriter(root: "CopyPartResult")
        writer.element("LastModified", HTTPDate.iso8601(milliseconds: record.lastModified))
        writer.element("ETag", "\"\(record.etag)\"")
        if let checksum = record.checksum, let chosen { writer.element(chosen.elementName, checksum.value) }
        writer.close("CopyPartResult")
        var response = xml(writer, request)
        uploadRecord.keeping.addEncryption(to: &response.headers)
        return response
    }

    /// CompleteMultipartUpload: the listed parts, checked, concatenated into the object. Its ETag is the MD5 of
    /// the parts' binary MD5s followed by `-` and the number of parts, as S3's is. Its checksum is the one its
    /// upload chose: of the parts' checksums (COMPOSITE, `-N`), or of the whole object (FULL_OBJECT, computed as
    /// the parts are joined); an upload that chose none gets the default CRC-64/NVME of the whole object.
    func completeMultipartUpload(
        _ key: String,
        _ uploadID: String,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error) -> S3Response {
        _ = try upload(uploadID, key: key, in: storage)
        let document = try await xmlBody(request, root: "CompleteMultipartUpload")
        var requested: [(number: Int, etag: String, checksum: ObjectRecord.Field?)] = []
        for part in document.children(named: "Part") {
            guard let numberText = part.child("PartNumber")?.text.trimmingSpaces, let number = Int(numberText),
                let etag = part.child("ETag")?.text.trimmingSpaces
            else { throw .malformedXML }
            requested.append((number, ReadConditions.unquoted(etag), try Self.completedPartChecksum(part)))
        }
        guard !requested.isEmpty else {
            throw .malformedXML
        }
        for (previous, next) in zip(requested, requested.dropFirst()) where next.number <= previous.number {
            throw .invalidPartOrder
        }
        var record = try await storage.uploadRecord(uploadID)
        let chosen =
            record.uploadChecksum ?? UploadChecksum(algorithm: Self.defaultChecksum, fullObject: true)
        if let type = request.headers["x-amz-checksum-type"]?.trimmingSpaces, type != chosen.type {
            throw .invalidRequest.because(
                "The upload was created using the \(chosen.type) checksum mode. "
                    + "The complete request must use the same checksum mode."
            )
        }
        let stored = try await storage.parts(of: uploadID)
        var chosenParts: [(file: OpenFile, record: ObjectRecord)] = []
        for wanted in requested {
            guard let part = stored.first(where: { $0.number == wanted.number }), part.record.etag == wanted.etag,
                wanted.checksum == nil || wanted.checksum == part.record.checksum
            else {
                throw .invalidPart.adding("UploadId", uploadID).adding("PartNumber", String(wanted.number)).adding(
                    "ETag",
                    wanted.etag
                )
            }
            if record.uploadChecksum != nil, !chosen.fullObject, wanted.checksum == nil {
                throw .invalidRequest.because(
                    "The upload was created using a \(chosen.algorithm.name.lowercased()) checksum. The complete "
                        + "request must include the checksum for each part. It was missing for part "
                        + "\(wanted.number) in the request."
                )
            }
            chosenParts.append((part.file, part.record))
        }
        for (part, wanted) in zip(chosenParts.dropLast(), requested) where part.record.size < Self.minimumPartSize {
            throw .entityTooSmall.adding("UploadId", uploadID).adding("ProposedSize", String(part.record.size))
                .adding("MinSizeAllowed", String(Self.minimumPartSize)).adding("PartNumber", String(wanted.number))
                .adding("ETag", wanted.etag)
        }
        let size = chosenParts.reduce(0) { $0 + $1.record.size }
        if let declared = request.headers["x-amz-mp-object-size"],
            Int64(digits: declared.trimmingSpaces) != size
        {
            throw .invalidRequest.because("The provided 'x-amz-mp-object-size' header does not match what was computed")
        }
        // Every part of an upload that chose an algorithm declared a checksum of it (UploadPart saw to it).
        let partChecksums = chosenParts.compactMap { part in
            part.record.checksum.flatMap { $0.name == chosen.algorithm.headerName ? $0.value : nil }
        }
        let file = try await createTemporaryFile(in: storage)
        var md5 = Insecure.MD5()
        var whole = chosen.fullObject ? RunningChecksum(chosen.algorithm) : nil
        var digests: [UInt8] = []
        for part in chosenParts {
            try await copy(part.file, length: part.record.size, to: file, md5: &md5, checksum: &whole)
            digests += Hex.decode(part.record.etag) ?? []
        }
        let checksum: String
        if let whole {
            checksum = whole.base64
        } else if partChecksums.count == chosenParts.count {
            checksum = Self.compositeChecksum(chosen.algorithm, of: partChecksums)
        } else {
            await file.discard()
            throw .internalError
        }
        record.checksum = ObjectRecord.Field(name: chosen.algorithm.headerName, value: checksum)
        do throws(S3Error) {
            try Self.checkExpectedObjectChecksum(request.headers, computed: record.checksum!)
        } catch {
            await file.discard()
            throw error
        }
        record.uploadChecksum = nil
        record.partChecksums = partChecksums.count == chosenParts.count ? partChecksums : []
        record.size = size
        record.partSizes = chosenParts.map(\.record.size)
        record.etag = Hex.encode(Digest.md5(digests)) + "-\(chosenParts.count)"
        record.lastModified = now()
        record.version = Hex.random(byteCount: 16)
        try await finish(file, with: record)
        try await storage.commit(file, record: record, check: Self.writeConditions(request.headers))
        try await storage.removeUpload(uploadID)
        var writer = XMLWriter(root: "CompleteMultipartUploadResult")
        writer.element("Location", "/\(storage.name)/\(URLEncoding.encode(key))")
        writer.element("Bucket", storage.name)
        writer.element("Key", key)
        writer.element("ETag", "\"\(record.etag)\"")
        Self.writeChecksum(record.checksum, type: record.checksumType, into: &writer)
        writer.close("CompleteMultipartUploadResult")
        var response = xml(writer, request)
        record.keeping.addEncryption(to: &response.headers)
        return response
    }

    func abortMultipartUpload(
        _ key: String,
        _ uploadID: String,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error) -> S3Response {
        _ = try upload(uploadID, key: key, in: storage)
        try await storage.removeUpload(uploadID)
        return empty(request, status: 204)
    }

    func listParts(
        _ key: String,
        _ uploadID: String,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error) -> S3Response {
        _ = try upload(uploadID, key: key, in: storage)
        let uploadRecord = try await storage.uploadRecord(uploadID)
        let chosen = uploadRecord.uploadChecksum
        let maxParts = try Self.maxItems(request, "max-parts")
        var marker = 0
        if let text = request.queryValue("part-number-marker") {
            guard let value = Int64(digits: text) else {
                throw .invalidArgument.because("Provided part-number-marker not an integer or within integer range")
            }
            marker = Int(min(value, 10_000))
        }
        let parts = try await storage.parts(of: uploadID).filter { $0.number > marker }
        let page = parts.prefix(maxParts)
        var writer = XMLWriter(root: "ListPartsResult")
        writer.element("Bucket", storage.name)
        writer.element("Key", key)
        writer.element("UploadId", uploadID)
        StoreOwner.write("Initiator", into: &writer)
        StoreOwner.write("Owner", into: &writer)
        writer.element("StorageClass", uploadRecord.keeping.listedClass)
        if let chosen {
            writer.element("ChecksumAlgorithm", chosen.algorithm.name)
            writer.element("ChecksumType", chosen.type)
        }
        writer.element("PartNumberMarker", marker)
        writer.element("NextPartNumberMarker", page.last?.number ?? 0)
        writer.element("MaxParts", maxParts)
        writer.element("IsTruncated", parts.count > page.count)
        for part in page {
            writer.element("Part") { element in
                element.element("PartNumber", part.number)
                element.element("LastModified", HTTPDate.iso8601(milliseconds: part.record.lastModified))
                element.element("ETag", "\"\(part.record.etag)\"")
                element.element("Size", part.record.size)
                if let checksum = part.record.checksum, let algorithm = ChecksumAlgorithm(headerName: checksum.name) {
                    element.element(algorithm.elementName, checksum.value)
                }
            }
        }
        writer.close("ListPartsResult")
        return xml(writer, request)
    }

    /// ListMultipartUploads: uploads in progress ordered by key (bytes), then initiation time.
    func listMultipartUploads(_ request: BucketRequest, _ storage: BucketStorage) throws(S3Error) -> S3Response {
        let listing = try ListingQuery(request, limit: "max-uploads")
        let (prefix, delimiter, encode, maxUploads) = (listing.prefix, listing.delimiter, listing.encode, listing.limit)
        let keyMarker = request.queryValue("key-marker") ?? ""
        let uploadIDMarker = request.queryValue("upload-id-marker") ?? ""
        let markerBytes = Array(keyMarker.utf8)
        let uploads = storage.allUploads.filter { upload in
            let key = Array(upload.key.utf8)
            guard key.starts(with: Array(prefix.utf8)) else { return false }
            if keyMarker.isEmpty { return true }
            if key == markerBytes { return !uploadIDMarker.isEmpty && upload.id > uploadIDMarker }
            return markerBytes.lexicographicallyPrecedes(key)
        }.sorted { lhs, rhs in
            let (left, right) = (Array(lhs.key.utf8), Array(rhs.key.utf8))
            if left != right { return left.lexicographicallyPrecedes(right) }
            return (lhs.initiated, lhs.id) < (rhs.initiated, rhs.id)
        }
        var listed: [UploadSummary] = []
        var prefixes: [String] = []
        var truncated = false
        for upload in uploads {
            if let delimiter,
                let rolled = Self.rollUp(Array(upload.key.utf8), prefixLength: prefix.utf8.count, Array(delimiter.utf8))
            {
                let text = String(decoding: rolled, as: UTF8.self)
                if prefixes.last == text { continue }
                guard listed.count + prefixes.count < maxUploads else {
                    truncated = true
                    break
                }
                prefixes.append(text)
                continue
            }
            guard listed.count + prefixes.count < maxUploads else {
                truncated = true
                break
            }
            listed.append(upload)
        }
        var writer = XMLWriter(root: "ListMultipartUploadsResult")
        writer.element("Bucket", storage.name)
        writer.element("KeyMarker", encode(keyMarker))
        writer.element("UploadIdMarker", uploadIDMarker)
        writer.element("NextKeyMarker", encode(listed.last?.key ?? ""))
        writer.element("NextUploadIdMarker", listed.last?.id ?? "")
        if let delimiter { writer.element("Delimiter", encode(delimiter)) }
        writer.element("Prefix", encode(prefix))
        writer.element("MaxUploads", maxUploads)
        writer.element("IsTruncated", truncated)
        for upload in listed {
            writer.element("Upload") { element in
                element.element("Key", encode(upload.key))
                element.element("UploadId", upload.id)
                StoreOwner.write("Initiator", into: &element)
                StoreOwner.write("Owner", into: &element)
                element.element("StorageClass", upload.storageClass)
                element.element("Initiated", HTTPDate.iso8601(milliseconds: upload.initiated))
            }
        }
        for commonPrefix in prefixes {
            writer.element("CommonPrefixes") { $0.element("Prefix", encode(commonPrefix)) }
        }
        listing.writeEncodingType(into: &writer)
        writer.close("ListMultipartUploadsResult")
        return xml(writer, request)
    }
}
