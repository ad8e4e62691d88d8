public import AccessPointCore
import Foundation
public import NIOCore
public import S3Auth
public import S3HTTP
import SocketEngine

/// A bucket store that is another S3-compatible server (MinIO, `rclone serve s3`, Amazon S3): each request goes
/// there re-signed with the store's credentials, and its answer comes back as the store gave it.
///
/// Bodies stream both ways with backpressure and are never held whole: uploads are signed `UNSIGNED-PAYLOAD` so
/// nothing needs hashing first, and downloads are the HTTP client's response body. The store's statuses, headers
/// and error documents pass through; only the request identifiers become the router's. What the forwarder
/// answers itself:
/// - the client's body failed (a wrong payload hash, a short body): the upstream request is aborted, so the store
///   keeps no partial object, and the answer is the body's `S3Error` (`IncompleteBody` for a broken connection);
/// - the store cannot be reached (refused, timed out, unknown host): `503 ServiceUnavailable`.
///
/// The caller owns `client` and shuts it down; one client serves every store, its pool keeping connections alive
/// (``UpstreamClientConfiguration`` sets its timeouts).
public struct UpstreamBucketStore: BucketResponder {
    public let store: LabConfiguration.RemoteStore
    private let client: StoreClient
    private let signer: SigV4Signer
    /// The store's scheme, host and path prefix, made once.
    private let route: UpstreamRoute?
    private let origin: StoreOrigin?
    /// Whether a caller on a socket engine loop reaches the store with ``SocketStoreClient``: plain HTTP to an IP
    /// address (the engine neither resolves names nor speaks TLS as a client).
    private let engineReachable: Bool
    private let now: @Sendable () -> AmzDate

    /// - Parameters:
    ///   - keyCache: signing keys, shared with other signers and verifiers if wanted.
    ///   - now: the signing clock (tests may fix it); the system clock by default.
    public init(
        store: LabConfiguration.RemoteStore,
        client: StoreClient,
        keyCache: SigningKeyCache = SigningKeyCache(),
        now: @escaping @Sendable () -> AmzDate = UpstreamBucketStore.systemNow
    ) {
        self.store = store
        self.client = client
        self.signer = SigV4Signer(
            accessKeyID: store.accessKeyId,
            secretAccessKey: store.secretAccessKey,
            region: store.region.rawValue,
            service: "s3",
            keyCache: keyCache
        )
        let endpoint = UpstreamEndpoint(store.endpoint)
        self.route = endpoint.map {
            UpstreamRoute(endpoint: $0, remoteBucket: store.bucket, pathStyle: store.pathStyle)
        }
        self.origin =
            if let endpoint {
                StoreOrigin(
                    scheme: endpoint.scheme,
                    authority: store.pathStyle ? endpoint.authority : store.bucket + "." + endpoint.authority
                )
            } else { nil }
        self.engineReachable = origin.map { !$0.secure && $0.isIPLiteral } ?? false
        self.now = now
    }

    public func respond(to request: BucketRequest) async -> S3Response {
        let renderer = S3ErrorRenderer(envelope: .s3)
        // Only an error document names the resource: a success does not make its string.
        func resource() -> String { "/\(request.bucket)" + (request.key.map { "/\($0)" } ?? "") }
        guard let route, let origin else {
            let reason = "The bucket store's endpoint '\(store.endpoint)' is not an http(s) URL with a valid port."
            return renderer.response(for: .serviceUnavailable.because(reason), id: request.id, resource: resource())
        }
        if engineReachable, let loop = SocketLoop.current {
            return await respond(to: request, route: route, origin: origin, on: loop)
        }
        // On the caller's event loop when it is on one (the router's connections are): see `StoreClient`.
        let pool = client.loop()
        let onLoop = pool.loop.inEventLoop
        let upstream = signedRequest(request, route: route, onLoop: onLoop)
        let stream = UpstreamResponseStream(eventLoop: pool.loop)
        if onLoop {
            client.execute(upstream, to: origin, on: pool, sink: stream)
        } else {
            pool.loop.execute { [client] in client.execute(upstream, to: origin, on: pool, sink: stream) }
        }
        let answer: UpstreamResponseStream.Answer
        do {
            answer = try await withTaskCancellationHandler {
                try await stream.answer()
            } onCancel: {
                stream.cancel()
            }
        } catch {
            // Cancelled: the client left (see KeepAliveServing.accept), and nobody is there to answer.
            if error is CancellationError { return .abandoned }
            return failureResponse(error, of: upstream, for: request)
        }
        return Self.response(consume answer, method: request.method, id: request.id)
    }

    /// `respond(to:)` for a caller on a socket engine loop: the request and its answer on the caller's thread, by
    /// ``SocketStoreClient``.
    private func respond(
        to request: BucketRequest,
        route: UpstreamRoute,
        origin: StoreOrigin,
        on loop: SocketLoop
    ) async -> S3Response {
        let upstream = signedRequest(request, route: route, onLoop: true)
        do {
            let (head, body) = try await client.socketClient.send(upstream, to: origin, on: loop)
            return Self.response(head: head, body: body, method: request.method, id: request.id)
        } catch {
            // The client left. Its body, read on this task, may have recorded the cancellation as its own failure.
            if error is CancellationError || Task.isCancelled { return .abandoned }
            return failureResponse(error, of: upstream, for: request)
        }
    }

    /// The router's answer when the store's could not be had: the client's body's failure, 500 for a request that
    /// HTTP/1.1 cannot carry, 503 otherwise.
    private func failureResponse(
        _ error: any Error,
        of upstream: StoreRequest,
        for request: BucketRequest
    ) -> S3Response {
        let renderer = S3ErrorRenderer(envelope: .s3)
        let resource = "/\(request.bucket)" + (request.key.map { "/\($0)" } ?? "")
        if let failure = upstream.bodyFailure {
            return renderer.response(for: failure, id: request.id, resource: resource)
        }
        if let refused = error as? StoreClientError, refused.isRefusedBeforeSending {
            return renderer.response(for: .internalError.because("\(error)."), id: request.id, resource: resource)
        }
        let reason = "The bucket store at \(store.endpoint) is unreachable: \(error)"
        return renderer.response(for: .serviceUnavailable.because(reason), id: request.id, resource: resource)
    }

    /// `request` as the store is sent it: the upstream head, signed with the store's credentials, and its framing.
    func signedRequest(
        _ request: BucketRequest,
        route: UpstreamRoute,
        onLoop: Bool
    ) -> StoreRequest {
        var head = UpstreamRequestHead(request: request, route: route)
        // An upload whose checksum came in its aws-chunked trailer goes on the same way, so the store checks and
        // keeps the client's checksum (and S3 would refuse the x-amz-sdk-checksum-algorithm such a client sends).
        // Only a PUT (PutObject, UploadPart) uploads with a trailer; asking a GET's body would copy it.
        if request.method == "PUT", let upload = AWSChunkedUpload(request.body) {
            upload.announce(in: &head.headers)
            let signed = signer.sign(head.sigV4Request, payloadHash: PayloadHash.streamingUnsignedTrailer, now: now())
            return Self.request(head, headers: signed.headers, body: upload.body, onLoop: onLoop)
        }
        let signed = signer.sign(head.sigV4Request, payloadHash: PayloadHash.unsignedPayload, now: now())
        return Self.request(head, headers: signed.headers, body: request.body, onLoop: onLoop)
    }

    /// For aprouter-bench's `router-request upstream-build`: the request the store would be sent for `request`,
    /// built and signed as ``respond(to:)`` builds it, and not sent; its target, its number of header fields and
    /// the size of its head as the client writes it. nil when the store's endpoint is unusable.
    @_spi(Benchmarks)
    public func preparedHead(for request: BucketRequest) -> (target: String, fields: Int, bytes: Int)? {
        guard let route else { return nil }
        let built = signedRequest(request, route: route, onLoop: false)
        // The bytes the client writes, as `StoreClient.execute` makes them.
        let head = built.encodedHead(allocator: ByteBufferAllocator())
        return (built.target, built.fields.count, head.readableBytes)
    }

    /// For aprouter-bench's `router-request upstream-answer`: a store's whole answer as it arrives on the
    /// connection, to be read and turned into the router's response by ``response(to:method:id:)``.
    @_spi(Benchmarks)
    public struct BenchmarkAnswer: Sendable {
        let bytes: ByteBuffer

        public init(status: Int, fields: [(String, String)], body: ByteBuffer) {
            var bytes = ByteBuffer(string: "HTTP/1.1 \(status) OK\r\n")
            for (name, value) in fields { bytes.writeString("\(name): \(value)\r\n") }
            bytes.writeString("\r\n")
            bytes.writeImmutableBuffer(body)
            self.bytes = bytes
        }
    }

    /// For aprouter-bench: ``respond(to:)``'s last steps, the store's answer read from its bytes
    /// (``StoreResponseParser``) and made the router's response; nil when the answer is not one whole response.
    @_spi(Benchmarks)
    public static func response(to answer: BenchmarkAnswer, method: String, id: S3RequestID) -> S3Response? {
        var parser = StoreResponseParser(returnedFieldsOnly: true)
        parser.expectResponse(toHEAD: method == "HEAD")
        var bytes = answer.bytes
        var head: StoreResponseHead?
        var body = ByteBuffer()
        var ended = false
        do {
            try parser.feed(&bytes) { event in
                switch event {
                case .head(let read): head = read
                case .body(let part): body = part
                case .end: ended = true
                }
            }
        } catch {
            return nil
        }
        guard let head, ended else { return nil }
        return response(.whole(head, body), method: method, id: id)
    }

    /// The request as it goes on the wire: the signed fields and the body's framing. Nothing is sent for an empty
    /// GET, HEAD, DELETE or OPTIONS body; a buffer goes with the head; a stream is written as it is read, with its
    /// length when known and chunked otherwise.
    static func request(
        _ head: UpstreamRequestHead,
        headers signedHeaders: [HTTPField],
        body: S3Body,
        onLoop: Bool
    ) -> StoreRequest {
        // Not reserved for the framing field: a GET adds none, and reserving would copy the signed fields.
        var fields = signedHeaders
        let sent: StoreRequest.Body?
        if let buffer = body.buffer {
            if buffer.readableBytes == 0, Self.sendsNoEmptyBody(head.method) {
                sent = nil
            } else {
                fields.append(HTTPField(name: "Content-Length", value: String(buffer.readableBytes)))
                sent = buffer.readableBytes == 0 ? nil : .buffer(buffer)
            }
        } else {
            if let length = body.length {
                fields.append(HTTPField(name: "Content-Length", value: String(length)))
            } else {
                fields.append(HTTPField(name: "Transfer-Encoding", value: "chunked"))
            }
            // Only a streamed body can fail as it is sent: it alone records why (a body in memory, a GET's empty one,
            // makes no recorder).
            sent = .stream(
                RecordingBody(body: body, recorder: BodyFailureRecorder()),
                length: body.length,
                onLoop: onLoop
            )
        }
        return StoreRequest(method: head.method, target: head.target, fields: fields, body: sent)
    }

    /// Methods whose empty body is not sent at all (no `Content-Length: 0`).
    static func sendsNoEmptyBody(_ method: String) -> Bool {
        switch method {
        case "GET", "HEAD", "DELETE", "OPTIONS": true
        default: false
        }
    }

    /// The store's answer with its hop-by-hop fields and identifiers replaced by the router's; the body streams.
    private static func response(
        _ answer: consuming UpstreamResponseStream.Answer,
        method: String,
        id: S3RequestID
    ) -> S3Response {
        // Consumed, so the head's fields have one owner and are filtered in place.
        switch consume answer {
        case .whole(let head, let bytes):
            response(head: head, body: S3Body(bytes), method: method, id: id)
        case .streamed(let head, let stream):
            response(head: head, body: S3Body(length: head.contentLength, stream: stream), method: method, id: id)
        }
    }

    /// The router's response from the store's head and body, whichever client brought them.
    private static func response(
        head: consuming StoreResponseHead,
        body: S3Body,
        method: String,
        id: S3RequestID
    ) -> S3Response {
        let status = head.status
        // The parsers of the store clients kept only the fields that go back (`returnedFieldsOnly`).
        var headers = (consume head).fields
        S3ErrorRenderer.addIdentifiers(id, to: &headers)
        guard method != "HEAD", status != 204, status != 304 else {
            return S3Response(status: status, headers: headers, body: .empty)
        }
        return S3Response(status: status, headers: headers, body: body)
    }

    /// The wall-clock time in whole seconds, the default signing clock.
    @Sendable public static func systemNow() -> AmzDate {
        AmzDate(secondsSince1970: Int64(Date().timeIntervalSince1970))
    }
}
