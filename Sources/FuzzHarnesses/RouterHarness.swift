import AccessPointCore
import BucketStore
import ControlAPI
import Dispatch
import Foundation
import NIOCore
import NIOHTTP1
import Registry
import Router
import S3Auth
import S3HTTP
import S3Serving
import Synchronization

/// Whole requests through the router's stages (host, identity, SigV4, access point, VPC origin, operation, policy,
/// the forwarded request) and the control API, without sockets: the input is the bytes of a connection as a client
/// sends them over TLS, read by the servers' parser (`HTTPRequestParser`); each of its first four requests is handed
/// in turn to `RouterRequestHandler`, whose bucket store is the embedded one in a folder of the input's own (under
/// /dev/shm), and whose control API is the real one on an in-memory registry of the input's own (a change it makes is
/// routed by the next request, as `aprouter serve` pushes the registry's snapshots to the router).
///
/// The fuzzer cannot forge a signature, so the harness signs for it: the first byte's low two bits say how the
/// requests go in: 0 as sent, 1 signed in their headers by alice (any `Authorization`, `x-amz-date` and
/// `x-amz-content-sha256` replaced; the body's SHA-256 as the payload hash), 2 presigned by alice (the query
/// signed), 3 signed in their headers with the payload hash the request names in its own `x-amz-content-sha256`
/// (`UNSIGNED-PAYLOAD` if none: how aws-chunked uploads with a trailer are signed). The next two bits pick the
/// source: the VPC (127.0.10.5), the internet (127.0.20.5), loopback, or none. The rest is the connection's bytes.
///
/// The lab is the default one (account 123456789012, alice allowed everything by her identity policy) with two
/// buckets: `example-bucket` behind the internet access point `internet-ap`, and `vpc-bucket` behind `vpc-ap`, which
/// the VPC vpc-1a2b3c reaches through its endpoint.
///
/// Properties, beyond no trap:
/// - every response has a status from 200 to 599 and an `x-amz-request-id`; a refusal (4xx, 5xx) that reached no
///   store has an S3 error document naming its code (a store's refusals are its own: the conformance suite judges
///   them);
/// - a request as sent (unsigned by the harness) reaches no store unless it carries a signature of its own;
/// - a request through an access point with a VPC configuration reaches a store only from inside that VPC (the
///   seeds' VPC rule), whichever access points the input's control requests made.
enum RouterHarness {
    static let now = AmzDate(secondsSince1970: 1_795_000_000)
    static let sources: [IPAddress?] = [IPAddress("127.0.10.5"), IPAddress("127.0.20.5"), IPAddress("127.0.0.1"), nil]
    static let alice = SigV4Signer(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region: "us-west-2"
    )

    static let stores = StoreSwitch(buckets: lab.buckets.map(\.name.rawValue), folder: "router")
    static let internetStore = CountingStore(stores)
    static let vpcStore = CountingStore(stores)
    static let control = ControlSwitch(lab: lab, accessPoints: accessPoints)
    /// What the last request's access log line would say (for the seed tests).
    nonisolated(unsafe) static var lastRecord = RequestRecord()

    static let lab: LabConfiguration = {
        var lab = LabConfiguration.embeddedDefault
        do {
            lab.buckets.append(
                LabConfiguration.Bucket(
                    name: try BucketName(validating: "vpc-bucket"),
                    account: lab.accounts[0].id,
                    region: lab.region,
                    policy: nil,
                    store: .embedded
                )
            )
        } catch {
            preconditionFailure("the router harness's bucket name does not validate: \(error)")
        }
        return lab
    }()

    /// The access points every input starts with.
    static let accessPoints: [AccessPointSnapshot.AccessPoint] = {
        do {
            return [
                AccessPointSnapshot.AccessPoint(
                    name: try AccessPointName(validating: "internet-ap"),
                    account: lab.accounts[0].id,
                    region: lab.region,
                    bucket: lab.buckets[0].name,
                    alias: "internet-ap-abcdefghijklmnopqrstuvwxyz012345-s3alias",
                    vpcId: nil
                ),
                AccessPointSnapshot.AccessPoint(
                    name: try AccessPointName(validating: "vpc-ap"),
                    account: lab.accounts[0].id,
                    region: lab.region,
                    bucket: lab.buckets[1].name,
                    alias: "vpc-ap-bcdefghijklmnopqrstuvwxyz0123456-s3alias",
                    vpcId: lab.vpcs[0].id
                ),
            ]
        } catch {
            preconditionFailure("the router harness's access points do not build: \(error)")
        }
    }()

    static let firstSnapshot = AccessPointSnapshot(
        version: 1,
        accessPoints: accessPoints,
        multiRegionAccessPoints: []
    )

    static let handler: RouterRequestHandler = {
        do {
            return RouterRequestHandler(
                configuration: .stages(of: lab),
                control: control,
                table: try RouterTable(lab: lab).updating(with: firstSnapshot),
                stores: [lab.buckets[0].name.rawValue: internetStore, lab.buckets[1].name.rawValue: vpcStore],
                requestIDs: RandomS3RequestIDGenerator(),
                clock: { now }
            )
        } catch {
            preconditionFailure("the router harness's lab does not build: \(error)")
        }
    }()

    static func run(_ input: UnsafeRawBufferPointer) {
        guard let first = input.first else { return }
        let requests = Self.requests(UnsafeRawBufferPointer(rebasing: input.dropFirst()))
        guard !requests.isEmpty else { return }
        let mode = first & 0x3
        let source = sources[Int(first >> 2 & 0x3)]
        control.reset()
        stores.reset()
        handler.update(firstSnapshot)
        var vpcOfAccessPoint = vpcs(firstSnapshot)
        for request in requests {
            let (target, fields) = mode == 0 ? (request.head.target, request.head.fields) : sign(request, mode: mode)
            let calls = internetStore.calls + vpcStore.calls
            let (status, headers, body, record, snapshot) = blocking {
                var record = RequestRecord()
                let response = await handler.respond(
                    method: "\(request.head.method)",
                    target: target,
                    fields: fields,
                    body: S3Body(ByteBuffer(bytes: request.body)),
                    source: source,
                    serverName: nil,
                    record: &record
                )
                let body = (try? await response.body.collectedBytes(upTo: 1 << 20)) ?? nil
                return (response.status, response.headers, body, record, await control.snapshot())
            }
            lastRecord = record
            let reachedStore = internetStore.calls + vpcStore.calls != calls
            checkAnswer(
                to: request,
                status: status,
                headers: headers,
                refusal: status >= 400 && !reachedStore ? body ?? [] : nil,
                signedByHarness: mode != 0,
                reachedStore: reachedStore
            )
            if reachedStore, let accessPoint = record.accessPoint, let required = vpcOfAccessPoint[accessPoint] ?? nil {
                require(
                    record.vpc == required,
                    "a request from \(source.map { "\($0)" } ?? "nowhere") reached \(accessPoint) of \(required)"
                )
            }
            if let snapshot {
                handler.update(snapshot)
                vpcOfAccessPoint = vpcs(snapshot)
            }
        }
    }

    /// The properties of every answer, the router's and the store server's: a status from 200 to 599, an
    /// `x-amz-request-id`, a refusal the server made itself (`refusal`: its body) naming its S3 error code (a HEAD's
    /// has no body), and no store reached by a request the harness did not sign unless it carries a signature.
    static func checkAnswer(
        to request: Request,
        status: Int,
        headers: S3Headers,
        refusal: [UInt8]?,
        signedByHarness: Bool,
        reachedStore: Bool
    ) {
        require((200..<600).contains(status), "status \(status)")
        require(headers["x-amz-request-id"] != nil, "a \(status) response without x-amz-request-id")
        if let refusal, request.head.method != .HEAD {
            let text = String(decoding: refusal, as: UTF8.self)
            require(text.contains("<Code>"), "the server's \(status) refusal has no error code: \(text)")
        }
        if !signedByHarness, reachedStore {
            let signed =
                request.head.fields["authorization"] != nil || request.head.target.contains("X-Amz-Signature=")
            require(signed, "a request without a signature reached a store")
        }
    }

    /// Each access point's VPC (nil for an internet one), by its ARN as the access log names it.
    static func vpcs(_ snapshot: AccessPointSnapshot) -> [String: String?] {
        var vpcs: [String: String?] = [:]
        for accessPoint in snapshot.accessPoints {
            let arn = AccessPointARN(region: accessPoint.region, account: accessPoint.account, name: accessPoint.name)
            vpcs[arn.description] = accessPoint.vpcId
        }
        return vpcs
    }

    struct Request {
        var head: RequestHead
        var body: [UInt8]
    }

    /// The first four complete requests in `bytes`, as the servers read them.
    static func requests(_ bytes: UnsafeRawBufferPointer) -> [Request] {
        var parser = HTTPRequestParser()
        var buffer = ByteBuffer(bytes: bytes)
        var requests: [Request] = []
        var head: RequestHead?
        var body: [UInt8] = []
        try? parser.feed(&buffer) { part in
            guard requests.count < 4 else { return }
            switch part {
            case .head(let read):
                head = read
                body = []
            case .body(let bytes): body += bytes.readableBytesView
            case .end:
                if let head { requests.append(Request(head: head, body: body)) }
            }
        }
        return requests
    }

    /// The request's target and fields, signed by `signer` (alice) as `mode` says.
    static func sign(_ request: Request, mode: UInt8, by signer: SigV4Signer = alice) -> (String, S3Headers) {
        let fields = request.head.fields.fields.map { HTTPField(name: $0.name, value: $0.value) }
        guard fields.contains(where: { S3Headers.name($0.name, matches: "host") }) else {
            return (request.head.target, request.head.fields)
        }
        let unsigned = SigV4Request(method: "\(request.head.method)", target: request.head.target, headers: fields)
        let signed: SigV4Request
        switch mode {
        case 1:
            signed = signer.sign(
                unsigned,
                payloadHash: request.body.withUnsafeBytes { PayloadHash.sha256Hex(of: $0) },
                now: now
            )
        case 2:
            signed = signer.presign(unsigned, expires: 3600, now: now)
        default:
            let named = request.head.fields["x-amz-content-sha256"] ?? PayloadHash.unsignedPayload
            signed = signer.sign(unsigned, payloadHash: named, now: now)
        }
        let target = signed.query.isEmpty ? signed.path : "\(signed.path)?\(signed.query)"
        return (target, S3Headers(signed.headers))
    }

    /// Runs `work` to its end from the fuzzer's thread.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<T?>(nil)
        Task {
            let value = await work()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        guard let value = result.withLock({ $0 }) else { preconditionFailure("the request's task gave no response") }
        return value
    }
}

/// One bucket's way to the input's store, counting the requests that reach it.
final class CountingStore: BucketResponder {
    private let count = Atomic<Int>(0)
    private let stores: StoreSwitch

    init(_ stores: StoreSwitch) { self.stores = stores }

    var calls: Int { count.load(ordering: .sequentiallyConsistent) }

    func respond(to request: BucketRequest) async -> S3Response {
        count.add(1, ordering: .sequentiallyConsistent)
        return await stores.current().respond(to: request)
    }
}

/// The embedded store of the input: made in a new folder under /dev/shm (memory, so that the fuzzer is not slowed by
/// a disk) with the input's first request that reaches a bucket, and removed with the next input.
final class StoreSwitch: Sendable {
    private let buckets: [String]
    private let root: String
    private let state = Mutex<EmbeddedBucketStore?>(nil)

    /// The folder of this process's stores.
    static let processFolder = "/dev/shm/aprouter-fuzz-\(getpid())"

    /// The store lives in /dev/shm/aprouter-fuzz-PID/`folder`.
    init(buckets: [String], folder: String) {
        self.buckets = buckets
        root = Self.processFolder + "/" + folder
    }

    /// Removes the last input's store.
    func reset() {
        let made = state.withLock { store in
            defer { store = nil }
            return store != nil
        }
        if made { try? FileManager.default.removeItem(atPath: root) }
    }

    func current() -> EmbeddedBucketStore {
        state.withLock { current in
            if let store = current { return store }
            do {
                try FileManager.default.createDirectory(atPath: Self.processFolder, withIntermediateDirectories: true)
                let store = try EmbeddedBucketStore(directory: root, buckets: buckets)
                current = store
                return store
            } catch {
                preconditionFailure("the embedded store does not open in \(root): \(error)")
            }
        }
    }
}

/// The control API on a registry of the input's own, made with the input's first control request and holding the
/// harness's access points; the clock and the aliases' random characters are fixed, so an input replays alike.
final class ControlSwitch: S3Responder {
    private let lab: LabConfiguration
    private let accessPoints: [AccessPointSnapshot.AccessPoint]
    private let current = Mutex<(responder: ControlAPIResponder, registry: SQLiteRegistry)?>(nil)

    init(lab: LabConfiguration, accessPoints: [AccessPointSnapshot.AccessPoint]) {
        self.lab = lab
        self.accessPoints = accessPoints
    }

    /// Forgets the registry: the next input starts from the harness's access points.
    func reset() { current.withLock { $0 = nil } }

    /// The registry's snapshot, or nil if no control request came since the last reset.
    func snapshot() async -> AccessPointSnapshot? {
        guard let registry = current.withLock({ $0?.registry }) else { return nil }
        do { return try await registry.snapshot() } catch {
            preconditionFailure("the registry has no snapshot: \(error)")
        }
    }

    func respond(to request: S3Request) async -> S3Response {
        if let responder = current.withLock({ $0?.responder }) { return await responder.respond(to: request) }
        let made = await make()
        current.withLock { $0 = made }
        return await made.responder.respond(to: request)
    }

    private func make() async -> (responder: ControlAPIResponder, registry: SQLiteRegistry) {
        let created = Date(timeIntervalSince1970: 1_795_000_000)
        do {
            let registry = try SQLiteRegistry.inMemory()
            for accessPoint in accessPoints {
                try await registry.createAccessPoint(
                    AccessPointRecord(
                        name: accessPoint.name,
                        account: accessPoint.account,
                        region: accessPoint.region,
                        bucket: accessPoint.bucket,
                        bucketAccount: accessPoint.bucketAccount,
                        vpcId: accessPoint.vpcId,
                        publicAccessBlock: accessPoint.publicAccessBlock,
                        alias: accessPoint.alias,
                        creationDate: created
                    ),
                    quota: 1000
                )
            }
            let aliases = Mutex(0)
            let responder = ControlAPIResponder(
                configuration: ControlAPIConfiguration(lab: lab),
                registry: registry,
                environment: ControlAPIEnvironment(
                    now: { created },
                    randomLowercaseAlphanumerics: { count in
                        let next = aliases.withLock { value in
                            value += 1
                            return value
                        }
                        let digits = String(next, radix: 36)
                        return String(repeating: "a", count: max(0, count - digits.count)) + digits
                    }
                )
            )
            return (responder, registry)
        } catch {
            preconditionFailure("the control API's registry does not start: \(error)")
        }
    }
}
