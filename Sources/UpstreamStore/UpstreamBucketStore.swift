public import AccessPointCore
public import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import S3Auth
public import S3HTTP

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
    private let client: HTTPClient
    private let signer: SigV4Signer
    private let endpoint: UpstreamEndpoint?
    private let logger: Logger?
    private let now: @Sendable () -> AmzDate

    /// - Parameters:
    ///   - logger: where the HTTP client's per-request events go; nothing is logged without one.
    ///   - keyCache: signing keys, shared with other signers and verifiers if wanted.
    ///   - now: the signing clock (tests may fix it); the system clock by default.
    public init(
        store: LabConfiguration.RemoteStore,
        client: HTTPClient,
        logger: Logger? = nil,
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
        self.endpoint = UpstreamEndpoint(store.endpoint)
        self.logger = logger
        self.now = now
    }

    public func respond(to request: BucketRequest) async -> S3Response {
        let renderer = S3ErrorRenderer(envelope: .s3)
        let resource = "/\(request.bucket)" + (request.key.map { "/\($0)" } ?? "")
        guard let endpoint else {
            let reason = "The bucket store's endpoint '\(store.endpoint)' is not an http(s) URL."
            return renderer.response(for: .serviceUnavailable.because(reason), id: request.id, resource: resource)
        }
        let head = UpstreamRequestHead(
            request: request,
            endpoint: endpoint,
            remoteBucket: store.bucket,
            pathStyle: store.pathStyle
        )
        let signed = signer.sign(head.sigV4Request, payloadHash: PayloadHash.unsignedPayload, now: now())

        // The delegate runs on the event loop of the caller's connection when there is one (see
        // `UpstreamResponseStream`). The store's connection may be on another loop: requiring the same loop
        // (`.delegateAndChannel`) makes AsyncHTTPClient open an extra connection, closed after one request,
        // whenever every pooled connection on that loop is busy.
        let eventLoop = client.eventLoopGroup.any()
        let recorder = BodyFailureRecorder()
        let upstream: HTTPClient.Request
        do {
            upstream = try HTTPClient.Request(
                url: head.url,
                method: HTTPMethod(rawValue: request.method),
                headers: HTTPHeaders(signed.headers),
                body: Self.body(
                    request.body,
                    method: request.method,
                    recorder: recorder,
                    on: eventLoop,
                    runOnLoop: eventLoop.inEventLoop
                )
            )
        } catch {
            let reason = "The bucket store's URL '\(head.url)' is not valid: \(error)"
            return renderer.response(for: .serviceUnavailable.because(reason), id: request.id, resource: resource)
        }
        let stream = UpstreamResponseStream(eventLoop: eventLoop)
        let task = client.execute(
            request: upstream,
            delegate: stream,
            eventLoop: .delegate(on: eventLoop),
            logger: logger
        )
        let responseHead: HTTPResponseHead
        do {
            responseHead = try await withTaskCancellationHandler {
                try await stream.head.get()
            } onCancel: {
                task.cancel()
            }
        } catch {
            if let failure = recorder.recorded {
                return renderer.response(for: failure, id: request.id, resource: resource)
            }
            if let error = error as? HTTPClientError, error == .bodyLengthMismatch {
                return renderer.response(for: .incompleteBody, id: request.id, resource: resource)
            }
            let reason = "The bucket store at \(store.endpoint) is unreachable: \(error)"
            return renderer.response(for: .serviceUnavailable.because(reason), id: request.id, resource: resource)
        }
        return Self.response(responseHead, body: stream.body, method: request.method, id: request.id)
    }

    /// The body to send: nothing for an empty GET, HEAD or DELETE; the buffer when it is in memory; otherwise the
    /// stream, with its length when known (an unknown length goes out chunked), written by a task as the client's
    /// body arrives, each write waiting until the store's connection took the one before. The task runs on
    /// `eventLoop` when `runOnLoop` (the caller is served there: the router's connections), on the global pool otherwise:
    /// a body that is expensive to produce would hold up every other channel of an event loop it was moved to.
    private static func body(
        _ body: S3Body,
        method: String,
        recorder: BodyFailureRecorder,
        on eventLoop: any EventLoop,
        runOnLoop: Bool
    ) -> HTTPClient.Body? {
        if let buffer = body.buffer {
            if buffer.readableBytes == 0, ["GET", "HEAD", "DELETE", "OPTIONS"].contains(method) { return nil }
            return .byteBuffer(buffer)
        }
        let recording = RecordingBody(body: body, recorder: recorder)
        return .stream(contentLength: body.length.map { Int64($0) }) { writer in
            let done = eventLoop.makePromise(of: Void.self)
            let write: @Sendable () async -> Void = {
                do {
                    for try await chunk in recording {
                        try await writer.write(.byteBuffer(chunk)).get()
                    }
                    done.succeed()
                } catch {
                    done.fail(error)
                }
            }
            if runOnLoop {
                Task(executorPreference: EventLoopTaskExecutor(eventLoop)) { await write() }
            } else {
                Task { await write() }
            }
            return done.futureResult
        }
    }

    /// The store's answer with its hop-by-hop fields and identifiers replaced by the router's; the body streams.
    private static func response(
        _ head: HTTPResponseHead,
        body: UpstreamResponseStream.Body,
        method: String,
        id: S3RequestID
    ) -> S3Response {
        var headers = S3Headers()
        for field in head.headers where UpstreamHeaders.returns(field.name) {
            headers.add(name: field.name, value: field.value)
        }
        for field in S3ErrorRenderer.headers(id: id) {
            headers.add(name: field.name, value: field.value)
        }
        let status = Int(head.status.code)
        guard method != "HEAD", status != 204, status != 304 else {
            return S3Response(status: status, headers: headers, body: .empty)
        }
        let length = head.headers.first(name: "content-length").flatMap { Int($0) }
        return S3Response(status: status, headers: headers, body: S3Body(length: length, stream: body))
    }

    /// The wall-clock time in whole seconds, the default signing clock.
    @Sendable public static func systemNow() -> AmzDate {
        AmzDate(secondsSince1970: Int64(Date().timeIntervalSince1970))
    }
}
