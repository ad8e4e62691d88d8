import AccessPointCore
import NIOCore
import PolicyEngine
import S3Auth
import S3HTTP
import S3Serving

/// One authenticated request to an access point, alias or multi-region access point, as the stages see it.
struct DataPlaneExchange: Sendable {
    let method: String
    /// The request target's path and query, still percent-encoded.
    let rawPath: String
    let rawQuery: String
    /// The query's parameters, decoded as `S3Request.items(ofQuery:)` decodes them, from the verifier's one split.
    let query: [(name: String, value: String)]
    let headers: S3Headers
    /// `Content-Length`, read from `headers` once.
    let contentLength: String?
    /// Whether the request carries a body: a non-zero Content-Length or any Transfer-Encoding. The streamed body's
    /// own length is unknown for every request, so it cannot tell.
    let hasBody: Bool
    /// The raw body as it arrives (still aws-chunked, still to be hashed).
    let body: S3Body
    let source: IPAddress?
    /// The connection's TLS version as `s3:TlsVersion` names it.
    let tlsVersion: String?
    let host: HostClass
    let authentication: SigV4Authentication
    let id: S3RequestID

    init(
        method: String,
        rawPath: String,
        rawQuery: String,
        query: [(name: String, value: String)],
        headers: S3Headers,
        body: S3Body,
        source: IPAddress?,
        tlsVersion: String?,
        host: HostClass,
        authentication: SigV4Authentication,
        id: S3RequestID
    ) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.query = query
        self.headers = headers
        self.contentLength = headers["content-length"]
        self.hasBody = contentLength.map { $0 != "0" } ?? (headers["transfer-encoding"] != nil)
        self.body = body
        self.source = source
        self.tlsVersion = tlsVersion
        self.host = host
        self.authentication = authentication
        self.id = id
    }
}

extension RouterRequestHandler {
    /// The access point stages, in the order the seeds give them: resolve what the host names, check the request's
    /// network origin, name the operation, decide with every applicable policy, then forward to the bucket's store.
    /// Each stage may answer early; nothing is forwarded, and the body is not read, unless every stage allowed it.
    func serveDataPlane(
        _ exchange: DataPlaneExchange,
        table: RouterTable,
        record: inout RequestRecord
    ) async -> S3Response {
        do {
            return try await forwardAllowed(exchange, table: table, record: &record)
        } catch {
            record.errorCode = error.code
            return S3ErrorRenderer(envelope: .s3).response(for: error, id: exchange.id)
        }
    }

    private func forwardAllowed(
        _ exchange: DataPlaneExchange,
        table: RouterTable,
        record: inout RequestRecord
    ) async throws(S3Error) -> S3Response {
        let rawPath = exchange.rawPath
        let rawQuery = exchange.rawQuery
        guard let decodedPath = PercentDecoding.decode(rawPath) else {
            throw S3Error.invalidURI.because("The request path is not valid percent-encoded UTF-8.")
        }
        let key = decodedPath.hasPrefix("/") ? String(decodedPath.dropFirst()) : decodedPath
        let objectKey = key.isEmpty ? nil : key
        record.key = objectKey
        let query = exchange.query

        let front = try resolve(exchange.host, table: table)
        record.accessPoint = front.name

        // Network origin (seed: VPC-restricted access points), decided by the source address alone.
        let vpc = exchange.source.flatMap(table.vpc(containing:))
        record.vpc = vpc?.id
        if let required = front.vpcId {
            guard let vpc, vpc.id == required, vpc.endpoint != nil else {
                throw S3Error.accessDenied.because(
                    "The request did not come from the access point's VPC (\(required)): access points with a VPC network origin only accept requests from inside that VPC, through its S3 endpoint."
                )
            }
        }
        let network: NetworkPath =
            if let vpc, let endpoint = vpc.endpoint {
                .vpcEndpoint(endpoint.id, vpc: vpc.id, privateIP: exchange.source)
            } else {
                NetworkPath(sourceIP: exchange.source)
            }

        let copySource = exchange.headers["x-amz-copy-source"]
        let operation = try OperationClassifier.classify(
            method: exchange.method,
            key: objectKey,
            query: query,
            hasCopySource: copySource != nil
        )
        record.operation = operation.rawValue

        let authorizer = Authorizer(
            table: table,
            identity: exchange.authentication.identity,
            signature: (
                exchange.authentication.location, exchange.authentication.algorithm,
                exchange.authentication.requestTime
            ),
            method: exchange.method,
            tlsVersion: exchange.tlsVersion,
            query: query,
            headers: exchange.headers,
            network: network,
            time: RequestTime(epochSeconds: clock().secondsSince1970)
        )
        // nil until a route needs it: the decoded body, or for a request that declares none, the empty body read
        // now (DeleteObjects reads its body before the routes).
        var body: S3Body?
        var forwardedCopySource: String?
        // The keys a DeleteObjects request names; nil for any other request, whose one key is checked (no array
        // is made for it).
        var deletedKeys: [String]?
        if operation == .deleteObjects {
            // Authorized per key (spec §4.1): the request names its keys in a small XML body.
            guard
                let collected = try await Self.decodedBody(exchange, operation)
                    .collected(upTo: DeleteObjectsKeys.maximumBodySize)
            else {
                throw S3Error.malformedXML.because("A DeleteObjects body is at most 2 MiB.")
            }
            deletedKeys = try DeleteObjectsKeys.keys(in: collected)
            body = S3Body(collected)
        }
        for route in front.routes {
            guard let bucket = route.bucket else {
                throw S3Error.noSuchBucket.because("The bucket behind this access point is not in the lab.")
            }
            guard let store = stores[bucket.name.rawValue] else {
                throw S3Error.serviceUnavailable.because("No store is configured for bucket \(bucket.name).")
            }
            let policies = authorizer.policies(front: front, bucket: bucket)
            let readsTags = policies.readExistingObjectTags
            for index in 0..<(deletedKeys?.count ?? 1) {
                let checkedKey = deletedKeys?[index] ?? objectKey
                var tags: [String: String] = [:]
                if readsTags, let checkedKey {
                    tags = await ExistingObjectTags.read(
                        key: checkedKey,
                        bucket: bucket.name.rawValue,
                        from: store,
                        id: exchange.id
                    )
                }
                let decision = authorizer.authorize(
                    operation,
                    front: front,
                    route: route,
                    bucket: bucket,
                    policies: policies,
                    key: checkedKey,
                    existingObjectTags: tags
                )
                record.decision = decision.detail
                guard decision.isAllowed else {
                    record.decisionReason = decision.description
                    throw configuration.explainDenials
                        ? S3Error.accessDenied.because(decision.description) : .accessDenied
                }
            }
            // `x-amz-expected-bucket-owner` (and, for a copy, `x-amz-source-expected-bucket-owner`): a client's guard
            // against writing to or reading from a bucket it did not expect to be someone else's.
            if let expected = exchange.headers["x-amz-expected-bucket-owner"], expected != bucket.owner.rawValue {
                throw configuration.explainDenials
                    ? S3Error.accessDenied.because("The bucket's owner is not the x-amz-expected-bucket-owner account.")
                    : .accessDenied
            }
            if let answer = try BucketReads.answer(operation, bucket: bucket, id: exchange.id) { return answer }
            if let copySource {
                forwardedCopySource = try authorizer.authorizeCopySource(
                    copySource,
                    sameStoreAs: bucket,
                    expectedOwner: exchange.headers["x-amz-source-expected-bucket-owner"],
                    explain: configuration.explainDenials
                )
            }
            let sent: S3Body
            if let body {
                sent = body
            } else {
                sent =
                    exchange.hasBody
                    ? try Self.decodedBody(exchange, operation) : try await Self.emptyBody(exchange, operation)
                if !exchange.hasBody, operation == .putObject || operation == .uploadPart {
                    try Self.checkDeclaredChecksumOfNothing(exchange)
                }
                body = sent
            }
            let response = await store.respond(
                to: BucketRequest(
                    method: exchange.method,
                    bucket: bucket.name.rawValue,
                    key: objectKey,
                    query: RawQuery.forwarded(rawQuery),
                    headers: ForwardedRequest.headers(exchange.headers, body: sent, copySource: forwardedCopySource),
                    body: sent,
                    id: exchange.id
                )
            )
            // A multi-region access point fails over to its next region while the request can still be sent
            // again: the store was unreachable and the request has no body (none was declared: RFC 9112 §6.3).
            let retryable =
                response.status == 503 && !exchange.hasBody && route.region != front.routes.last?.region
            if !retryable {
                guard operation == .headBucket else { return response }
                return BucketReads.headBucket(response, bucket: bucket, host: exchange.host)
            }
        }
        throw S3Error.serviceUnavailable.because("No region of this multi-region access point is reachable.")
    }

    /// The body the store sees: the client's bytes with their SHA-256 checked as they pass, or an aws-chunked
    /// body decoded; and its content checked against the checksum an `x-amz-checksum-*` header declares. Not for
    /// CompleteMultipartUpload, whose `x-amz-checksum-*` is the checksum of the object it assembles (a composite one
    /// ends in `-N`), which the store checks, not of its XML body.
    static func decodedBody(_ exchange: DataPlaneExchange, _ operation: S3Operation) throws(S3Error) -> S3Body {
        let payload = exchange.authentication.payload
        return S3Body.verified(
            exchange.body,
            payload: payload,
            declaredLength: exchange.contentLength.flatMap { Int($0) },
            checksum: operation == .completeMultipartUpload
                ? nil : try DeclaredChecksum.declared(in: exchange.headers.fields, payload: payload)
        )
    }

    /// The body of a request that declares none (RFC 9112 §6.3: no Content-Length, no Transfer-Encoding), read
    /// now, checked against its signed payload hash, and handed to the store as an empty buffer: a store then
    /// sends the request without a body, where a stream of unknown length went out chunked and, being still open
    /// when the store answered, cost the store's connection (a new one for every GET). Reading it also ends the
    /// request on the client's connection, ready for the next.
    static func emptyBody(_ exchange: DataPlaneExchange, _ operation: S3Operation) async throws(S3Error) -> S3Body {
        let payload = exchange.authentication.payload
        // An empty aws-chunked body is an error, which the decoder names.
        if case .awsChunked = payload { return try decodedBody(exchange, operation) }
        guard let bytes = try await exchange.body.collectedBytes(upTo: 0) else {
            throw S3Error.invalidRequest.because("The request has a body but declares neither its length nor chunks.")
        }
        try checkWholePayload(bytes, payload)
        return .empty
    }

    /// An upload of no bytes (`Content-Length: 0`) declared with a checksum must declare the checksum of nothing.
    /// Only uploads are looked at: a GET's fields are not looked through.
    @inline(never)
    static func checkDeclaredChecksumOfNothing(_ exchange: DataPlaneExchange) throws(S3Error) {
        let payload = exchange.authentication.payload
        guard let declared = try DeclaredChecksum.declared(in: exchange.headers.fields, payload: payload) else {
            return
        }
        try DeclaredChecksumChecker(declared).finish()
    }

    /// What the host names, with the buckets behind it.
    func resolve(_ host: HostClass, table: RouterTable) throws(S3Error) -> Front {
        switch host {
        case .accessPoint(let name, let account, let endpoint):
            let region = endpoint.region ?? configuration.region
            guard let accessPoint = table.accessPoint(named: name, account: account, region: region) else {
                throw S3Error.noSuchAccessPoint.because("The access point \(name) does not exist in \(region).")
            }
            return accessPoint.front
        case .accessPointAlias(let alias, _):
            guard let accessPoint = table.accessPoint(alias: alias) else {
                throw S3Error.noSuchAccessPoint.because("No access point has the alias \(alias).")
            }
            return accessPoint.front
        case .multiRegionAccessPoint(let alias):
            guard let multiRegion = table.multiRegionAccessPoint(alias: alias) else {
                throw S3Error.noSuchAccessPoint.because("No multi-region access point has the alias \(alias).")
            }
            return multiRegion.front
        default:
            throw S3Error.invalidRequest
        }
    }
}

/// The access point or multi-region access point a request came through, and the bucket(s) behind it in the
/// order they are tried. A class, made once per snapshot: a request that resolves its host holds a reference, where
/// the struct it was (names, ARN, policy, routes) was copied out of the table for every request.
final class Front: Sendable {
    struct Route: Sendable {
        let region: Region
        let bucket: RouterTable.Bucket?
        /// The snapshot's request target for this bucket (ARNs rendered once per snapshot); nil when `bucket` is.
        let target: RequestTarget?
    }

    let name: String
    let vpcId: String?
    let requestFront: RequestTarget.Front
    let policy: PolicyDocument?
    let isMultiRegion: Bool
    let publicAccessBlock: PublicAccessBlock
    let routes: [Route]

    /// An access point's front, made once per snapshot (``RouterTable/AccessPoint/front``).
    init(
        accessPoint entry: AccessPointSnapshot.AccessPoint,
        arn: AccessPointARN,
        name: String,
        policy: PolicyDocument?,
        publicAccessBlock: PublicAccessBlock,
        bucket: RouterTable.Bucket?,
        target: RequestTarget?
    ) {
        self.name = name
        vpcId = entry.vpcId
        requestFront = .accessPoint(arn)
        self.policy = policy
        isMultiRegion = false
        self.publicAccessBlock = publicAccessBlock
        routes = [Route(region: entry.region, bucket: bucket, target: target)]
    }

    /// A multi-region access point's front, made once per snapshot.
    init(
        multiRegion arn: MultiRegionAccessPointARN,
        name: String,
        policy: PolicyDocument?,
        publicAccessBlock: PublicAccessBlock,
        routes: [RouterTable.Bucket],
        targets: [RequestTarget]
    ) {
        self.name = name
        vpcId = nil
        requestFront = .multiRegionAccessPoint(arn)
        self.policy = policy
        isMultiRegion = true
        self.publicAccessBlock = publicAccessBlock
        self.routes = zip(routes, targets).map { Route(region: $0.region, bucket: $0, target: $1) }
    }
}
