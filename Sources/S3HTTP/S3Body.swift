public import AccessPointCore
public import NIOCore
import Synchronization

/// A request or response body: bytes held in memory, or a stream of buffers read as it arrives.
///
/// Control-plane bodies are small and arrive whole, as one buffer. Object bodies stream: the router hands the
/// client's body to the bucket store as the socket delivers it, and the store's response body back, with
/// backpressure, so an object of any size passes through in bounded memory.
///
/// Iterating a streamed body more than once is a programming error (the bytes are gone); a buffered body can be
/// read any number of times. A stream that fails throws: an `S3Error` when the client is at fault (a wrong
/// payload hash, a body shorter than its length), another error when the connection broke. A responder that is
/// writing the body must then undo what it wrote and answer with the error (`S3Error.incompleteBody` for the
/// others).
public struct S3Body: Sendable, AsyncSequence {
    public typealias Element = ByteBuffer
    public typealias Failure = any Error

    /// Any stream of buffers the body can be read from.
    public typealias Stream = any AsyncSequence<ByteBuffer, any Error> & Sendable

    enum Storage: Sendable {
        case buffer(ByteBuffer)
        case stream(Stream)
    }

    let storage: Storage
    /// The body's length in bytes when it is known before reading (a buffer, or a stream with a Content-Length);
    /// nil when only reading to the end tells.
    public let length: Int?

    public init(_ buffer: ByteBuffer) {
        self.storage = .buffer(buffer)
        self.length = buffer.readableBytes
    }

    public init(string: String) {
        self.init(ByteBuffer(string: string))
    }

    /// A body read from `stream`, which yields exactly `length` bytes when `length` is given.
    public init(length: Int?, stream: some AsyncSequence<ByteBuffer, any Error> & Sendable) {
        self.storage = .stream(stream)
        self.length = length
    }

    /// The fields that follow the body (an aws-chunked upload's trailer, with its checksum), filled in by the
    /// stream that decoded and checked them once the body has been read to its end; nil for a body that has none.
    ///
    /// Asked of the stream (``TrailerCarryingStream``) rather than kept beside it: a body is copied several times
    /// on every request's path, and only a store that keeps a checksum asks, once per upload.
    public var trailers: BodyTrailers? {
        guard case .stream(let stream) = storage else { return nil }
        return (stream as? any TrailerCarryingStream)?.trailers
    }

    public static let empty = S3Body(ByteBuffer())

    /// The bytes when the body is held in memory; nil for a streamed body.
    public var buffer: ByteBuffer? {
        if case .buffer(let buffer) = storage { return buffer }
        return nil
    }

    /// The whole body, or nil when it is longer than `limit` bytes (a stream is then read no further).
    ///
    /// - Throws: the stream's error: `S3Error` as the stream threw it, anything else as `IncompleteBody`.
    public func collected(upTo limit: Int) async throws(S3Error) -> ByteBuffer? {
        switch storage {
        case .buffer(let buffer):
            return buffer.readableBytes <= limit ? buffer : nil
        case .stream(let stream):
            if let length, length > limit { return nil }
            if length == 0 { return ByteBuffer() }  // nothing to read: the stream's framing says it ends at once
            var collected = ByteBuffer()
            do {
                for try await var chunk in stream {
                    guard collected.readableBytes + chunk.readableBytes <= limit else { return nil }
                    collected.writeBuffer(&chunk)
                }
            } catch let error as S3Error {
                throw error
            } catch {
                throw S3Error.incompleteBody
            }
            return collected
        }
    }

    /// The whole body as bytes, or nil when it is longer than `limit` bytes; for responders that parse small
    /// bodies and need not import NIO.
    public func collectedBytes(upTo limit: Int) async throws(S3Error) -> [UInt8]? {
        try await collected(upTo: limit).map { Array($0.readableBytesView) }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        switch storage {
        case .buffer(let buffer): AsyncIterator(pending: buffer.readableBytes > 0 ? buffer : nil, stream: nil)
        case .stream(let stream): AsyncIterator(pending: nil, stream: stream.makeAsyncIterator())
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var pending: ByteBuffer?
        var stream: (any AsyncIteratorProtocol<ByteBuffer, any Error>)?

        public mutating func next() async throws -> ByteBuffer? {
            if let buffer = pending {
                pending = nil
                return buffer
            }
            guard var iterator = stream else { return nil }
            defer { stream = iterator }
            // On the caller's executor, as this function runs (`nonisolated(nonsending)`): no hop per part.
            return try await iterator.next(isolation: #isolation)
        }
    }
}

/// A body stream that learns the fields following the body as it reads it (an aws-chunked decoder), or that
/// passes on those of the stream it wraps.
public protocol TrailerCarryingStream {
    var trailers: BodyTrailers? { get }
}

/// The fields that followed a streamed body: set by the reader that decoded and checked them, read by whoever read
/// the body to its end (a store keeping the checksum an upload's trailer carried).
public final class BodyTrailers: Sendable {
    private let storage = Mutex<[HTTPField]>([])
    /// The lower-case name of the checksum field the body's `x-amz-trailer` announced (`x-amz-checksum-crc32`),
    /// known before the body is read: a forwarder that frames the body again announces the same.
    public let announced: String?

    public init(announcing name: String? = nil) {
        announced = name
    }

    /// Empty until the body has been read to its end.
    public var fields: [HTTPField] { storage.withLock { $0 } }

    public func set(_ fields: [HTTPField]) { storage.withLock { $0 = fields } }
}
