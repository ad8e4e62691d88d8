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
}

/// Anything that answers S3 requests: the control API, the embedded bucket store, a forwarding backend.
///
/// A responder never throws: every failure is already an `S3Response`, rendered by `S3ErrorRenderer`.
public protocol S3Responder: Sendable {
    func respond(to request: S3Request) async -> S3Response
}
