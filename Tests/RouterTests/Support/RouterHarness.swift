import AccessPointCore
import NIOCore
import Router
import S3Auth
import S3HTTP
import Synchronization

/// The router's request stages with no sockets: a lab, a snapshot of access points, a recording store, requests
/// signed by our SigV4 signer at a fixed time.
struct RouterHarness {
    static let account = try! AccountID(validating: "123456789012")
    static let region = try! Region(validating: "us-west-2")
    static let now = AmzDate(secondsSince1970: 1_795_000_000)
    static let insideVPC = IPAddress.v4(IPv4Address(0x7F00_0A05))  // 127.0.10.5
    static let internet = IPAddress.v4(IPv4Address(0x7F00_1405))  // 127.0.20.5
    static let allowAll = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#

    let handler: RouterRequestHandler
    let store: RecordingStore

    init(
        explainDenials: Bool = false,
        userPolicy: String? = RouterHarness.allowAll,
        bucketPolicy: String? = nil,
        endpointPolicy: String? = nil,
        accessPoints: [AccessPointSnapshot.AccessPoint] = [RouterHarness.accessPoint("internet-ap")],
        multiRegion: [AccessPointSnapshot.MultiRegionAccessPoint] = [],
        extraBuckets: [(name: String, region: String, store: any BucketResponder)] = [],
        storeAnswerFields: [(name: String, value: String)] = []
    ) throws {
        var lab = LabConfiguration.embeddedDefault
        lab.accounts[0].users[0].policy = userPolicy
        lab.buckets[0].policy = bucketPolicy
        lab.vpcs[0].endpoint?.policy = endpointPolicy
        var stores: [String: any BucketResponder] = [:]
        for extra in extraBuckets {
            lab.buckets.append(
                LabConfiguration.Bucket(
                    name: try BucketName(validating: extra.name),
                    account: Self.account,
                    region: try Region(validating: extra.region),
                    policy: nil,
                    store: .embedded
                )
            )
            stores[extra.name] = extra.store
        }
        let store = RecordingStore(answerFields: storeAnswerFields)
        stores["example-bucket"] = store
        self.store = store
        self.handler = RouterRequestHandler(
            configuration: .stages(of: lab, explainDenials: explainDenials),
            control: NoControl(),
            table: try RouterTable(lab: lab).updating(
                with: AccessPointSnapshot(version: 1, accessPoints: accessPoints, multiRegionAccessPoints: multiRegion)
            ),
            stores: stores,
            requestIDs: FixedIDs(),
            clock: { RouterHarness.now }
        )
    }

    static func snapshot(_ accessPoints: [AccessPointSnapshot.AccessPoint], version: UInt64 = 1) -> AccessPointSnapshot
    {
        AccessPointSnapshot(version: version, accessPoints: accessPoints, multiRegionAccessPoints: [])
    }

    static func accessPoint(
        _ name: String,
        vpc: String? = nil,
        policy: String? = nil
    ) -> AccessPointSnapshot.AccessPoint {
        AccessPointSnapshot.AccessPoint(
            name: try! AccessPointName(validating: name),
            account: account,
            region: region,
            bucket: try! BucketName(validating: "example-bucket"),
            alias: "\(name)-abcdefghijklmnopqrstuvwxyz012345-s3alias",
            vpcId: vpc,
            policy: policy
        )
    }

    /// A request to `host` signed as alice, with the body's SHA-256 (or `payloadHash`) declared.
    func send(
        _ method: String,
        _ target: String,
        host: String = "internet-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com",
        headers extra: [(name: String, value: String)] = [],
        body: String = "",
        payloadHash: String? = nil,
        from source: IPAddress = RouterHarness.internet,
        serverName: String? = nil,
        hosts: HostMemo? = nil,
        signed: Bool = true,
        signedAt: AmzDate = RouterHarness.now,
        tlsVersion: String? = "1.3"
    ) async -> (response: S3Response, record: RequestRecord, body: String) {
        var request = SigV4Request(method: method, target: target, headers: [("Host", host)] + extra)
        if signed {
            let signer = SigV4Signer(
                accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                region: "us-west-2"
            )
            request = signer.sign(
                request,
                payloadHash: payloadHash ?? PayloadHash.sha256Hex(of: Array(body.utf8)),
                now: signedAt
            )
        }
        var record = RequestRecord()
        let response = await handler.respond(
            method: method,
            target: target,
            // As the server hands it over: a stream of unknown length, with Content-Length only when there is a
            // body (clients send none with a GET).
            headers: request.headers
                + (body.isEmpty ? [] : [HTTPField(name: "Content-Length", value: "\(body.utf8.count)")]),
            body: S3Body(length: nil, stream: S3Body(string: body)),
            source: source,
            serverName: serverName,
            tlsVersion: tlsVersion,
            hosts: hosts,
            record: &record
        )
        let text = (try? await response.body.collected(upTo: 1 << 20)).flatMap { $0 }.map { String(buffer: $0) } ?? ""
        return (response, record, text)
    }
}

/// A bucket store that cannot be reached: every request answers 503, as the forwarder does for a store that is
/// down.
final class UnreachableStore: BucketResponder {
    private let count = Mutex(0)
    var requests: Int { count.withLock { $0 } }

    func respond(to request: BucketRequest) async -> S3Response {
        count.withLock { $0 += 1 }
        return S3ErrorRenderer(envelope: .s3).response(for: .serviceUnavailable, id: request.id)
    }
}

/// A bucket store that records what reached it, reads the whole body, and answers 200 with the body's length.
final class RecordingStore: BucketResponder {
    struct Seen: Sendable {
        var method: String
        var bucket: String
        var key: String?
        var query: String
        var headers: S3Headers
        var body: String?
        var bodyError: String?
    }

    private let seen = Mutex<[Seen]>([])
    var requests: [Seen] { seen.withLock { $0 } }
    /// Fields added to every answer, after the request identifiers.
    private let answerFields: [(name: String, value: String)]

    init(answerFields: [(name: String, value: String)] = []) {
        self.answerFields = answerFields
    }

    func respond(to request: BucketRequest) async -> S3Response {
        var entry = Seen(
            method: request.method,
            bucket: request.bucket,
            key: request.key,
            query: request.query,
            headers: request.headers
        )
        do {
            entry.body = try await request.body.collected(upTo: 1 << 20).map { String(buffer: $0) }
        } catch {
            entry.bodyError = error.code
            seen.withLock { $0.append(entry) }
            return S3ErrorRenderer(envelope: .s3).response(for: error, id: request.id)
        }
        seen.withLock { $0.append(entry) }
        var headers = S3ErrorRenderer.headers(id: request.id)
        for field in answerFields { headers.add(name: field.name, value: field.value) }
        return S3Response(status: 200, headers: headers, body: S3Body(string: "stored"))
    }
}

struct NoControl: S3Responder {
    func respond(to request: S3Request) async -> S3Response { S3Response(status: 599) }
}

struct FixedIDs: S3RequestIDGenerator {
    func next() -> S3RequestID { S3RequestID(requestID: "REQ", hostID: "HOST") }
}
