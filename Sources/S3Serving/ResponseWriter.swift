package import NIOCore
package import NIOHTTP1
package import S3HTTP

/// Writes an `S3Response` to an HTTP/1.1 connection, streaming its body with backpressure.
package enum ResponseWriter {
    static let writeBarrierBytes = 1 << 20

    /// Writes the response, streaming its body; returns the number of body bytes sent.
    package static func write(
        _ response: S3Response,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        on eventLoop: any EventLoop,
        for request: HTTPRequestHead,
        keepAlive: Bool
    ) async throws -> Int {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        if !headers.contains(name: "content-length"), let length = response.body.length {
            headers.add(name: "Content-Length", value: "\(length)")
        }
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        // The head waits for the first part of the body, and a body whose known length is complete goes out with
        // the end: a small response is one write, one flush, one system call, where three flushes made three.
        var head: HTTPServerResponsePart? = .head(
            HTTPResponseHead(version: request.version, status: .init(statusCode: response.status), headers: headers)
        )
        var ended = false
        var sent = 0
        var sinceBarrier = 0
        if request.method != .HEAD {
            for try await chunk in response.body where chunk.readableBytes > 0 {
                // A body longer than its length: the end was sent, and nothing may follow it on this connection.
                guard !ended else { throw BodyLongerThanLength() }
                sent += chunk.readableBytes
                sinceBarrier += chunk.readableBytes
                // The stream is still read to its end (a store's connection goes back to its pool only then).
                ended = sent == response.body.length
                let part = HTTPServerResponsePart.body(.byteBuffer(chunk))
                switch (head, ended) {
                case (nil, false): try await outbound.write(part)
                case (nil, true): try await outbound.write(contentsOf: [part, .end(nil)])
                case (let pending?, false): try await outbound.write(contentsOf: [pending, part])
                case (let pending?, true): try await outbound.write(contentsOf: [pending, part, .end(nil)])
                }
                head = nil
                // The writer suspends only once the channel reports itself unwritable, and the channel learns of
                // writes only when its event loop runs them: a starved event loop would let a fast store queue
                // hundreds of MiB here. A task on the loop after every MiB waits until the writes before it have
                // reached the channel, so writability is current (measured: 143 MiB transient growth for a 2 GiB
                // GET under CPU contention without it).
                if sinceBarrier >= Self.writeBarrierBytes {
                    sinceBarrier = 0
                    try await eventLoop.submit {}.get()
                }
            }
        }
        if !ended {
            if let head {
                try await outbound.write(contentsOf: [head, .end(nil)])
            } else {
                try await outbound.write(.end(nil))
            }
        }
        return sent
    }
}

/// A response body that yielded more bytes than its declared length; the connection must close.
struct BodyLongerThanLength: Error {}
