internal import AccessPointCore
internal import PolicyEngine
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `PUT /v20180820/accesspoint/{name}/policy`: at most 20 KB of valid policy JSON (`MalformedPolicy`), refused
    /// with `AccessDenied` when it is public and BlockPublicPolicy applies through the account or the access point
    /// itself (spec §4.5). Nothing is stored on any error.
    func putAccessPointPolicy(
        _ rawName: String,
        _ request: S3Request,
        _ context: ControlContext
    ) async throws(S3Error)
        -> S3Response
    {
        let record = try await existingAccessPoint(rawName, context)
        let body = try await xmlBody(request)
        guard body.name == "PutAccessPointPolicyRequest", let text = body.value("Policy") else {
            throw .malformedXML.because("Expected <PutAccessPointPolicyRequest><Policy>…</Policy>")
        }
        let policy = try PolicyDocument(parsing: text, kind: .accessPoint)
        let account = try await registryCall { () async throws(RegistryError) in
            try await registry.accountPublicAccessBlock(account: context.account)
        }
        let applicable = PublicAccessBlock.effective(
            account: account,
            bucket: nil,
            accessPoint: record.publicAccessBlock
        )
        try applicable.checkMayStore(policy)
        let stored = try await registryCall { () async throws(RegistryError) in
            try await registry.setAccessPointPolicy(
                text,
                named: record.name,
                account: context.account,
                region: context.region
            )
        }
        guard stored else { throw AccessPointNameRules.noSuchAccessPoint(rawName) }
        return ok(context)
    }
}
