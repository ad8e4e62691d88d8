public import AccessPointCore

/// The one place an `S3Error` becomes an HTTP response (STYLE §5): the error's status, `Content-Type:
/// application/xml`, `x-amz-request-id`, `x-amz-id-2`, and the `S3ErrorDocument` body in the data-plane `<Error>`
/// or control-plane `<ErrorResponse>` envelope.
public struct S3ErrorRenderer: Sendable {
    public var envelope: S3ErrorDocument.Envelope

    public init(envelope: S3ErrorDocument.Envelope) {
        self.envelope = envelope
    }

    /// - Parameter resource: the `<Resource>` of the data-plane envelope (`/bucket/key`); ignored for control.
    public func response(for error: S3Error, id: S3RequestID, resource: String? = nil) -> S3Response {
        let document = S3ErrorDocument(
            error,
            envelope: envelope,
            requestID: id.requestID,
            hostID: id.hostID,
            resource: resource
        )
        return S3Response(
            status: error.status,
            headers: Self.headers(id: id, contentType: "application/xml"),
            body: S3Body(string: document.render())
        )
    }

    /// The identifying headers every response carries, errors and successes alike.
    public static func headers(id: S3RequestID, contentType: String? = nil) -> S3Headers {
        var headers: S3Headers = [:]
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        addIdentifiers(id, to: &headers)
        return headers
    }

    /// `x-amz-request-id` and `x-amz-id-2`, added to `headers` (a response that has fields of its own).
    public static func addIdentifiers(_ id: S3RequestID, to headers: inout S3Headers) {
        headers.add(name: "x-amz-request-id", value: id.requestID)
        headers.add(name: "x-amz-id-2", value: id.hostID)
    }
}
