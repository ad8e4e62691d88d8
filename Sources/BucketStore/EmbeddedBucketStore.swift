internal import AccessPointCore
public import S3HTTP

/// The embedded, file-backed bucket store: the backend the router uses when a lab has no S3 of its own.
///
/// It answers each `BucketRequest` as Amazon S3 answers the same path-style request (objects, listings, copies,
/// multipart uploads, object tagging, and the ACLs, versions, attributes and configurations of a bucket as S3 makes
/// one today: unversioned, ACLs disabled, no Object Lock), so clients cannot tell it from S3 for the operations it
/// supports; any other operation is `501 NotImplemented`, naming what is missing.
///
/// Durability: every write streams into a temporary file inside the bucket, is fsynced and renamed into place,
/// and the directory is fsynced before the client hears of success. An object's metadata lives in the same file
/// as its bytes, so a crash (even `kill -9` mid-PUT) leaves the old object or the new one, never a mixture.
/// Memory stays bounded: bodies are read and served in chunks.
///
/// ```swift
/// let store = try EmbeddedBucketStore(directory: "/var/lib/aprouter/buckets", buckets: ["reports"])
/// let response = await store.respond(to: request)   // a BucketRequest from the router
/// ```
public struct EmbeddedBucketStore: BucketResponder {
    let buckets: [String: BucketStorage]
    /// Milliseconds since 1970; injected so tests can pin Last-Modified.
    let now: @Sendable () -> Int64

    /// Opens (or creates) `directory/<bucket>/` for each bucket, removes what interrupted writes left in their
    /// temporary areas, and loads every object's listing entry into memory.
    ///
    /// - Throws: `BucketStoreError.invalidBucketName` for a name that is not an S3 bucket name (so no name can
    ///   escape `directory`), `.fileSystem` when a directory cannot be created or read.
    public init(directory: String, buckets: [String]) throws(BucketStoreError) {
        try self.init(directory: directory, buckets: buckets, now: { POSIX.nowMilliseconds() })
    }

    init(directory: String, buckets: [String], now: @escaping @Sendable () -> Int64) throws(BucketStoreError) {
        var storages: [String: BucketStorage] = [:]
        if let invalid = buckets.first(where: { !Self.isValidBucketName($0) }) {
            throw .invalidBucketName.because("\(invalid) is not a valid S3 bucket name")
        }
        do {
            try POSIX.makeDirectory(directory)
        } catch {
            throw .fileSystem.because(error.description)
        }
        for bucket in buckets {
            do {
                storages[bucket] = try BucketStorage(name: bucket, root: directory + "/" + bucket)
            } catch {
                throw .fileSystem.because(error.description)
            }
        }
        self.buckets = storages
        self.now = now
    }

    /// The buckets already in `directory`: its subdirectories whose names are S3 bucket names, sorted. Anything
    /// else there (files, hidden or oddly named directories) is not a bucket and is left alone.
    public static func existingBuckets(in directory: String) -> [String] {
        guard let names = try? POSIX.listDirectory(directory) else { return [] }
        return names.filter { isValidBucketName($0) && POSIX.isDirectory(directory + "/" + $0) }.sorted()
    }

    /// S3's rules for general purpose buckets: 3–63 characters of lower-case letters, digits, `.` and `-`,
    /// starting and ending with a letter or digit. Enough to make every name a plain directory name.
    public static func isValidBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count), let first = bytes.first, let last = bytes.last else { return false }
        let isAlphanumeric: (UInt8) -> Bool = {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
        }
        return isAlphanumeric(first) && isAlphanumeric(last) && !name.contains("..")
            && bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    public func respond(to request: BucketRequest) async -> S3Response {
        guard let storage = buckets[request.bucket] else {
            return failure(.noSuchBucket.adding("BucketName", request.bucket), for: request)
        }
        do {
            return try await perform(BucketOperation(request), request, storage)
        } catch {
            return failure(error, for: request)
        }
    }

    private func perform(
        _ operation: BucketOperation,
        _ request: BucketRequest,
        _ storage: BucketStorage
    ) async throws(S3Error) -> S3Response {
        switch operation {
        case .headBucket: S3Response(status: 200, headers: S3ErrorRenderer.headers(id: request.id))
        case .listObjects: try listObjects(request, storage, version: 1)
        case .listObjectsV2: try listObjects(request, storage, version: 2)
        case .listMultipartUploads: try listMultipartUploads(request, storage)
        case .deleteObjects: try await deleteObjects(request, storage)
        case .putObject(let key): try await putObject(key, request, storage)
        case .copyObject(let key): try await copyObject(key, request, storage)
        case .getObject(let key): try await getObject(key, request, storage, head: false)
        case .headObject(let key): try await getObject(key, request, storage, head: true)
        case .deleteObject(let key): try await deleteObject(key, request, storage)
        case .getObjectTagging(let key): try await getObjectTagging(key, request, storage)
        case .putObjectTagging(let key): try await putObjectTagging(key, request, storage)
        case .deleteObjectTagging(let key): try await deleteObjectTagging(key, request, storage)
        case .createMultipartUpload(let key): try await createMultipartUpload(key, request, storage)
        case .uploadPart(let key, let uploadID): try await uploadPart(key, uploadID, request, storage)
        case .uploadPartCopy(let key, let uploadID): try await uploadPartCopy(key, uploadID, request, storage)
        case .completeMultipartUpload(let key, let uploadID):
            try await completeMultipartUpload(key, uploadID, request, storage)
        case .abortMultipartUpload(let key, let uploadID):
            try await abortMultipartUpload(key, uploadID, request, storage)
        case .listParts(let key, let uploadID): try await listParts(key, uploadID, request, storage)
        case .listObjectVersions: try listObjectVersions(request, storage)
        case .getObjectAttributes(let key): try await getObjectAttributes(key, request, storage)
        case .getACL(let key): try getACL(key, request, storage)
        case .putACL(let key): try await putACL(key, request, storage)
        case .restoreObject(let key): try restoreObject(key, request, storage)
        case .emptyConfiguration(let root): emptyConfiguration(root, request)
        case .invalid(let error): throw error
        case .notImplemented(let what):
            throw S3Error.notImplemented.because("\(what) is not supported by the embedded store")
        }
    }

    /// The error as S3 renders it; HEAD responses carry no body, as S3's do not.
    func failure(_ error: S3Error, for request: BucketRequest) -> S3Response {
        var resource = "/" + request.bucket
        if let key = request.key { resource += "/" + key }
        var response = S3ErrorRenderer(envelope: .s3).response(for: error, id: request.id, resource: resource)
        if request.method == "HEAD" {
            response.body = .empty
        }
        return response
    }

    /// An XML document with the request's identifiers.
    func xml(_ writer: XMLWriter, _ request: BucketRequest, status: Int = 200) -> S3Response {
        S3Response(
            status: status,
            headers: S3ErrorRenderer.headers(id: request.id, contentType: "application/xml"),
            body: S3Body(string: writer.text)
        )
    }

    /// An empty success (204 for deletions, 200 otherwise) with the request's identifiers.
    func empty(_ request: BucketRequest, status: Int) -> S3Response {
        S3Response(status: status, headers: S3ErrorRenderer.headers(id: request.id))
    }
}
