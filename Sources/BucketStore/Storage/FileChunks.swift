internal import NIOCore

/// A byte range of an open file, read in chunks as the consumer asks for them: a GET response body in bounded
/// memory whatever the object's size.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    static let chunkSize = 256 * 1024

    let file: OpenFile
    let offset: Int64
    let length: Int64

    func makeAsyncIterator() -> Iterator {
        Iterator(file: file, offset: offset, remaining: length)
    }

    struct Iterator: AsyncIteratorProtocol {
        let file: OpenFile
        var offset: Int64
        var remaining: Int64

        mutating func next() async throws -> ByteBuffer? {
            guard remaining > 0 else { return nil }
            let count = Int(Swift.min(remaining, Int64(FileChunks.chunkSize)))
            let file = self.file
            let offset = self.offset
            let buffer = try await Blocking.run {
                var buffer = ByteBufferAllocator().buffer(capacity: count)
                let read = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) {
                    (raw) throws(FileSystemError) in
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[..<count]), at: offset)
                }
                guard read == count else { throw FileSystemError(operation: "short read", path: file.path, code: 5) }
                return buffer
            }
            self.offset += Int64(count)
            remaining -= Int64(count)
            return buffer
        }
    }
}
