internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// Stores a delete or put-policy request `INPROGRESS` (idempotent by `ClientToken`) and answers its
    /// `RequestTokenARN`; `MultiRegionOperationProcessor` finishes it.
    func beginMultiRegionChange(
        _ operationName: String,
        pathVerb: String,
        clientToken: String,
        name: String,
        policy: String?,
        _ context: ControlContext
    ) async throws(S3Error) -> S3Response {
        let operation = AsyncOperationRecord(
            token: "arn:aws:s3:\(multiRegionControlRegion):\(context.account):async-request/mrap/\(pathVerb)/"
                + environment.randomLowercaseAlphanumerics(32),
            account: context.account,
            operation: operationName,
            clientToken: clientToken,
            creationTime: environment.now(),
            status: "INPROGRESS",
            createRequest: nil,
            targetName: name,
            policy: policy
        )
        let stored = try await registryCall { () async throws(RegistryError) in
            try await registry.beginAsyncOperation(operation)
        }
        let xml = ControlXMLWriter(root: "\(operationName)Result") { xml in
            xml.element("RequestTokenARN", stored.token)
        }
        return ok(context, xml: xml.xml)
    }

    /// `ClientToken` and `Details/Name` of a delete or put-policy body whose root is `root`.
    func changeRequestBody(
        _ request: S3Request,
        root: String
    ) async throws(S3Error) -> (
        clientToken: String, name: String, details: XMLNode
    ) {
        let body = try await xmlBody(request)
        guard body.name == root, let details = body.child("Details") else {
            throw .malformedXML.because("Expected <\(root)> with <Details>")
        }
        let clientToken = try Self.clientToken(body.value("ClientToken"))
        guard let name = details.value("Name"), !name.isEmpty else {
            throw .malformedXML.because("Details/Name is required")
        }
        return (clientToken, name, details)
    }

    /// The caller's multi-region access point, or `404 NoSuchMultiRegionAccessPoint`.
    func existingMultiRegionAccessPoint(
        _ rawName: String,
        _ context: ControlContext
    ) async throws(S3Error)
        -> MultiRegionAccessPointRecord
    {
        guard let name = try? MultiRegionAccessPointName(validating: rawName) else {
            throw .noSuchMultiRegionAccessPoint
        }
        let found = try await registryCall { () async throws(RegistryError) in
            try await registry.multiRegionAccessPoint(named: name, account: context.account)
        }
        guard let record = found else { throw .noSuchMultiRegionAccessPoint }
        return record
    }
}
