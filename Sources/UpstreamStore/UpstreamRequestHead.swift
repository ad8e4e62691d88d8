import AccessPointCore
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
    var headers: [HTTPField]

    init(
        request: BucketRequest,
        endpoint: UpstreamEndpoint,
        remoteBucket: String,
        pathStyle: Bool
    ) {
        self.init(
            request: request,
            route: UpstreamRoute(endpoint: endpoint, remoteBucket: remoteBucket, pathStyle: pathStyle)
        )
    }

    init(request: BucketRequest, route: UpstreamRoute) {
        method = request.method
        scheme = route.scheme
        host = route.host
        if let key = request.key {
            path = route.pathPrefix + "/" + CanonicalQuery.uriEncode(key, keepingSlash: true)
        } else {
            path = route.pathStyle ? route.pathPrefix : route.pathPrefix + "/"
        }
        query = UpstreamQuery.normalized(request.query)
        // Reserved before `Host` goes in: an array literal would be allocated, then moved by the reservation.
        var headers: [HTTPField] = []
        headers.reserveCapacity(request.headers.fields.count + 1)
        headers.append(HTTPField(name: "Host", value: host))
        UpstreamHeaders.append(
            request.headers,
            labBucket: request.bucket,
            remoteBucket: route.remoteBucket,
            to: &headers
        )
        self.headers = headers
    }

    /// The request target on the wire: exactly the signed path and query.
    var target: String {
        query.isEmpty ? path : path + "?" + query
    }

    var sigV4Request: SigV4Request {
        SigV4Request(method: method, path: path, query: query, headers: headers)
    }
}

/// What every request to one store shares, made once when the store is configured: the scheme, the `Host`, and the
/// path before the key (the base path, and for path-style requests the bucket, URI-encoded).
struct UpstreamRoute: Sendable {
    var scheme: String
    var host: String
    /// `basePath/bucket` (path-style) or `basePath` (virtual-hosted); a key follows as `/key`.
    var pathPrefix: String
    var pathStyle: Bool
    var remoteBucket: String

    init(endpoint: UpstreamEndpoint, remoteBucket: String, pathStyle: Bool) {
        scheme = endpoint.scheme
        self.pathStyle = pathStyle
        self.remoteBucket = remoteBucket
        if pathStyle {
            host = endpoint.authority
            pathPrefix = endpoint.basePath + "/" + CanonicalQuery.uriEncode(remoteBucket)
        } else {
            host = remoteBucket + "." + endpoint.authority
            pathPrefix = endpoint.basePath
        }
    }
}
