/// A request to one bucket of a backing store, as the router hands it on once it has resolved the access point,
/// authenticated the caller and allowed the request.
///
/// The router has already done everything access point specific: `bucket` is the bucket's name in the store, the
/// key is decoded, the client's authentication headers are gone, `x-amz-copy-source` names `bucket/key` in the
/// store, and an aws-chunked body is decoded (so `body` holds the object's bytes and `Content-Length` their
/// number). A store answers as S3 would answer a path-style request for `/bucket/key?query`.
public struct BucketRequest: Sendable {
    public var method: String
    /// The bucket's name in the store.
    public var bucket: String
    /// The object key, percent-decoded; nil for bucket-level requests (listings, multipart upload listings,
    /// DeleteObjects).
    public var key: String?
    /// Everything after `?`, still percent-encoded; empty when absent.
    public var query: String
    public var headers: S3Headers
    public var body: S3Body
    /// The identifiers the response must carry (the router made them when the request arrived).
    public var id: S3RequestID

    public init(
        method: String,
        bucket: String,
        key: String?,
        query: String = "",
        headers: S3Headers = [:],
        body: S3Body = .empty,
        id: S3RequestID
    ) {
        self.method = method
        self.bucket = bucket
        self.key = key
        self.query = query
        self.headers = headers
        self.body = body
        self.id = id
    }

    /// Query parameters in order, names and values percent-decoded.
    public var queryItems: [(name: String, value: String)] { QueryString.items(query) }

    /// The first value of query parameter `name`.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Whether the query names `name`, with or without a value (`?uploads`, `?tagging`).
    public func hasQueryItem(_ name: String) -> Bool {
        queryItems.contains { $0.name == name }
    }
}

/// A backing bucket store: the embedded file-backed store, or a forwarder to an S3-compatible server.
///
/// Like every responder it never throws: failures are S3 error responses (`S3ErrorRenderer`), with the request's
/// identifiers on every response. Response bodies may stream.
public protocol BucketResponder: Sendable {
    func respond(to request: BucketRequest) async -> S3Response
}

/// Splitting and decoding a raw query string, shared by every request type.
enum QueryString {
    static func items(_ query: String) -> [(name: String, value: String)] {
        guard !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(String(parts[0])) ?? String(parts[0])
            let value = parts.count > 1 ? (PercentDecoding.decode(String(parts[1])) ?? String(parts[1])) : ""
            return (name, value)
        }
    }
}
