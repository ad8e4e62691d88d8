public import AccessPointCore
import NIOCore
public import S3Auth
public import S3HTTP
import S3Serving
import Synchronization

/// One request through the router's stages, without sockets: classify the host, refuse what access points refuse,
/// authenticate with SigV4, then hand control requests to the control API responder and data-plane requests to
/// the access point stages (VPC origin, policies, forwarding to the bucket's store).
public struct RouterRequestHandler: Sendable {
    let configuration: RouterConfiguration
    let control: any S3Responder
    let verifier: SigV4Verifier
    let requestIDs: any S3RequestIDGenerator
    let clock: @Sendable () -> AmzDate
    /// The bucket stores, by the bucket's name in the lab.
    let stores: [String: any BucketResponder]
    let table: RouterTableBox

    public init(
        configuration: RouterConfiguration,
        control: any S3Responder,
        table: RouterTable,
        stores: [String: any BucketResponder],
        requestIDs: any S3RequestIDGenerator,
        clock: @escaping @Sendable () -> AmzDate
    ) {
        self.configuration = configuration
        self.control = control
        self.verifier = SigV4Verifier()
        self.requestIDs = requestIDs
        self.clock = clock
        self.stores = stores
        self.table = RouterTableBox(table)
    }

    /// Applies a new registry snapshot: requests that start from now on see it.
    public func update(_ snapshot: AccessPointSnapshot) {
        table.update(snapshot)
    }

    /// The response to a request that arrived over TLS from `source`.
    ///
    /// `body` streams the request's raw body; it is read only once the request has been authenticated and allowed.
    /// `record` collects what the access log says about the request.
    public func respond(
        method: String,
        target: String,
        headers: [HTTPField],
        body: S3Body,
        source: IPAddress?,
        serverName: String? = nil,
        tlsVersion: String? = nil,
        hosts: HostMemo? = nil,
        record: inout RequestRecord
    ) async -> S3Response {
        await respond(
            method: method,
            target: target,
            fields: S3Headers(headers),
            body: body,
            source: source,
            serverName: serverName,
            tlsVersion: tlsVersion,
            hosts: hosts,
            record: &record
        )
    }

    /// The same, with the fields as the server read them: what the stages are handed, without a copy.
    public func respond(
        method: String,
        target: String,
        fields: S3Headers,
        body: S3Body,
        source: IPAddress?,
        serverName: String? = nil,
        tlsVersion: String? = nil,
        hosts: HostMemo? = nil,
        record: inout RequestRecord
    ) async -> S3Response {
        let host = fields["host"] ?? ""
        var hostClass: HostClass
        let hostIsServerName: Bool
        if let hosts, let known = hosts.known(host, serverName: serverName) {
            (hostClass, hostIsServerName) = known
        } else {
            hostClass = configuration.classifier.classify(host)
            hostIsServerName = serverName.map { Self.host(host, isServerName: $0) } ?? true
            hosts?.remember(host, serverName: serverName, as: hostClass, isServerName: hostIsServerName)
        }
        // The S3 Control operations without an account in their host (botocore sends the directory-bucket ones,
        // `ListAccessPointsForDirectoryBuckets`, `GetAccessPointScope`…, to the endpoint URL as given) are control
        // requests, named by `x-amz-account-id`, not path-style bucket requests: the control API answers them.
        if case .pathStyle(let endpoint) = hostClass, target.utf8.starts(with: "/v20180820/".utf8) {
            hostClass = .control(account: nil, endpoint: endpoint)
        }
        let envelope: S3ErrorDocument.Envelope
        if case .control = hostClass { envelope = .control } else { envelope = .s3 }
        let renderer = S3ErrorRenderer(envelope: envelope)
        let id = requestIDs.next()
        record.requestID = id.requestID
        func refuse(_ error: S3Error) -> S3Response {
            record.errorCode = error.code
            return renderer.response(for: error, id: id)
        }
        if let serverName, !hostIsServerName {
            return refuse(
                .invalidRequest.because(
                    "The Host header names '\(host)' but the TLS connection was opened for '\(serverName)'; send each request to the host the connection was made for."
                )
            )
        }
        let expected: ExpectedRegion
        switch hostClass {
        case .pathStyle where method == "GET" && (target == "/" || target.utf8.starts(with: "/?".utf8)):
            // `aws s3 ls` with no bucket: ListBuckets, a service operation, not a path-style bucket request.
            return refuse(
                .invalidRequest.because(
                    "This router serves access points, not the account's bucket list (ListBuckets): list the access points with `aws s3control list-access-points`, and an access point's objects with its ARN or alias as the bucket."
                )
            )
        case .pathStyle, .ipLiteral:
            return refuse(
                .invalidRequest.because(
                    "Access points can only be addressed with virtual-host-style URLs such as https://NAME-ACCOUNT.s3-accesspoint.REGION.amazonaws.com."
                )
            )
        case .unknown(let rejection):
            return refuse(.invalidRequest.because("This router does not serve '\(host)': \(rejection)."))
        case .bucket:
            return refuse(.invalidRequest.because("This router serves access points, not buckets addressed directly."))
        case .control(_, let endpoint), .accessPoint(_, _, let endpoint), .accessPointAlias(_, let endpoint):
            // A host without a region (a lab endpoint URL) belongs to the lab's region.
            expected = .exactly((endpoint.region ?? configuration.region).rawValue)
        case .multiRegionAccessPoint:
            expected = .any  // SigV4A: the signature names a region set, `*` for every region
        }
        // Anonymous and badly signed requests get their own answers before anything else is decided.
        let request = SigV4Request(method: method, target: target, headers: fields.fields)
        let authentication: SigV4Authentication
        do {
            authentication = try authenticate(request, region: expected)
        } catch {
            return refuse(error)
        }
        let caller = S3Caller(
            account: authentication.identity.accountID,
            principalARN: authentication.identity.userARN
        )
        guard case .control = hostClass else {
            let exchange = DataPlaneExchange(
                method: method,
                rawPath: request.path,
                rawQuery: request.query,
                query: Self.stagedQuery(request.query),
                headers: fields,
                body: body,
                source: source,
                tlsVersion: tlsVersion,
                host: hostClass,
                authentication: consume authentication,
                id: id
            )
            return await serveDataPlane(exchange, table: table.current, record: &record)
        }
        record.operation = "S3Control"
        let bytes: [UInt8]
        do {
            guard let collected = try await body.collectedBytes(upTo: configuration.maximumControlBodyBytes) else {
                return refuse(.entityTooLarge)
            }
            bytes = collected
            try Self.checkWholePayload(bytes, authentication.payload)
        } catch {
            return refuse(error)
        }
        let (path, query) = Self.split(target)
        return await control.respond(
            to: S3Request(
                method: method,
                path: path,
                query: query,
                headers: fields,
                host: hostClass,
                caller: caller,
                body: S3Body(ByteBuffer(bytes: bytes))
            )
        )
    }

    /// SigV4 (or SigV4A) over the request head: signature, time, scope. The body is checked as it streams.
    func authenticate(_ request: SigV4Request, region: ExpectedRegion) throws(S3Error) -> SigV4Authentication {
        // `Signature=` also catches SigV2 presigned URLs, which the verifier refuses with S3's "use SigV4" error.
        guard request.value(of: "authorization") != nil || RawQuery.contains(request.query, "Signature=")
        else {
            throw S3Error.accessDenied.because("Anonymous requests are not supported; sign requests with SigV4.")
        }
        return try verifier.verify(request, region: region, credentials: configuration.credentials, now: clock())
    }

    /// The decoded query parameters the later stages read (operation, policy keys): all but a presigned URL's
    /// SigV4 fields (`X-Amz-Algorithm`, `-Credential`, `-Signature`…), which the verifier has read, no later stage
    /// reads and the store is not sent (`RawQuery.forwarded` leaves out the same pieces). Those are told apart on
    /// their raw bytes, so a presigned GET's query is neither split into parts nor decoded again.
    static func stagedQuery(_ raw: String) -> [(name: String, value: String)] {
        CanonicalQuery.parts(of: raw, excluding: { RawQuery.hasPresignPrefix($0[...]) }).map {
            ($0.nameText, $0.valueText)
        }
    }

    /// A control-plane body arrives whole: its SHA-256, when declared, is checked before the body is parsed.
    static func checkWholePayload(_ body: [UInt8], _ payload: PayloadRequirement) throws(S3Error) {
        switch payload {
        case .sha256(let expected):
            var checker = PayloadSHA256Checker(expected: expected)
            checker.update(body)
            try checker.finish()
        case .unsigned:
            break
        case .awsChunked:
            throw S3Error.notImplemented.because("aws-chunked bodies are not accepted by the control API.")
        }
    }

    /// Whether a Host header (maybe with a port, any case, maybe a trailing dot) names the TLS server name.
    static func host(_ host: String, isServerName serverName: String) -> Bool {
        var name = Substring(host)
        if let colon = name.lastIndex(of: ":"), !name.hasSuffix("]") { name = name[..<colon] }
        if name.hasSuffix(".") { name = name.dropLast() }
        var expected = Substring(serverName)
        if expected.hasSuffix(".") { expected = expected.dropLast() }
        return name.lowercased() == expected.lowercased()
    }

    static func split(_ target: String) -> (path: String, query: String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }
}

/// The last Host one connection's requests named, classified and held to the TLS server name: a keep-alive
/// connection names the same host in every request, so each after the first skips both (about 3% of a small GET's
/// CPU time). Used by one connection's requests, one after another.
public final class HostMemo {
    private var host = ""
    private var serverName: String?
    private var hostClass: HostClass?
    private var isServerName = false

    public init() {}

    func known(_ host: String, serverName: String?) -> (HostClass, Bool)? {
        guard let hostClass, host == self.host, serverName == self.serverName else { return nil }
        return (hostClass, isServerName)
    }

    func remember(_ host: String, serverName: String?, as hostClass: HostClass, isServerName: Bool) {
        self.host = host
        self.serverName = serverName
        self.hostClass = hostClass
        self.isServerName = isServerName
    }
}

/// What the access log says about one request, filled in as the stages learn it.
public struct RequestRecord: Sendable {
    public var requestID = ""
    public var accessPoint: String?
    public var vpc: String?
    public var operation: String?
    public var key: String?
    /// The policy decision's stable detail code (`allowed`, `explicit_deny`, `no_allow_bucket`…).
    public var decision: String?
    /// For a denial, what decided it: the statement that denies, or the layer no statement of which allows.
    public var decisionReason: String?
    public var errorCode: String?

    public init() {}
}

/// The current table, swapped whole when a snapshot arrives.
final class RouterTableBox: Sendable {
    private let state: Mutex<RouterTable>

    init(_ table: RouterTable) { state = Mutex(table) }

    var current: RouterTable { state.withLock { $0 } }

    func update(_ snapshot: AccessPointSnapshot) {
        state.withLock { $0 = $0.updating(with: snapshot) }
    }
}
