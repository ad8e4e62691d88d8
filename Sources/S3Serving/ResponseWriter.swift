import NIOCore
package import NIOHTTP1
package import S3HTTP

/// Writes an `S3Response` to an HTTP/1.1 connection, streaming its body with backpressure.
package enum ResponseWriter {
    /// Writes the response, streaming its body; returns the number of body bytes sent.
    package static func write(
        _ response: S3Response,
        to connection: HTTPServerConnection,
        for request: HTTPRequestHead,
        keepAlive: Bool
    ) async throws -> Int {
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.headers.fields.count + 2)
        for header in response.headers { headers.add(name: header.name, value: header.value) }
        if !headers.contains(name: "content-length"), let length = response.body.length {
            headers.add(name: "Content-Length", value: String(length))
        }
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        // The head waits for the first part of the body, and a body whose known length is complete goes out with
        // the end: a small response is one flush, one system call, where three flushes made three.
        var head: HTTPServerResponsePart? = .head(
            HTTPResponseHead(version: request.version, status: .init(statusCode: response.status), headers: headers)
        )
        var ended = false
        var sent = 0
        if request.method != .HEAD {
            for try await chunk in response.body where chunk.readableBytes > 0 {
                // A body longer than its length: the end was sent, and nothing may follow it on this connection.
                guard !ended else { throw BodyLongerThanLength() }
                sent += chunk.readableBytes
                // The stream is still read to its end (a store's connection goes back to its pool only then).
                ended = sent == response.body.length
                if let pending = head {
                    try await connection.write(pending)
                    head = nil
                }
                // Each part is flushed, and the next waits while the channel is not writable: the writes reach
                // the channel as they are made, so its writability is current and a fast store cannot queue more
                // than the channel's high-water mark here.
                try await connection.write(.body(.byteBuffer(chunk)), flush: !ended)
                if ended { try await connection.write(.end(nil), flush: true) }
            }
        }
        if !ended {
            if let head { try await connection.write(head) }
            try await connection.write(.end(nil), flush: true)
        }
        return sent
    }
}

/// A response body that yielded more bytes than its declared length; the connection must close.
struct BodyLongerThanLength: Error {}
