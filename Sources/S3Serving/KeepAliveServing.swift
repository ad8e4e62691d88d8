import AccessPointCore
package import NIOCore
package import S3HTTP
import ServiceLifecycle
package import SocketEngine

/// How the router and the store server serve HTTP/1.1: each accepted connection in a task of its own on the
/// connection's event loop, its requests one after another.
package enum KeepAliveServing {
    /// What one request came to, for the access log and metrics.
    package struct Completed {
        package let head: RequestHead
        /// The response's status; `clientClosedRequest` (nginx's 499) when the client left before any of it was sent.
        package let status: Int
        /// Request body bytes read.
        package let received: Int
        /// Response body bytes sent.
        package let sent: Int
        package let elapsed: Duration
        /// How the response ended.
        package let ending: Ending

        /// How a response ended.
        package enum Ending: String, Sendable {
            /// Sent whole.
            case whole
            /// The client closed the connection first: its request was cancelled (see `accept`), or it left while
            /// the response was streaming.
            case clientClosed = "client_closed"
            /// The response's body failed (a store that stopped sending it), or its head could not be encoded; the
            /// connection was closed after what was sent: a response cut short, or an S3 error in place of a
            /// response none of which was sent (`status` is then the error's).
            case failed
        }

        /// The status logged for a request whose client left before its response's head was sent, as nginx does.
        package static let clientClosedRequest = S3Response.clientClosedRequest
    }

    /// Serves every connection `listener` accepts until it closes. A connection's requests are served on its own
    /// event loop (see `EventLoopTaskExecutor`): a small request never leaves that thread.
    ///
    /// A client that leaves while its connection is being served (it closed the connection, or closed its sending
    /// side while a request was under way: `AcceptedConnection.clientLeft`) cancels the serving, as nginx ends the
    /// upstream request of a client that went away (`proxy_ignore_client_abort off`): the store's request is
    /// abandoned (`S3Response.abandoned`: nothing is sent, 499 in the log), or, still waiting for a connection to the
    /// store, never sent. An answer that needs no store is still sent to a client that only closed its sending side.
    /// Without it, the task waited for the store's answer (up to `upstream.readTimeout`) only to find nobody to give
    /// it to.
    package static func accept<Accepted: AcceptedConnection>(
        _ listener: NIOAsyncChannel<Accepted, Never>,
        serve: @escaping @Sendable (Accepted) async -> Void
    ) async throws {
        try await listener.executeThenClose { accepted in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in accepted {
                    let channel = connection.channel
                    group.addTask(executorPreference: EventLoopTaskExecutor(channel.eventLoop)) {
                        await withTaskGroup(of: Void.self) { serving in
                            serving.addTask { await serve(connection) }
                            serving.addTask {
                                // Returns when the connection closes; cancelled (serving ended first), closes it.
                                await withTaskCancellationHandler {
                                    try? await connection.clientLeft.get()
                                } onCancel: {
                                    channel.close(promise: nil)
                                }
                            }
                            _ = await serving.next()
                            serving.cancelAll()
                        }
                    }
                }
            }
        }
    }

    /// Reads requests one after another on a keep-alive connection and answers each. A request's body streams to
    /// `answer` as the client sends it; when a response is sent before the body was read to its end (the request
    /// was refused, or the store answered early), the connection is closed after it, since the rest of the body
    /// would otherwise be read as the next request. `completed` hears of each request once its response is sent,
    /// or once sending it stopped (`Completed.ending`). What a caller records of a request (its access-log fields)
    /// it keeps in its own variable, which `answer` sets and `completed` reads: the two are called in turn, a
    /// request at a time.
    ///
    /// On graceful shutdown (swift-service-lifecycle's, which the connection's task inherits from the server's),
    /// the request under way is answered with `Connection: close`, and a connection waiting for its next request
    /// closes at once: a server with idle keep-alive clients still stops.
    ///
    /// - Throws: what ended the connection other than the client closing it between requests, `answer`'s errors
    ///   included (the connection then closes without a response).
    package static func serve<Connection: ServerConnection>(
        _ connection: Connection,
        answer: (RequestHead, S3Body) async throws -> S3Response,
        completed: (Completed) -> Void
    ) async throws {
        do {
            try await withGracefulShutdownHandler {
                try await serveRequests(connection, answer: answer, completed: completed)
            } onGracefulShutdown: {
                connection.drain()
            }
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    private static func serveRequests<Connection: ServerConnection>(
        _ connection: Connection,
        answer: (RequestHead, S3Body) async throws -> S3Response,
        completed: (Completed) -> Void
    ) async throws {
        let parts = ConnectionInbound(connection)
        while let head = try await parts.nextHead() {
            let started = ContinuousClock.now
            // A head that declares no body has none (RFC 9112 §6.3): its length is known, so a responder that reads
            // it is answered at once instead of through the body's parts; its end, already arrived, is taken after
            // the response (`bodyEndedOrEmpty`).
            let body = S3Body(length: head.bodyLength == 0 ? 0 : nil, stream: IncomingBody(connection: parts))
            let response = try await answer(head, body)
            // One access-log line per request, however its response ended.
            func report(_ status: Int, sent: Int, _ ending: Completed.Ending) {
                let elapsed = ContinuousClock.now - started
                completed(
                    Completed(
                        head: head,
                        status: status,
                        received: parts.bodyBytesRead,
                        sent: sent,
                        elapsed: elapsed,
                        ending: ending
                    )
                )
            }
            if response.status == S3Response.clientClosedRequest {
                // Abandoned: its client left while it waited. Nothing is sent; the connection closes.
                report(response.status, sent: 0, .clientClosed)
                break
            }
            let keepAlive = head.isKeepAlive && !connection.isDraining && parts.bodyEndedOrEmpty()
            let written: ResponseWriter.Written
            do {
                written = try await ResponseWriter.write(response, to: connection, for: head, keepAlive: keepAlive)
            } catch {
                let clientClosed = connection.hasClientLeft
                var status = clientClosed && !error.headSent ? Completed.clientClosedRequest : response.status
                if !clientClosed, !error.headSent, let refusal = Self.refusal(replacing: response, after: error.error) {
                    // Nothing was sent yet (a store sent its head, then failed before the body's first bytes): the
                    // client still gets an S3 error instead of a closed connection, and the connection ends after it.
                    status = refusal.status
                    _ = try? await ResponseWriter.write(refusal, to: connection, for: head, keepAlive: false)
                }
                // Still one line in the access log: what was sent, and who ended it.
                report(status, sent: error.sent, clientClosed ? .clientClosed : .failed)
                throw error.error
            }
            report(response.status, sent: written.sent, .whole)
            guard !written.closesConnection else { break }
        }
    }
}

extension KeepAliveServing {
    /// The S3 error sent in place of `response` when it failed before any of it was sent: `500 InternalError` for a
    /// head that could not be encoded, else `503 ServiceUnavailable` (its body failed: the store stopped sending),
    /// with `response`'s request identifiers. Nil for a response without them (not one of an S3 responder's).
    static func refusal(replacing response: S3Response, after error: any Error) -> S3Response? {
        guard let requestID = response.headers["x-amz-request-id"], let hostID = response.headers["x-amz-id-2"] else {
            return nil
        }
        let refusal: S3Error =
            if let invalid = error as? HTTPResponseEncoding.InvalidField {
                .internalError.because("The response's field \(invalid.name) could not be sent.")
            } else {
                .serviceUnavailable.because("The response's body failed before any of it was sent: \(error).")
            }
        let id = S3RequestID(requestID: requestID, hostID: hostID)
        return S3ErrorRenderer(envelope: .s3).response(for: refusal, id: id)
    }
}

/// What a listener yields for each connection: its channel, and when its client left (which cancels its serving).
package protocol AcceptedConnection: Sendable {
    var channel: any Channel { get }
    /// Succeeds when the client has left: the connection closed, or, where the listener allows half-closure, the
    /// client closed its sending side while a request was under way.
    var clientLeft: EventLoopFuture<Void> { get }
}

extension HTTPServerConnection: AcceptedConnection {}

extension KeepAliveServing {
    /// ``serve(_:answer:completed:)`` for the socket engine's HTTPS connections, made concrete in this module: the
    /// optimizer then specializes everything under it (`ConnectionInbound`, `IncomingBody`, `ResponseWriter`, the
    /// connection's own methods) for `SocketHTTPConnection<TLSStream>`. Generic code called from another module runs
    /// unspecialized: each call to the connection goes through its witness table, and locals of its generic types
    /// are sized and allocated at run time (bench/README.md, session 14, has the instructions this saves).
    package static func serveTLS(
        _ connection: SocketHTTPConnection<TLSStream>,
        answer: (RequestHead, S3Body) async throws -> S3Response,
        completed: (Completed) -> Void
    ) async throws {
        try await serve(connection, answer: answer, completed: completed)
    }

    /// ``serve(_:answer:completed:)`` for SwiftNIO's connections (the default engine's, and the store server's),
    /// made concrete here for the same reason as ``serveTLS(_:answer:completed:)``: called generically from the
    /// router, the serving loop ran unspecialized, and each request's body type (`IncomingBody` of the connection)
    /// was looked up in the runtime's metadata cache when it was boxed.
    package static func serveNIO(
        _ connection: HTTPServerConnection,
        answer: (RequestHead, S3Body) async throws -> S3Response,
        completed: (Completed) -> Void
    ) async throws {
        try await serve(connection, answer: answer, completed: completed)
    }
}
