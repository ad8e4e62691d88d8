import AccessPointCore
import NIOCore
import S3Auth
import S3HTTP

/// A body whose raw bytes must hash to the SHA-256 the signature covers (`x-amz-content-sha256: <hex>`).
///
/// The bytes flow on as they arrive; the hash is compared when the stream ends, and a mismatch is thrown then, so
/// the store discards what it wrote (it never commits an object whose stream failed).
struct SHA256CheckedBody: AsyncSequence, Sendable {
    let base: S3Body
    let expected: String

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), checker: .init(expected: expected))
    }

    struct Iterator: AsyncIteratorProtocol {
        var base: S3Body.AsyncIterator
        var checker: PayloadSHA256Checker
        var finished = false

        mutating func next() async throws -> ByteBuffer? {
            guard !finished else { return nil }
            guard let chunk = try await base.next() else {
                finished = true
                try checker.finish()
                return nil
            }
            chunk.withUnsafeReadableBytes { checker.update($0) }
            return chunk
        }
    }
}

/// The decoded content of an aws-chunked body (spec §5.5): chunk signatures, the trailer checksum and the decoded
/// length are checked by `AWSChunkedStateMachine` as the bytes stream through.
struct AWSChunkedBody: AsyncSequence, Sendable {
    let base: S3Body
    let configuration: AWSChunkedConfiguration

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), machine: AWSChunkedStateMachine(configuration: configuration))
    }

    struct Iterator: AsyncIteratorProtocol {
        var base: S3Body.AsyncIterator
        var machine: AWSChunkedStateMachine
        var finished = false

        mutating func next() async throws -> ByteBuffer? {
            while !finished {
                guard let chunk = try await base.next() else {
                    finished = true
                    if case .fail(let error) = machine.inputEnded() { throw error }
                    return nil
                }
                switch machine.receive(chunk.readableBytesView) {
                case .forward(let bytes):
                    if !bytes.isEmpty { return ByteBuffer(bytes: bytes) }
                case .complete(let bytes):
                    finished = true
                    if !bytes.isEmpty { return ByteBuffer(bytes: bytes) }
                case .fail(let error):
                    finished = true
                    throw error
                }
            }
            return nil
        }
    }
}
