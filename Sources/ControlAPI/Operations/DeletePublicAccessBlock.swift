internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `DELETE /v20180820/configuration/publicAccessBlock`: 204, again 204 (idempotent, spec §2.4).
    func deletePublicAccessBlock(_ context: ControlContext) async throws(S3Error) -> S3Response {
        try await registryCall { () async throws(RegistryError) in
            try await registry.setAccountPublicAccessBlock(nil, account: context.account)
        }
        return ok(context, status: 204)
    }
}
