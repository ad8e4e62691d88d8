import NIOCore
import NIOHTTP1
package import S3HTTP

/// Writes an `S3Response` to an HTTP/1.1 connection, streaming its body with backpressure.
package enum ResponseWriter {
    /// A first body part up to this size is copied into the head's buffer: one write and one TLS record for a small
    /// response, where two made two (sealing a record costs more than copying a few KiB).
    static let joinedBodyLimit = 8 * 1024

    /// What writing a response came to.
    package struct Written {
        /// Body bytes sent.
        package var sent: Int
        /// Whether the response was framed to end with the connection (`Connection: close` was sent).
        package var closesConnection: Bool
    }

    /// Writing a response stopped before its end: the connection closed (the client left), the body failed (a
    /// store that stopped sending), or the head could not be encoded. The connection cannot carry another response.
    package struct Interrupted: Error {
        /// Whether the head, and so the status, was written to the connection.
        package var headSent: Bool
        /// Body bytes written to the connection.
        package var sent: Int
        /// What stopped it.
        package var error: any Error
    }

    /// Writes the response, streaming its body.
    ///
    /// - Throws: `Interrupted`, with what was sent and why it stopped: `HTTPResponseEncoding.InvalidField` for a
    ///   field that cannot go on the wire (nothing was sent), the body's and the connection's errors.
    package static func write(
        _ response: S3Response,
        to connection: some ServerConnection,
        for request: RequestHead,
        keepAlive: Bool
    ) async throws(Interrupted) -> Written {
        var progress = Written(sent: 0, closesConnection: false)
        var headSent = false
        do {
            return try await write(
                response,
                to: connection,
                for: request,
                keepAlive: keepAlive,
                progress: &progress,
                headSent: &headSent
            )
        } catch {
            throw Interrupted(headSent: headSent, sent: progress.sent, error: error)
        }
    }

    /// `write(_:to:for:keepAlive:)`, keeping `progress` and `headSent` current as the bytes reach the connection.
    private static func write(
        _ response: S3Response,
        to connection: some ServerConnection,
        for request: RequestHead,
        keepAlive: Bool,
        progress: inout Written,
        headSent: inout Bool
    ) async throws -> Written {
        var body = response.body.makeAsyncIterator()
        // The head waits for the first part of the body, which joins it when small, and a body whose known length
        // is complete goes out with the end: a small response is one write, one flush, one system call.
        let first = request.method == .HEAD ? nil : try await nextNonEmpty(&body)
        let firstSize = first?.readableBytes ?? 0
        let head = try HTTPResponseEncoding.head(
            status: response.status,
            headers: response.headers,
            bodyLength: response.body.length,
            version: request.version,
            method: request.method,
            keepAlive: keepAlive,
            // Eight more for a chunk's framing: its size in hex (four digits at most here) and two line ends.
            bodyCapacity: firstSize <= joinedBodyLimit ? firstSize + 8 : 0,
            allocator: connection.allocator
        )
        let framing = head.framing
        progress.closesConnection = head.closesConnection
        // Taken out of `head`, so the buffer has one owner and the body joins it without a copy of the head.
        var headBytes = (consume head).bytes
        guard framing != .none else {
            try await connection.write(headBytes, endsResponse: true, flush: true)
            headSent = true
            // The stream is still read to its end (a store's connection goes back to its pool only then).
            while try await body.next() != nil {}
            return progress
        }
        guard var chunk = first else {
            // A body that ended before its declared length (its store stopped, or its task was cancelled).
            guard framing != .length || response.body.length == 0 else { throw BodyShorterThanLength() }
            if framing == .chunked { headBytes.writeImmutableBuffer(HTTPResponseEncoding.lastChunk) }
            try await connection.write(headBytes, endsResponse: true, flush: true)
            headSent = true
            return progress
        }

        var ended = false
        var pendingHead: ByteBuffer? = consume headBytes
        while true {
            // A body longer than its length: the end was sent, and nothing may follow it on this connection.
            guard !ended else { throw BodyLongerThanLength() }
            let size = chunk.readableBytes
            ended = framing == .length && progress.sent + size == response.body.length
            // A chunk is framed by copying it: chunked responses are the rare ones, from a store that sent no length.
            var bytes = framing == .chunked ? HTTPResponseEncoding.chunk(chunk) : chunk
            if var joined = pendingHead {
                pendingHead = nil
                if bytes.readableBytes <= joinedBodyLimit {
                    joined.writeBuffer(&bytes)
                    bytes = joined
                } else {
                    try await connection.write(joined, endsResponse: false)
                    headSent = true
                }
            }
            // Each part is flushed, and the next waits while the channel is not writable: the writes reach the
            // channel as they are made, so its writability is current and a fast store cannot queue more than the
            // channel's high-water mark here.
            try await connection.write(bytes, endsResponse: ended, flush: true)
            headSent = true
            progress.sent += size
            guard let next = try await nextNonEmpty(&body) else { break }
            chunk = next
        }
        if !ended {
            // Fewer bytes than the declared length: the client must see the response cut short, not complete.
            guard framing != .length else { throw BodyShorterThanLength() }
            let end = framing == .chunked ? HTTPResponseEncoding.lastChunk : ByteBuffer()
            try await connection.write(end, endsResponse: true, flush: true)
        }
        return progress
    }

    private static func nextNonEmpty(_ body: inout S3Body.AsyncIterator) async throws -> ByteBuffer? {
        while let chunk = try await body.next() {
            if chunk.readableBytes > 0 { return chunk }
        }
        return nil
    }
}

/// A response body that yielded more bytes than its declared length; the connection must close.
struct BodyLongerThanLength: Error {}

/// A response body that ended before its declared length; the connection must close.
struct BodyShorterThanLength: Error {}
