internal import NIOCore

/// The one file format of the store: the bytes, then the encoded `ObjectRecord`, then its length and a magic
/// number. The record trails the bytes because the ETag and size are only known once the body has been read,
/// and a trailer lets the body stream straight into the file.
enum RecordFile {
    static let magic: [UInt8] = Array("APRSOBJ1".utf8)
    static let footerSize = 12
    static let maximumRecordSize = 1 << 20

    static func trailer(for record: ObjectRecord) -> [UInt8] {
        var bytes = record.encoded()
        ObjectRecord.append(UInt32(bytes.count), to: &bytes)
        return bytes + magic
    }

    /// The record at the end of `file`, checked against the file's size so a file this code did not finish
    /// writing is never taken for an object.
    static func readRecord(from file: OpenFile) throws(FileSystemError) -> ObjectRecord {
        let corrupt = FileSystemError(operation: "decode record", path: file.path, code: 5)
        let fileSize = try file.size
        guard fileSize >= Int64(footerSize) else { throw corrupt }
        let footer = try file.read(count: footerSize, at: fileSize - Int64(footerSize))
        guard Array(footer[4...]) == magic else { throw corrupt }
        let length = footer[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard length <= maximumRecordSize, Int64(length + footerSize) <= fileSize else { throw corrupt }
        let recordStart = fileSize - Int64(footerSize) - Int64(length)
        let bytes = try file.read(count: length, at: recordStart)
        guard let record = ObjectRecord(decoding: bytes), record.size == recordStart else { throw corrupt }
        return record
    }
}

/// A file being written in a bucket's temporary area: bytes appended as they arrive, the record written last,
/// then fsync. Only a finished file is ever renamed into place.
final class TemporaryFile: Sendable {
    let path: String
    private let file: OpenFile

    private init(path: String, file: OpenFile) {
        self.path = path
        self.file = file
    }

    static func create(at path: String) async throws -> TemporaryFile {
        let file = try await Blocking.run { try OpenFile.create(path) }
        return TemporaryFile(path: path, file: file)
    }

    func append(_ buffer: ByteBuffer) async throws {
        guard buffer.readableBytes > 0 else { return }
        let file = self.file
        try await Blocking.run {
            try buffer.withUnsafeReadableBytes { (raw) throws(FileSystemError) in try file.write(raw) }
        }
    }

    /// Writes the record and makes the whole file durable.
    func finish(with record: ObjectRecord) async throws {
        let file = self.file
        let trailer = RecordFile.trailer(for: record)
        try await Blocking.run {
            try file.write(trailer)
            try file.synchronize()
        }
    }

    /// Removes the file; for every path that gives up on it.
    func discard() async {
        let path = self.path
        _ = try? await Blocking.run { try POSIX.unlink(path) }
    }
}
