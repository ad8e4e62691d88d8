internal import AccessPointCore
internal import PolicyEngine
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `POST /v20180820/async-requests/mrap/put-policy`: the policy is checked at once (`MalformedPolicy`, and
    /// BlockPublicPolicy through the account and the multi-region access point's own flags), then applied
    /// asynchronously. A multi-region access point policy can be replaced but never deleted (spec §2).
    func putMultiRegionAccessPointPolicy(
        _ request: S3Request,
        _ context: ControlContext
    ) async throws(S3Error)
        -> S3Response
    {
        try requireMultiRegionControlRegion(context)
        let body = try await changeRequestBody(request, root: "PutMultiRegionAccessPointPolicyRequest")
        guard let text = body.details.value("Policy") else {
            throw .malformedXML.because("Details/Policy is required")
        }
        let policy = try PolicyDocument(parsing: text, kind: .multiRegionAccessPoint)
        let record = try await existingMultiRegionAccessPoint(body.name, context)
        let account = try await registryCall { () async throws(RegistryError) in
            try await registry.accountPublicAccessBlock(account: context.account)
        }
        try PublicAccessBlock.effective(
            account: account,
            bucket: nil,
            accessPoint: record.publicAccessBlock
        ).checkMayStore(policy)
        return try await beginMultiRegionChange(
            "PutMultiRegionAccessPointPolicy",
            pathVerb: "put-policy",
            clientToken: body.clientToken,
            name: body.name,
            policy: text,
            context
        )
    }
}
