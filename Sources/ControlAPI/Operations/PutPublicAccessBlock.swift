internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `PUT /v20180820/configuration/publicAccessBlock` (account level): the body root is
    /// `<PublicAccessBlockConfiguration>`; flags not given are stored as false; none at all is
    /// `400 InvalidRequest` "Must specify at least one configuration." (spec §2.4).
    func putPublicAccessBlock(_ request: S3Request, _ context: ControlContext) async throws(S3Error) -> S3Response {
        let body = try await xmlBody(request)
        guard body.name == "PublicAccessBlockConfiguration" else {
            throw .malformedXML.because("The root element must be PublicAccessBlockConfiguration")
        }
        let names = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]
        guard body.children.contains(where: { names.contains($0.name) }) else {
            throw .invalidRequest.because("Must specify at least one configuration.")
        }
        let flags = try Self.publicAccessBlock(body)
        try await registryCall { () async throws(RegistryError) in
            try await registry.setAccountPublicAccessBlock(flags, account: context.account)
        }
        return ok(context)
    }
}
