public import AccessPointCore

/// One S3 or S3 Control request after the router has classified its host and authenticated its sender.
///
/// Path and query are kept raw (percent-encoded, as on the wire): each responder matches its routes first and
/// decodes labels afterwards, because a decoded `/` inside a label would change the route.
public struct S3Request: Sendable {
    public var method: String
    /// The request target's path, still percent-encoded, e.g. `/v20180820/accesspoint/my-ap`.
    public var path: String
    /// Everything after `?`, still percent-encoded; empty when absent.
    public var query: String
    public var headers: S3Headers
    /// What the Host header named.
    public var host: HostClass
    public var caller: S3Caller
    public var body: S3Body

    public init(
        method: String,
        path: String,
        query: String = "",
        headers: S3Headers = [:],
        host: HostClass,
        caller: S3Caller,
        body: S3Body = .empty
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.host = host
        self.caller = caller
        self.body = body
    }

    /// Query parameters in order, names and values percent-decoded (`+` is a space only in form bodies, not here).
    public var queryItems: [(name: String, value: String)] { QueryString.items(query) }

    /// The parameters of a raw query string in order, names and values percent-decoded.
    public static func items(ofQuery raw: String) -> [(name: String, value: String)] { QueryString.items(raw) }

    /// The first value of query parameter `name`.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }
}
