package import NIOCore

/// One HTTP/1.1 server connection as the task that serves it sees it: request parts in (read from the connection's
/// bytes by `HTTPRequestParser`), response bytes out (already in HTTP/1.1's wire format, see `HTTPResponseEncoding`).
/// `KeepAliveServing` serves any of them: `HTTPServerConnection` on a SwiftNIO channel, `SocketHTTPConnection` on
/// the socket engine.
package protocol ServerConnection: AnyObject, Sendable {
    /// The next request part, or nil once the client closed the connection (or it is draining between requests).
    func next() async throws -> HTTPRequestParser.Part?
    /// Takes the request's `.end` if it is the next part and has arrived: a request without a body that was
    /// answered without reading it leaves the connection usable. False otherwise.
    func takeEndIfReady() -> Bool
    /// Writes response bytes, and sends everything written so far if `flush`; throws if the connection is closed.
    /// `endsResponse` marks a response's last bytes (an informational response is whole in itself). Returns once
    /// the client can take more (after a flush).
    func write(_ bytes: ByteBuffer, endsResponse: Bool, flush: Bool) async throws
    /// Whether the server is shutting down: the response under way, if any, is the connection's last.
    var isDraining: Bool { get }
    /// Lets the request under way, if any, finish, and ends the request stream after it. Callable from any thread.
    func drain()
    /// Closes the connection.
    func close() async
    /// Whether the client has left: the connection closed, or the client closed its sending side while a request
    /// was under way.
    var hasClientLeft: Bool { get }
    /// Where response buffers come from.
    var allocator: ByteBufferAllocator { get }
}

extension HTTPServerConnection: ServerConnection {
    package var allocator: ByteBufferAllocator { channel.allocator }
}

extension ServerConnection {
    /// Writes response bytes without sending them yet.
    package func write(_ bytes: ByteBuffer, endsResponse: Bool) async throws {
        try await write(bytes, endsResponse: endsResponse, flush: false)
    }
}
