/// What a responder answers: a status, header fields and a body.
public struct S3Response: Sendable {
    public var status: Int
    public var headers: S3Headers
    public var body: S3Body

    public init(status: Int, headers: S3Headers = [:], body: S3Body = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// nginx's 499, "client closed request": the status of a request whose client left before it was answered.
    public static let clientClosedRequest = 499

    /// What a responder returns for a request it abandoned because its client left (its task was cancelled while
    /// it waited on a store): nothing is sent, and the connection closes. Never on the wire.
    public static var abandoned: S3Response { S3Response(status: clientClosedRequest) }
}

/// Anything that answers S3 requests: the control API, the embedded bucket store, a forwarding backend.
///
/// A responder never throws: every failure is already an `S3Response`, rendered by `S3ErrorRenderer`.
public protocol S3Responder: Sendable {
    func respond(to request: S3Request) async -> S3Response
}
