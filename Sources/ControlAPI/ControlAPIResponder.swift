internal import AccessPointCore
internal import Foundation
internal import PolicyEngine
public import Registry
public import S3HTTP

/// The S3 Control API (`/v20180820/...`) as pure request→response logic: the router terminates TLS and
/// authenticates the caller, then hands the request here.
///
/// Every answer carries `x-amz-request-id` and `x-amz-id-2`; every failure is an `S3Error` rendered in the
/// control-plane `<ErrorResponse>` envelope by `S3ErrorRenderer`.
public struct ControlAPIResponder: S3Responder {
    let configuration: ControlAPIConfiguration
    let registry: any AccessPointRegistry
    let requestIDs: any S3RequestIDGenerator
    let environment: ControlAPIEnvironment
    let renderer = S3ErrorRenderer(envelope: .control)

    public init(
        configuration: ControlAPIConfiguration,
        registry: any AccessPointRegistry,
        requestIDs: any S3RequestIDGenerator = RandomS3RequestIDGenerator(),
        environment: ControlAPIEnvironment = .live
    ) {
        self.configuration = configuration
        self.registry = registry
        self.requestIDs = requestIDs
        self.environment = environment
    }

    public func respond(to request: S3Request) async -> S3Response {
        let id = requestIDs.next()
        do throws(S3Error) {
            let context = try context(for: request, id: id)
            guard let route = ControlRoute(method: request.method, path: request.path) else {
                throw S3Error.methodNotAllowed.because("No S3 Control operation is \(request.method) \(request.path)")
            }
            return try await perform(route, request, context)
        } catch {
            return renderer.response(for: error, id: id)
        }
    }

    private func perform(
        _ route: ControlRoute,
        _ request: S3Request,
        _ context: ControlContext
    ) async throws(S3Error)
        -> S3Response
    {
        switch route {
        case .createAccessPoint(let name): try await createAccessPoint(name, request, context)
        case .getAccessPoint(let name): try await getAccessPoint(name, context)
        case .deleteAccessPoint(let name): try await deleteAccessPoint(name, context)
        case .listAccessPoints: try await listAccessPoints(request, context)
        case .putAccessPointPolicy(let name): try await putAccessPointPolicy(name, request, context)
        case .getAccessPointPolicy(let name): try await getAccessPointPolicy(name, context)
        case .deleteAccessPointPolicy(let name): try await deleteAccessPointPolicy(name, context)
        case .getAccessPointPolicyStatus(let name): try await getAccessPointPolicyStatus(name, context)
        case .putPublicAccessBlock: try await putPublicAccessBlock(request, context)
        case .getPublicAccessBlock: try await getPublicAccessBlock(context)
        case .deletePublicAccessBlock: try await deletePublicAccessBlock(context)
        case .createMultiRegionAccessPoint: try await createMultiRegionAccessPoint(request, context)
        case .describeMultiRegionAccessPointOperation(let token):
            try await describeMultiRegionAccessPointOperation(token, context)
        case .getMultiRegionAccessPoint(let name): try await getMultiRegionAccessPoint(name, context)
        case .listMultiRegionAccessPoints: try await listMultiRegionAccessPoints(context)
        case .deleteMultiRegionAccessPoint: try await deleteMultiRegionAccessPoint(request, context)
        case .putMultiRegionAccessPointPolicy: try await putMultiRegionAccessPointPolicy(request, context)
        case .getMultiRegionAccessPointPolicy(let name): try await getMultiRegionAccessPointPolicy(name, context)
        case .getMultiRegionAccessPointPolicyStatus(let name):
            try await getMultiRegionAccessPointPolicyStatus(name, context)
        case .tagResource(let arn): try await tagResource(arn, request, context)
        case .untagResource(let arn): try await untagResource(arn, request, context)
        case .listTagsForResource(let arn): try await listTagsForResource(arn, context)
        case .getMultiRegionAccessPointRoutes(let mrap): try await getMultiRegionAccessPointRoutes(mrap, context)
        case .submitMultiRegionAccessPointRoutes(let mrap):
            try await submitMultiRegionAccessPointRoutes(mrap, request, context)
        }
    }

    /// `x-amz-account-id` must name the caller's own account and the host's (spec §1.4, §3: control operations
    /// on access points are never cross-account).
    private func context(for request: S3Request, id: S3RequestID) throws(S3Error) -> ControlContext {
        guard case .control(let hostAccount, let endpoint) = request.host else {
            throw .invalidRequest.because("S3 Control requests go to {account}.s3-control.{region}.amazonaws.com")
        }
        guard let header = request.headers["x-amz-account-id"] else {
            throw .accessDenied.because("Access Denied: the x-amz-account-id header is missing")
        }
        guard header == request.caller.account.rawValue, hostAccount.map({ $0.rawValue == header }) ?? true else {
            throw .accessDenied.because("Access Denied: x-amz-account-id must be the caller's and the host's account")
        }
        return ControlContext(
            account: request.caller.account,
            region: endpoint.region ?? configuration.lab.region,
            id: id
        )
    }

    // MARK: Helpers shared by the operations

    /// A success: 200 with an XML body, or 204 when there is none to send.
    func ok(_ context: ControlContext, xml: String? = nil, status: Int = 200) -> S3Response {
        guard let xml else {
            return S3Response(status: status, headers: S3ErrorRenderer.headers(id: context.id))
        }
        return S3Response(
            status: status,
            headers: S3ErrorRenderer.headers(id: context.id, contentType: "application/xml"),
            body: S3Body(string: xml)
        )
    }

    /// The request body parsed as XML.
    func xmlBody(_ request: S3Request) async throws(S3Error) -> XMLNode {
        guard let bytes = try await request.body.collectedBytes(upTo: XMLBodyParser.maximumSize) else {
            throw .entityTooLarge.because("The request body is larger than \(XMLBodyParser.maximumSize) bytes")
        }
        guard !bytes.isEmpty else {
            throw .malformedXML.because("The request body is empty")
        }
        return try XMLBodyParser.parse(bytes)
    }

    /// Runs a registry call, turning a storage failure into `InternalError` (logged where it becomes a response).
    func registryCall<T>(_ body: () async throws(RegistryError) -> T) async throws(S3Error) -> T {
        do {
            return try await body()
        } catch {
            throw .internalError.because("We encountered an internal error. Please try again.")
        }
    }
}

/// What every operation knows about its request once the accounts are checked.
struct ControlContext: Sendable {
    var account: AccountID
    var region: Region
    var id: S3RequestID
}
