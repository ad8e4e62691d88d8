internal import AccessPointCore
internal import Crypto
import Synchronization

/// One bucket's directory and the in-memory index that mirrors it.
///
/// Layout under `directory/<bucket>/`:
/// - `objects/ab/<sha256 of the key>`: one `RecordFile` per object. Hashing makes every key, however long or
///   strange (`../`, 1024 bytes, any Unicode), a fixed 64-character name inside the bucket; the key itself is in
///   the record.
/// - `uploads/<upload id>/upload` and `part-00001`…: multipart uploads in progress.
/// - `tmp/`: files being written. Emptied when the store starts, since nothing there was ever committed.
///
/// Every change is a rename of a finished, fsynced file (or directory), followed by an fsync of the directory it
/// landed in; the rename and the index update happen under one lock, so the index and the disk agree on which of
/// two concurrent writes won.
final class BucketStorage: Sendable {
    let name: String
    let root: String
    private let index: Mutex<ObjectIndex>
    private let uploads: Mutex<[String: UploadSummary]>

    var objectsPath: String { root + "/objects" }
    var temporaryPath: String { root + "/tmp" }
    var uploadsPath: String { root + "/uploads" }

    init(name: String, root: String) throws(FileSystemError) {
        self.name = name
        self.root = root
        for path in [root, root + "/objects", root + "/tmp", root + "/uploads"] { try POSIX.makeDirectory(path) }
        for name in try POSIX.listDirectory(root + "/tmp") { try POSIX.removeTree(root + "/tmp/" + name) }
        var loaded = ObjectIndex()
        for byte in 0..<256 {
            let shard = root + "/objects/" + Hex.encode([UInt8(byte)])
            try POSIX.makeDirectory(shard)
            for file in try POSIX.listDirectory(shard) {
                // A file that is not a finished object, or sits under another key's name, is not served.
                guard let opened = try? OpenFile.openForReading(shard + "/" + file),
                    let record = try? RecordFile.readRecord(from: opened),
                    Self.fileName(for: record.key) == file
                else { continue }
                loaded.upsert(ObjectSummary(record))
            }
        }
        var uploads: [String: UploadSummary] = [:]
        for id in try POSIX.listDirectory(root + "/uploads") {
            guard let opened = try? OpenFile.openForReading(root + "/uploads/" + id + "/upload"),
                let record = try? RecordFile.readRecord(from: opened)
            else { continue }
            uploads[id] = UploadSummary(record, id: id)
        }
        try POSIX.synchronizeDirectory(root + "/tmp")
        self.index = Mutex(loaded)
        self.uploads = Mutex(uploads)
    }

    static func fileName(for key: String) -> String {
        var hash = SHA256()
        Array(key.utf8).withUnsafeBytes { hash.update(bufferPointer: $0) }
        return Hex.encode(hash.finalize())
    }

    func objectPath(for key: String) -> String {
        let name = Self.fileName(for: key)
        return objectsPath + "/" + name.prefix(2) + "/" + name
    }

    func temporaryFilePath() -> String {
        temporaryPath + "/" + Hex.random(byteCount: 16)
    }

    func summary(of key: String) -> ObjectSummary? {
        index.withLock { $0[Array(key.utf8)] }
    }

    /// Runs `body` on the index under the lock; `body` must only read and copy out what it needs.
    func readIndex<Result: Sendable>(_ body: (ObjectIndex) -> Result) -> Result {
        index.withLock { body($0) }
    }

    /// Opens the object and reads its record. The open descriptor pins this version of the object, whatever
    /// renames follow.
    func open(_ key: String) async throws(S3Error) -> (OpenFile, ObjectRecord) {
        let path = objectPath(for: key)
        do {
            let (file, record) = try await Blocking.run {
                let file = try OpenFile.openForReading(path)
                return (file, try RecordFile.readRecord(from: file))
            }
            guard record.key == key else { throw S3Error.noSuchKey }
            return (file, record)
        } catch let error as FileSystemError where error.isNotFound {
            throw .noSuchKey
        } catch let error as S3Error {
            throw error
        } catch {
            throw .internalError
        }
    }

    /// Moves a finished temporary file into place as `record.key`, after `check` (given the current object, if
    /// any) has had its say, and makes the rename durable.
    ///
    /// - Throws: the error `check` returns (nothing was changed), or InternalError.
    func commit(
        _ temporary: TemporaryFile,
        record: ObjectRecord,
        check: (ObjectSummary?) -> S3Error? = { _ in nil }
    ) async throws(S3Error) {
        let path = objectPath(for: record.key)
        let keyBytes = Array(record.key.utf8)
        let refusal: S3Error? = index.withLock { index in
            if let refusal = check(index[keyBytes]) { return refusal }
            do {
                try POSIX.rename(temporary.path, path)
            } catch {
                return .internalError
            }
            index.upsert(ObjectSummary(record))
            return nil
        }
        if let refusal {
            await temporary.discard()
            throw refusal
        }
        try await Self.synchronizeDirectory(containing: path)
    }

    /// Deletes the object if it exists (S3 answers a delete of a missing key with success too), once `check`,
    /// shown the object under the bucket's lock, refuses nothing (a conditional delete's `If-Match`).
    func delete(_ key: String, check: (ObjectSummary?) -> S3Error? = { _ in nil }) async throws(S3Error) {
        let path = objectPath(for: key)
        let keyBytes = Array(key.utf8)
        let refusal: S3Error? = index.withLock { index in
            let current = index[keyBytes]
            if let refusal = check(current) { return refusal }
            guard current != nil else { return nil }
            do {
                try POSIX.unlink(path)
            } catch {
                return .internalError
            }
            index.remove(keyBytes)
            return nil
        }
        if let refusal { throw refusal }
        try await Self.synchronizeDirectory(containing: path)
    }

    static func synchronizeDirectory(containing path: String) async throws(S3Error) {
        guard let slash = path.lastIndex(of: "/") else { return }
        let directory = String(path[..<slash])
        do {
            try await Blocking.run { try POSIX.synchronizeDirectory(directory) }
        } catch {
            throw .internalError
        }
    }
}

/// A multipart upload in progress, as ListMultipartUploads shows it.
struct UploadSummary: Sendable, Equatable {
    var id: String
    var key: String
    var initiated: Int64
    /// The class the upload's object will have, which ListMultipartUploads names.
    var storageClass: String

    init(_ record: ObjectRecord, id: String) {
        self.id = id
        key = record.key
        initiated = record.lastModified
        storageClass = record.keeping.listedClass
    }
}

extension BucketStorage {
    func uploadPath(_ id: String) -> String { uploadsPath + "/" + id }

    static func partFileName(_ number: Int) -> String {
        let digits = String(number)
        return "part-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// The upload, if `id` names one in progress for `key` (S3 answers NoSuchUpload when the key differs).
    func upload(_ id: String, key: String? = nil) -> UploadSummary? {
        guard let upload = uploads.withLock({ $0[id] }) else { return nil }
        if let key, upload.key != key { return nil }
        return upload
    }

    var allUploads: [UploadSummary] { uploads.withLock { Array($0.values) } }

    /// Starts an upload: its directory is built in `tmp/` and renamed into `uploads/` whole.
    func createUpload(_ record: ObjectRecord) async throws(S3Error) -> UploadSummary {
        let id = Hex.random(byteCount: 24)
        let building = temporaryPath + "/" + id
        let destination = uploadPath(id)
        let trailer = RecordFile.trailer(for: record)
        do {
            try await Blocking.run {
                try POSIX.makeDirectory(building)
                let file = try OpenFile.create(building + "/upload")
                try file.write(trailer)
                try file.synchronize()
                try POSIX.synchronizeDirectory(building)
                try POSIX.rename(building, destination)
            }
        } catch {
            _ = try? await Blocking.run { try POSIX.removeTree(building) }
            throw .internalError
        }
        try await Self.synchronizeDirectory(containing: destination)
        let summary = UploadSummary(record, id: id)
        uploads.withLock { $0[id] = summary }
        return summary
    }

    /// The upload's own record (metadata, tags, content headers given at creation).
    func uploadRecord(_ id: String) async throws(S3Error) -> ObjectRecord {
        let path = uploadPath(id) + "/upload"
        do {
            return try await Blocking.run { try RecordFile.readRecord(from: try OpenFile.openForReading(path)) }
        } catch let error as FileSystemError where error.isNotFound {
            throw .noSuchUpload
        } catch {
            throw .internalError
        }
    }

    /// Moves a finished part into its upload's directory, replacing an earlier upload of the same part number.
    func commitPart(_ temporary: TemporaryFile, uploadID: String, number: Int) async throws(S3Error) {
        let path = uploadPath(uploadID) + "/" + Self.partFileName(number)
        do {
            try await Blocking.run { try POSIX.rename(temporary.path, path) }
        } catch let error as FileSystemError where error.isNotFound {
            await temporary.discard()
            throw .noSuchUpload
        } catch {
            await temporary.discard()
            throw .internalError
        }
        try await Self.synchronizeDirectory(containing: path)
    }

    /// Every part uploaded so far, by part number, each with its open file.
    func parts(of uploadID: String) async throws(S3Error) -> [(number: Int, file: OpenFile, record: ObjectRecord)] {
        let directory = uploadPath(uploadID)
        do {
            return try await Blocking.run {
                var parts: [(number: Int, file: OpenFile, record: ObjectRecord)] = []
                for name in try POSIX.listDirectory(directory) where name.hasPrefix("part-") {
                    guard let number = Int(name.dropFirst(5)) else { continue }
                    let file = try OpenFile.openForReading(directory + "/" + name)
                    parts.append((number, file, try RecordFile.readRecord(from: file)))
                }
                return parts.sorted { $0.number < $1.number }
            }
        } catch let error as FileSystemError where error.isNotFound {
            throw .noSuchUpload
        } catch {
            throw .internalError
        }
    }

    /// Ends an upload (aborted or completed): forgotten at once, its directory moved to `tmp/` and removed.
    func removeUpload(_ id: String) async throws(S3Error) {
        guard uploads.withLock({ $0.removeValue(forKey: id) }) != nil else { throw .noSuchUpload }
        let source = uploadPath(id)
        let doomed = temporaryFilePath()
        let parent = uploadsPath
        do {
            try await Blocking.run {
                try POSIX.rename(source, doomed)
                try POSIX.synchronizeDirectory(parent)
                try POSIX.removeTree(doomed)
            }
        } catch {
            throw .internalError
        }
    }
}
