import AccessPointCore
import NIOCore
public import S3Auth
public import S3HTTP

/// One request through the router's stages, without sockets: classify the host, refuse what access points refuse,
/// authenticate with SigV4, then hand control requests to the control API responder.
///
/// The data plane (access points, aliases, multi-region access points) is refused with `NotImplemented` until the
/// forwarding stages land (issue 7); saying so is better than pretending.
public struct RouterRequestHandler: Sendable {
    let configuration: RouterConfiguration
    let control: any S3Responder
    let verifier: SigV4Verifier
    let requestIDs: any S3RequestIDGenerator
    let clock: @Sendable () -> AmzDate

    public init(
        configuration: RouterConfiguration,
        control: any S3Responder,
        requestIDs: any S3RequestIDGenerator,
        clock: @escaping @Sendable () -> AmzDate
    ) {
        self.configuration = configuration
        self.control = control
        self.verifier = SigV4Verifier()
        self.requestIDs = requestIDs
        self.clock = clock
    }

    /// The response to a request that arrived over TLS.
    public func respond(
        method: String,
        target: String,
        headers: [(name: String, value: String)],
        body: [UInt8]
    )
        async -> S3Response
    {
        let host = headers.first { $0.name.lowercased() == "host" }?.value ?? ""
        let hostClass = configuration.classifier.classify(host)
        let envelope: S3ErrorDocument.Envelope
        if case .control = hostClass { envelope = .control } else { envelope = .s3 }
        let renderer = S3ErrorRenderer(envelope: envelope)
        let id = requestIDs.next()
        let expected: ExpectedRegion
        switch hostClass {
        case .pathStyle, .ipLiteral:
            return renderer.response(
                for: .invalidRequest.because(
                    "Access points can only be addressed with virtual-host-style URLs such as https://NAME-ACCOUNT.s3-accesspoint.REGION.amazonaws.com."
                ),
                id: id
            )
        case .unknown(let rejection):
            return renderer.response(
                for: .invalidRequest.because("This router does not serve '\(host)': \(rejection)."),
                id: id
            )
        case .bucket:
            return renderer.response(
                for: .invalidRequest.because("This router serves access points, not buckets addressed directly."),
                id: id
            )
        case .control(_, let endpoint), .accessPoint(_, _, let endpoint), .accessPointAlias(_, let endpoint):
            // A host without a region (a lab endpoint URL) belongs to the lab's region.
            expected = .exactly((endpoint.region ?? configuration.region).rawValue)
        case .multiRegionAccessPoint:
            expected = .any  // SigV4A: the signature names a region set, `*` for every region
        }
        // Anonymous and badly signed requests get their own answers before anything else is decided.
        let caller: S3Caller
        do {
            caller = try authenticate(method: method, target: target, headers: headers, body: body, region: expected)
        } catch {
            return renderer.response(for: error, id: id)
        }
        guard case .control = hostClass else {
            return renderer.response(
                for: .notImplemented.because(
                    "The access point data plane is not served by this version of aprouter yet."
                ),
                id: id
            )
        }
        let (path, query) = Self.split(target)
        let request = S3Request(
            method: method,
            path: path,
            query: query,
            headers: S3Headers(headers),
            host: hostClass,
            caller: caller,
            body: S3Body(ByteBuffer(bytes: body))
        )
        return await control.respond(to: request)
    }

    /// SigV4 over the whole request: signature, time, scope, and the body's SHA-256 when it is declared.
    func authenticate(
        method: String,
        target: String,
        headers: [(name: String, value: String)],
        body: [UInt8],
        region: ExpectedRegion
    ) throws(S3Error) -> S3Caller {
        let request = SigV4Request(method: method, target: target, headers: headers)
        guard request.value(of: "authorization") != nil || target.contains("X-Amz-Signature=") else {
            throw S3Error.accessDenied.because("Anonymous requests are not supported; sign requests with SigV4.")
        }
        let authentication = try verifier.verify(
            request,
            region: region,
            credentials: configuration.credentials,
            now: clock()
        )
        switch authentication.payload {
        case .sha256(let expected):
            var checker = PayloadSHA256Checker(expected: expected)
            checker.update(body)
            try checker.finish()
        case .unsigned:
            break
        case .awsChunked:
            throw S3Error.notImplemented.because("aws-chunked bodies are not accepted by the control API.")
        }
        return S3Caller(account: authentication.identity.accountID, principalARN: authentication.identity.userARN)
    }

    static func split(_ target: String) -> (path: String, query: String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }
}
