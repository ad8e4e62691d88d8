internal import AccessPointCore
internal import Crypto
internal import NIOCore
internal import S3Auth
internal import S3HTTP

/// A finished temporary file, ready to commit, and what reading the bytes taught.
struct ReceivedBytes {
    var file: TemporaryFile
    var size: Int64
    var md5: [UInt8]
    /// The checksum computed as the bytes arrived, when one was asked for.
    var computed: (algorithm: ChecksumAlgorithm, value: String)?
}

extension EmbeddedBucketStore {
    /// The largest single PUT S3 accepts (5 GiB).
    static let maximumObjectSize: Int64 = 5 * 1024 * 1024 * 1024
    /// How many bytes are gathered before one write to the file.
    static let writeBatchSize = 1 << 20

    /// Streams a request body into a new temporary file of the bucket, checking its length and `Content-MD5`, and
    /// computing the checksum `computing` names. The file has no record yet; on any failure it is gone.
    ///
    /// - Throws: InvalidDigest (a `Content-MD5` that is not 16 base64 bytes), EntityTooLarge, the S3Error the
    ///   body stream threw, IncompleteBody (the stream failed otherwise, or its length is not `Content-Length`),
    ///   BadDigest, InternalError (the disk).
    func receive(
        _ request: BucketRequest,
        in storage: BucketStorage,
        computing algorithm: ChecksumAlgorithm? = nil
    ) async throws(S3Error) -> ReceivedBytes {
        var expectedMD5: [UInt8]?
        if let header = request.headers["Content-MD5"] {
            guard let digest = Base64.decode(header.trimmingSpaces), digest.count == 16 else { throw .invalidDigest }
            expectedMD5 = digest
        }
        let declared: Int64?
        if let header = request.headers["Content-Length"] {
            guard let length = Int64(digits: header.trimmingSpaces) else {
                throw .invalidArgument.because("Content-Length is not a number")
            }
            declared = length
        } else {
            declared = request.body.length.map(Int64.init)
        }
        if let declared, declared > Self.maximumObjectSize { throw .entityTooLarge }

        let file = try await createTemporaryFile(in: storage)
        var md5 = Insecure.MD5()
        var checksum = algorithm.map(RunningChecksum.init)
        var size: Int64 = 0
        var pending = ByteBuffer()
        var iterator = request.body.makeAsyncIterator()
        while true {
            let chunk: ByteBuffer?
            do {
                chunk = try await iterator.next()
            } catch {
                await file.discard()
                throw (error as? S3Error) ?? .incompleteBody
            }
            guard let chunk else { break }
            size += Int64(chunk.readableBytes)
            if size > (declared ?? Self.maximumObjectSize) {
                await file.discard()
                throw declared == nil ? .entityTooLarge : .incompleteBody
            }
            chunk.withUnsafeReadableBytes { bytes in
                md5.update(bufferPointer: bytes)
                checksum?.update(bytes)
            }
            pending.writeImmutableBuffer(chunk)
            if pending.readableBytes >= Self.writeBatchSize {
                try await append(pending, to: file)
                pending.clear()
            }
        }
        try await append(pending, to: file)
        if let declared, declared != size {
            await file.discard()
            throw .incompleteBody
        }
        let digest = Array(md5.finalize())
        if let expectedMD5, expectedMD5 != digest {
            await file.discard()
            throw .badDigest
        }
        let computed = algorithm.flatMap { algorithm in checksum.map { (algorithm, $0.base64) } }
        return ReceivedBytes(file: file, size: size, md5: digest, computed: computed)
    }

    func createTemporaryFile(in storage: BucketStorage) async throws(S3Error) -> TemporaryFile {
        do {
            return try await TemporaryFile.create(at: storage.temporaryFilePath())
        } catch {
            throw .internalError
        }
    }

    /// Appends to a temporary file; on failure the file is removed.
    func append(_ buffer: ByteBuffer, to file: TemporaryFile) async throws(S3Error) {
        do {
            try await file.append(buffer)
        } catch {
            await file.discard()
            throw .internalError
        }
    }

    /// Copies `length` bytes of `source` from `offset` into `file`, feeding them to `md5`.
    func copy(
        _ source: OpenFile,
        offset: Int64 = 0,
        length: Int64,
        to file: TemporaryFile,
        md5: inout Insecure.MD5
    ) async throws(S3Error) {
        var noChecksum: RunningChecksum?
        try await copy(source, offset: offset, length: length, to: file, md5: &md5, checksum: &noChecksum)
    }

    /// Copies `length` bytes of `source` from `offset` into `file`, feeding them to `md5` and `checksum`.
    func copy(
        _ source: OpenFile,
        offset: Int64 = 0,
        length: Int64,
        to file: TemporaryFile,
        md5: inout Insecure.MD5,
        checksum: inout RunningChecksum?
    ) async throws(S3Error) {
        var pending = ByteBuffer()
        do {
            for try await chunk in FileChunks(file: source, offset: offset, length: length) {
                chunk.withUnsafeReadableBytes { bytes in
                    md5.update(bufferPointer: bytes)
                    checksum?.update(bytes)
                }
                pending.writeImmutableBuffer(chunk)
                if pending.readableBytes >= Self.writeBatchSize {
                    try await file.append(pending)
                    pending.clear()
                }
            }
            try await file.append(pending)
        } catch {
            await file.discard()
            throw .internalError
        }
    }

    /// Writes the record after the bytes and fsyncs; on failure the file is removed.
    func finish(_ file: TemporaryFile, with record: ObjectRecord) async throws(S3Error) {
        do {
            try await file.finish(with: record)
        } catch {
            await file.discard()
            throw .internalError
        }
    }

    /// A record for `key` from the request's headers: the content headers, `x-amz-meta-*` and `x-amz-tagging`.
    func newRecord(_ key: String, from headers: S3Headers) throws(S3Error) -> ObjectRecord {
        // A bucket made today has no Object Lock: a write asking for a retention or a legal hold is refused, as S3
        // refuses it, rather than stored as if it were protected.
        for name in Self.objectLockFields where headers[name] != nil { throw BucketOperation.noObjectLock }
        if let redirect = headers["x-amz-website-redirect-location"] {
            guard redirect.hasPrefix("/") || redirect.hasPrefix("http://") || redirect.hasPrefix("https://"),
                redirect.utf8.count <= 2048
            else {
                throw S3Error.invalidRedirectLocation
            }
        }
        var record = ObjectRecord(key: key)
        record.contentHeaders = Self.contentHeaders(from: headers)
        record.metadata = Self.metadata(from: headers)
        record.keeping = try ObjectKeeping.requested(by: headers)
        if let tagging = headers["x-amz-tagging"] {
            record.tags = try Self.tags(fromQuery: tagging)
        }
        record.lastModified = now()
        record.version = Hex.random(byteCount: 16)
        return record
    }

    static let objectLockFields = [
        "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date", "x-amz-object-lock-legal-hold",
    ]

    static func contentHeaders(from headers: S3Headers) -> [ObjectRecord.Field] {
        ObjectRecord.contentHeaderNames.compactMap { name in
            headers[name].map { ObjectRecord.Field(name: name, value: $0) }
        }
    }

    /// User metadata: names lower-cased without `x-amz-meta-`; repeated names joined with commas.
    static func metadata(from headers: S3Headers) -> [ObjectRecord.Field] {
        var fields: [ObjectRecord.Field] = []
        for field in headers {
            let name = field.name.lowercased()
            guard name.hasPrefix("x-amz-meta-"), name.count > 11 else { continue }
            let short = String(name.dropFirst(11))
            if let index = fields.firstIndex(where: { $0.name == short }) {
                fields[index].value += "," + field.value
            } else {
                fields.append(ObjectRecord.Field(name: short, value: field.value))
            }
        }
        return fields
    }

    /// The conditions S3 honours on writes: `If-None-Match: *` (create only) and `If-Match` (replace only that
    /// ETag), checked under the bucket's lock against the object being replaced.
    static func writeConditions(_ headers: S3Headers) -> @Sendable (ObjectSummary?) -> S3Error? {
        let ifNoneMatch = headers["If-None-Match"]
        let ifMatch = headers["If-Match"]
        return { current in
            if let ifNoneMatch, current != nil, ifNoneMatch.trimmingSpaces == "*" { return .preconditionFailed }
            if let ifMatch {
                guard let current else { return .noSuchKey }
                if !ReadConditions.matches(ifMatch, etag: current.etag) { return .preconditionFailed }
            }
            return nil
        }
    }
}
