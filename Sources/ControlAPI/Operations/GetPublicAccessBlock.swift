internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `GET /v20180820/configuration/publicAccessBlock`: the body root is the payload member
    /// `<PublicAccessBlockConfiguration>`, not a `…Result` wrapper, which botocore would parse as empty (spec §2).
    func getPublicAccessBlock(_ context: ControlContext) async throws(S3Error) -> S3Response {
        let flags = try await registryCall { () async throws(RegistryError) in
            try await registry.accountPublicAccessBlock(account: context.account)
        }
        guard let flags else {
            throw S3Error.noSuchPublicAccessBlockConfiguration.adding("AccountId", context.account.rawValue)
        }
        let xml = ControlXMLWriter(root: "PublicAccessBlockConfiguration") { xml in
            xml.publicAccessBlockFlags(flags)
        }
        return ok(context, xml: xml.xml)
    }
}
