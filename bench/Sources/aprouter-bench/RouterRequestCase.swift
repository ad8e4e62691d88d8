import AccessPointCore
import Foundation
import NIOCore
@_spi(Benchmarks) import Router
import S3Auth
import S3HTTP
@_spi(Benchmarks) import UpstreamStore

/// One small GET through the router's request stages, without sockets: `RouterRequestHandler.respond` for the
/// request bench/router/run.sh sends, a presigned GET of a 1 KiB object made by `aws s3 presign` for an access point
/// ARN (`X-Amz-*` query in the CLI's order, only `host` signed) with wrk's headers (`Host` alone), on a keep-alive
/// connection (one ``HostMemo`` for every request, as one connection's requests share it).
///
/// The lab is bench/router/run.sh's: account 123456789012 in us-west-2, alice with an identity policy that allows
/// `s3:GetObject`, one bucket on a path-style store, one internet access point with no access point or bucket policy.
///
/// `stub-store`: the bucket's responder answers 200 with a 1 KiB body held in memory at once, so an operation is
/// the router's own work (host, request ID, SigV4 presigned verification, access point lookup, operation, policy
/// decision, the forwarded request's headers and query). `upstream-build`: what ``UpstreamBucketStore`` does per
/// request before its client sends a byte (the upstream head, its SigV4 signature, the request's fields, the head's
/// bytes), for the
/// `BucketRequest` the router hands the store in `stub-store`. `upstream-answer`: the forwarder's last steps, nginx's
/// whole answer for the object (its eight fields, 1 KiB) read from its bytes by the client's parser and made the
/// router's response (fields filtered, identifiers) and its head's bytes. `request-parse`: the server's reading of the request's bytes as
/// wrk sends them (``ServingBenchmark``), which `stub-store` starts from.
enum RouterRequestCase {
    static let account = try! AccountID(validating: "123456789012")
    static let region = try! Region(validating: "us-west-2")
    /// `aws s3 presign --endpoint-url https://s3.lab.localhost:18443 s3://arn:aws:s3:us-west-2:123456789012:accesspoint/bench-ap/obj-1k`
    /// names this host (the access point's name and account before the endpoint's authority).
    static let host = "bench-ap-123456789012.s3.lab.localhost:18443"
    static let serverName = "bench-ap-123456789012.s3.lab.localhost"
    static let source = IPAddress.v4(IPv4Address(0x7F00_0001))  // 127.0.0.1

    static func lab() -> LabConfiguration {
        var lab = LabConfiguration.embeddedDefault
        lab.accounts[0].users[0].policy =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#
        lab.buckets = [
            LabConfiguration.Bucket(
                name: try! BucketName(validating: "bench-bucket"),
                account: account,
                region: region,
                policy: nil,
                store: .remote(
                    LabConfiguration.RemoteStore(
                        endpoint: "http://127.0.0.1:18080",
                        bucket: "bench-bucket",
                        accessKeyId: "ORIGINKEY",
                        secretAccessKey: "origin-secret",
                        pathStyle: true,
                        region: region
                    )
                )
            )
        ]
        return lab
    }

    static func variants() -> [Variant] {
        let now = AmzDate(secondsSince1970: 1_795_000_000)
        let lab = lab()
        let stub = StubStore()
        let handler: RouterRequestHandler
        do {
            handler = RouterRequestHandler(
                configuration: .stages(of: lab),
                control: NoControl(),
                table: try RouterTable(lab: lab).updating(
                    with: AccessPointSnapshot(
                        version: 1,
                        accessPoints: [
                            AccessPointSnapshot.AccessPoint(
                                name: try! AccessPointName(validating: "bench-ap"),
                                account: account,
                                region: region,
                                bucket: try! BucketName(validating: "bench-bucket"),
                                alias: "bench-ap-abcdefghijklmnopqrstuvwxyz012345-s3alias",
                                vpcId: nil
                            )
                        ],
                        multiRegionAccessPoints: []
                    )
                ),
                stores: ["bench-bucket": stub],
                requestIDs: RandomS3RequestIDGenerator(),
                clock: { now }
            )
        } catch {
            fail("the router-request lab does not compile: \(error)")
        }
        let signer = SigV4Signer(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            region: region.rawValue
        )
        let url = signer.presign(
            SigV4Request(method: "GET", path: "/obj-1k", query: "", headers: [("Host", host)]),
            expires: 3600,
            now: now
        )
        let request = Request(
            target: "\(url.path)?\(SigV4HeaderCase.inAWSCLIOrder(url.query))",
            headers: ["Host": host]
        )

        // One request outside the measurement: it must reach the store and answer 200 with the object.
        let first = blocking { await respond(handler, request, hosts: HostMemo()) }
        guard first.status == 200, first.bodyBytes == StubStore.object.readableBytes, let forwarded = stub.last
        else {
            fail("the presigned GET does not reach the stub store: status \(first.status), \(first.bodyBytes) bytes")
        }
        let client: StoreClient
        do { client = try StoreClient() } catch { fail("no store client: \(error)") }
        let store = UpstreamBucketStore(
            store: {
                guard case .remote(let remote) = lab.buckets[0].store else { fail("the bench bucket is not remote") }
                return remote
            }(),
            client: client,
            now: { now }
        )
        guard let built = store.preparedHead(for: forwarded), built.target == "/bench-bucket/obj-1k" else {
            fail("the upstream request for \(forwarded.method) \(forwarded.key ?? "") does not build")
        }

        return [
            Variant(name: "stub-store", operation: "request", bytesPerOperation: nil) { n in
                blocking {
                    // One keep-alive connection's memo: the first request classifies the host, the others reuse it.
                    let hosts = HostMemo()
                    var checksum: UInt64 = 0
                    for _ in 0..<n {
                        let answer = await respond(handler, request, hosts: hosts)
                        checksum &+= UInt64(answer.status) &+ UInt64(answer.bodyBytes) &+ UInt64(answer.recordBytes)
                    }
                    return checksum
                }
            },
            Variant(name: "upstream-build", operation: "request", bytesPerOperation: nil) { n in
                upstreamLoop(n, store: store, request: forwarded)
            },
            Variant(name: "upstream-answer", operation: "request", bytesPerOperation: nil) { n in
                answerLoop(n, answer: nginxAnswer, id: forwarded.id)
            },
            Variant(name: "request-parse", operation: "request", bytesPerOperation: nil) { n in
                parseLoop(n, bytes: ByteBuffer(string: "GET \(request.target) HTTP/1.1\r\nHost: \(host)\r\n\r\n"))
            },
        ]
    }

    struct Request: Sendable {
        let target: String
        /// As the server hands them over (``HTTPRequestParser`` reads them into an `S3Headers`).
        let headers: S3Headers
    }

    struct Answer: Sendable {
        let status: Int
        let bodyBytes: Int
        let recordBytes: Int
    }

    /// One request as the server hands it over: a body stream of unknown length that ends at once (a GET has none).
    static func respond(_ handler: RouterRequestHandler, _ request: Request, hosts: HostMemo) async -> Answer {
        var record = RequestRecord()
        let response = await handler.respond(
            method: "GET",
            target: request.target,
            fields: request.headers,
            body: S3Body(length: nil, stream: NoBytes()),
            source: source,
            serverName: serverName,
            hosts: hosts,
            record: &record
        )
        return Answer(
            status: response.status,
            bodyBytes: response.body.buffer?.readableBytes ?? -1,
            recordBytes: record.requestID.utf8.count + (record.operation?.utf8.count ?? 0)
        )
    }

    /// What nginx serving the bench's origin answers for the 1 KiB object.
    static let nginxAnswer = UpstreamBucketStore.BenchmarkAnswer(
        status: 200,
        fields: [
            ("Server", "nginx/1.22.1"), ("Date", "Fri, 27 Nov 2026 09:00:00 GMT"),
            ("Content-Type", "application/octet-stream"), ("Content-Length", "1024"),
            ("Last-Modified", "Fri, 27 Nov 2026 08:59:00 GMT"), ("Connection", "keep-alive"),
            ("ETag", "\"6928121c-400\""), ("Accept-Ranges", "bytes"),
        ],
        body: StubStore.object
    )

    @inline(never)
    static func answerLoop(_ n: Int, answer: UpstreamBucketStore.BenchmarkAnswer, id: S3RequestID) -> UInt64 {
        var checksum: UInt64 = 0
        for _ in 0..<n {
            guard let response = UpstreamBucketStore.response(to: answer, method: "GET", id: id) else {
                fail("the store's answer does not parse")
            }
            guard let head = ServingBenchmark.responseHead(response) else { fail("the response head does not write") }
            checksum &+= UInt64(response.status) &+ UInt64(response.headers.fields.count) &+ UInt64(head)
        }
        return checksum
    }

    @inline(never)
    static func parseLoop(_ n: Int, bytes: ByteBuffer) -> UInt64 {
        var checksum: UInt64 = 0
        for _ in 0..<n {
            guard let fields = ServingBenchmark.parse(bytes) else { fail("wrk's request does not parse") }
            checksum &+= UInt64(fields)
        }
        return checksum
    }

    @inline(never)
    static func upstreamLoop(_ n: Int, store: UpstreamBucketStore, request: BucketRequest) -> UInt64 {
        var checksum: UInt64 = 0
        for _ in 0..<n {
            guard let built = store.preparedHead(for: request) else { fail("the upstream request does not build") }
            checksum &+= UInt64(built.target.utf8.count) &+ UInt64(built.fields) &+ UInt64(built.bytes)
        }
        return checksum
    }

    /// Runs `work` in a task and waits for it on this thread: the stages never suspend with a stub store, so the
    /// whole loop runs in one task.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox<T>()
        Task {
            result.value = await work()
            done.signal()
        }
        done.wait()
        guard let value = result.value else { fail("the router-request task ended without a result") }
        return value
    }
}

final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// An empty request body stream, as a GET's.
struct NoBytes: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    struct AsyncIterator: AsyncIteratorProtocol {
        mutating func next() async throws -> ByteBuffer? { nil }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator() }
}

/// The bucket's store in `stub-store`: 200 with a 1 KiB body and an origin's headers, at once. Keeps the last
/// request it saw (for `upstream-build`).
final class StubStore: BucketResponder, @unchecked Sendable {
    static let object: ByteBuffer = {
        var bytes = DeterministicBytes(seed: 1)
        return ByteBuffer(bytes: bytes.next(1024))
    }()
    /// What a static origin (nginx) answers for the object, as the forwarder passes it on.
    static let headers: S3Headers = [
        "Content-Type": "application/octet-stream", "Content-Length": "1024",
        "Last-Modified": "Thu, 26 Nov 2026 12:00:00 GMT", "ETag": "\"6925a0c0-400\"", "Accept-Ranges": "bytes",
    ]
    private(set) var last: BucketRequest?

    func respond(to request: BucketRequest) async -> S3Response {
        if last == nil { last = request }
        var headers = Self.headers
        for field in S3ErrorRenderer.headers(id: request.id) { headers.add(name: field.name, value: field.value) }
        return S3Response(status: 200, headers: headers, body: S3Body(Self.object))
    }
}

struct NoControl: S3Responder {
    func respond(to request: S3Request) async -> S3Response { S3Response(status: 599) }
}
