public import AccessPointCore
public import S3Auth
public import S3HTTP
import S3Serving

/// One request to `aprouter store serve`, without sockets: authenticate with SigV4 (anonymous requests are
/// refused), find the bucket and key the request names (path-style or virtual-hosted), check the body the way the
/// signature promised as it streams (`x-amz-content-sha256`, `UNSIGNED-PAYLOAD`, aws-chunked), and hand the store
/// the same `BucketRequest` the router would.
public struct StoreRequestHandler: Sendable {
    let configuration: StoreServerConfiguration
    let store: any BucketResponder
    let verifier: SigV4Verifier
    let requestIDs: any S3RequestIDGenerator
    let clock: @Sendable () -> AmzDate

    public init(
        configuration: StoreServerConfiguration,
        store: any BucketResponder,
        requestIDs: any S3RequestIDGenerator,
        clock: @escaping @Sendable () -> AmzDate
    ) {
        self.configuration = configuration
        self.store = store
        self.verifier = SigV4Verifier()
        self.requestIDs = requestIDs
        self.clock = clock
    }

    /// What the access log says about one request; `errorCode` is set when the server refused it itself.
    public struct Record: Sendable {
        public var requestID = ""
        public var bucket: String?
        public var key: String?
        public var errorCode: String?

        public init() {}
    }

    /// The response to a request; `body` is the raw request body, read only once the request is authenticated.
    public func respond(
        method: String,
        target: String,
        headers: [HTTPField],
        body: S3Body,
        record: inout Record
    ) async -> S3Response {
        let id = requestIDs.next()
        record.requestID = id.requestID
        let (rawPath, rawQuery) = ForwardedRequest.split(target)
        let host = headers.first { $0.name.lowercased() == "host" }?.value ?? ""
        let addressed = StoreAddressing.target(host: host, rawPath: rawPath, domains: configuration.domains)
        if case .bucket(let bucket, let key)? = addressed {
            record.bucket = bucket
            record.key = key
        }
        func refuse(_ error: S3Error) -> S3Response {
            record.errorCode = error.code
            var resource: String?
            if let bucket = record.bucket { resource = "/" + bucket + (record.key.map { "/" + $0 } ?? "") }
            return S3ErrorRenderer(envelope: .s3).response(for: error, id: id, resource: resource)
        }
        let authentication: SigV4Authentication
        do {
            authentication = try authenticate(SigV4Request(method: method, target: target, headers: headers))
        } catch {
            return refuse(error)
        }
        switch addressed {
        case nil:
            return refuse(.invalidURI.because("The request path is not valid percent-encoded UTF-8."))
        case .service?:
            guard method == "GET" else {
                return refuse(.methodNotAllowed.because("The method \(method) is not allowed against this resource."))
            }
            return listBuckets(id: id, owner: authentication.identity)
        case .bucket(let bucket, let key)?:
            // Where the bucket lives: the region this server was given, else the one the client signed for (any
            // region's signature is accepted, so the bucket is in whichever the client names).
            func region() -> String {
                switch configuration.region {
                case .exactly(let region): region
                case .anyOf, .any: authentication.scope.region
                }
            }
            if key == nil, method == "GET", Self.names(rawQuery, "location") {
                guard configuration.buckets.contains(bucket) else { return refuse(.noSuchBucket) }
                return S3BucketRegion.location(region(), id: id)
            }
            let requestHeaders = S3Headers(headers)
            // CompleteMultipartUpload's x-amz-checksum-* is the checksum of the object it assembles, which the store
            // checks, not of its XML body.
            let completesUpload =
                method == "POST"
                && Self.names(rawQuery, "uploadId")
            let checksum: DeclaredChecksum?
            do {
                checksum =
                    completesUpload
                    ? nil : try DeclaredChecksum.declared(in: requestHeaders.fields, payload: authentication.payload)
            } catch {
                return refuse(error)
            }
            let decoded = S3Body.verified(
                body,
                payload: authentication.payload,
                declaredLength: requestHeaders["content-length"].flatMap { Int($0) },
                checksum: checksum
            )
            let answer = await store.respond(
                to: BucketRequest(
                    method: method,
                    bucket: bucket,
                    key: key,
                    query: ForwardedRequest.query(rawQuery),
                    headers: ForwardedRequest.headers(
                        requestHeaders,
                        body: decoded,
                        copySource: requestHeaders["x-amz-copy-source"]
                    ),
                    body: decoded,
                    id: id
                )
            )
            guard key == nil, method == "HEAD" else { return answer }
            return S3BucketRegion.headBucket(answer, region: region(), namedByAlias: false)
        }
    }

    /// Whether a raw query names the parameter `name` (`name`, or `name=` with a value).
    static func names(_ rawQuery: String, _ name: String) -> Bool {
        rawQuery.split(separator: "&").contains { $0 == name || $0.hasPrefix(name + "=") }
    }

    /// SigV4 over the request head: signature, time, scope. The body is checked as it streams.
    func authenticate(_ request: SigV4Request) throws(S3Error) -> SigV4Authentication {
        if request.query.contains("AWSAccessKeyId="), request.query.contains("Signature=") {
            // A SigV2 presigned URL (what `aws s3 presign` makes unless told `signature_version = s3v4`).
            throw S3Error.invalidRequest.because(
                "SigV2 presigned URLs are not supported. Please use AWS4-HMAC-SHA256 (signature_version = s3v4)."
            )
        }
        guard request.value(of: "authorization") != nil || request.query.contains("X-Amz-Signature=") else {
            throw S3Error.accessDenied.because("Anonymous requests are not supported; sign requests with SigV4.")
        }
        return try verifier.verify(
            request,
            region: configuration.region,
            credentials: configuration.credentials,
            now: clock()
        )
    }

    /// ListBuckets: the buckets this server serves, owned by whoever asked.
    func listBuckets(id: S3RequestID, owner: SigV4Identity) -> S3Response {
        var text = #"<?xml version="1.0" encoding="UTF-8"?>"#
        text += #"<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#
        text += "<Owner><ID>\(owner.accountID)</ID><DisplayName>\(owner.userName)</DisplayName></Owner><Buckets>"
        for bucket in configuration.buckets.sorted() {
            // Bucket names are S3 names (letters, digits, `.`, `-`): nothing to escape.
            text +=
                "<Bucket><Name>\(bucket)</Name><CreationDate>\(configuration.started.iso8601)</CreationDate></Bucket>"
        }
        text += "</Buckets></ListAllMyBucketsResult>"
        return S3Response(
            status: 200,
            headers: S3ErrorRenderer.headers(id: id, contentType: "application/xml"),
            body: S3Body(string: text)
        )
    }
}
