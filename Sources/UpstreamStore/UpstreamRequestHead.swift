import S3Auth
import S3HTTP

/// The request line and header fields a bucket request becomes upstream, before signing.
///
/// The path is what goes on the wire and what SigV4 signs (S3 signs the raw path, spec §5.2): the bucket and the
/// key written with S3's URI encoding, every byte but `A-Z a-z 0-9 - _ . ~` and the key's `/` as `%XX`, as
/// botocore writes them. The query is re-encoded the same way (``UpstreamQuery``).
struct UpstreamRequestHead: Sendable {
    var method: String
    var scheme: String
    /// The `Host` header: the endpoint's authority, or `bucket.authority` for virtual-hosted requests.
    var host: String
    var path: String
    var query: String
    /// Every field to sign and send, `Host` first.
    var headers: [(name: String, value: String)]

    init(
        request: BucketRequest,
        endpoint: UpstreamEndpoint,
        remoteBucket: String,
        pathStyle: Bool
    ) {
        method = request.method
        scheme = endpoint.scheme
        let key = request.key.map { "/" + CanonicalQuery.uriEncode($0, keepingSlash: true) } ?? ""
        if pathStyle {
            host = endpoint.authority
            path = endpoint.basePath + "/" + CanonicalQuery.uriEncode(remoteBucket) + key
        } else {
            host = remoteBucket + "." + endpoint.authority
            path = endpoint.basePath + (key.isEmpty ? "/" : key)
        }
        query = UpstreamQuery.normalized(request.query)
        headers =
            [("Host", host)]
            + UpstreamHeaders.request(request.headers, labBucket: request.bucket, remoteBucket: remoteBucket)
    }

    /// The request target on the wire: exactly the signed path and query.
    var target: String {
        query.isEmpty ? path : path + "?" + query
    }

    var sigV4Request: SigV4Request {
        SigV4Request(method: method, path: path, query: query, headers: headers)
    }
}
