public import NIOCore

/// A request or response body.
///
/// Control-plane bodies are small and arrive whole, as one buffer. This type is the seam for streaming: the data
/// plane will add a streamed form here (an async sequence of buffers), and `collected(upTo:)` will then gather it,
/// so a responder that needs the whole body keeps working unchanged.
public struct S3Body: Sendable, Equatable {
    private var buffer: ByteBuffer

    public init(_ buffer: ByteBuffer) {
        self.buffer = buffer
    }

    public init(string: String) {
        self.buffer = ByteBuffer(string: string)
    }

    public static let empty = S3Body(ByteBuffer())

    /// The whole body, or nil when it is longer than `limit` bytes.
    public func collected(upTo limit: Int) async -> ByteBuffer? {
        buffer.readableBytes <= limit ? buffer : nil
    }

    /// The whole body as bytes, or nil when it is longer than `limit` bytes; for responders that parse small
    /// bodies and need not import NIO.
    public func collectedBytes(upTo limit: Int) async -> [UInt8]? {
        await collected(upTo: limit).map { Array($0.readableBytesView) }
    }

    /// The bytes held now; for bodies known to be complete (responses built in memory, tests).
    public var bytes: ByteBuffer { buffer }
}
