package import NIOCore

/// The request parts of one keep-alive connection, shared between the connection loop (which reads heads) and the
/// body of the request being answered (which reads that request's body parts as the responder asks for them).
///
/// Only one of them reads at a time: the loop waits for the response before it reads again, and reads again only
/// when the body reached its end; otherwise it closes the connection. That discipline is what makes the
/// `@unchecked Sendable` sound.
package final class ConnectionInbound<Connection: ServerConnection>: @unchecked Sendable {
    private let connection: Connection
    private var continuePending = false
    /// Whether the current request's `.end` has been read.
    package private(set) var bodyEnded = true
    /// Body bytes of the current request read so far.
    package private(set) var bodyBytesRead = 0

    package init(_ connection: Connection) {
        self.connection = connection
    }

    /// The next request head, or nil when the client closed the connection.
    package func nextHead() async throws -> RequestHead? {
        while let part = try await connection.next() {
            if case .head(let head) = part {
                bodyEnded = false
                bodyBytesRead = 0
                continuePending = head.expectsContinue
                return head
            }
        }
        return nil
    }

    /// The next piece of the current request's body, nil at its end. A client that asked to be told before it
    /// sends the body (`Expect: 100-continue`) is told now, when the body is first wanted: a request refused
    /// before that never makes the client send it.
    package func nextBodyPart() async throws -> ByteBuffer? {
        guard !bodyEnded else { return nil }
        if continuePending {
            continuePending = false
            try await connection.write(HTTPResponseEncoding.continueHead, endsResponse: false, flush: true)
        }
        guard let part = try await connection.next() else {
            bodyEnded = true
            throw ConnectionClosedMidBody()
        }
        switch part {
        case .body(let buffer):
            bodyBytesRead += buffer.readableBytes
            return buffer
        case .end:
            bodyEnded = true
            return nil
        case .head:
            bodyEnded = true
            throw ConnectionClosedMidBody()
        }
    }

    /// Whether the current request's body has been read to its end, taking that end now when the request has no
    /// body and its end has arrived (a request answered without reading its empty body keeps the connection).
    package func bodyEndedOrEmpty() -> Bool {
        if bodyEnded { return true }
        guard bodyBytesRead == 0, connection.takeEndIfReady() else { return false }
        bodyEnded = true
        return true
    }

    /// Whether the client was told to send its body, or sends it unasked.
    package var bodyWasRequested: Bool { !continuePending }

    struct ConnectionClosedMidBody: Error {}
}

/// The current request's body as the responder reads it.
package struct IncomingBody<Connection: ServerConnection>: AsyncSequence, Sendable {
    package let connection: ConnectionInbound<Connection>

    package init(connection: ConnectionInbound<Connection>) { self.connection = connection }

    package func makeAsyncIterator() -> Iterator { Iterator(connection: connection) }

    package struct Iterator: AsyncIteratorProtocol {
        let connection: ConnectionInbound<Connection>

        package func next() async throws -> ByteBuffer? { try await connection.nextBodyPart() }
    }
}
