internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `DELETE /v20180820/accesspoint/{name}/policy`: 204, whether or not a policy was set.
    func deleteAccessPointPolicy(_ rawName: String, _ context: ControlContext) async throws(S3Error) -> S3Response {
        let record = try await existingAccessPoint(rawName, context)
        let deleted = try await registryCall { () async throws(RegistryError) in
            try await registry.setAccessPointPolicy(
                nil,
                named: record.name,
                account: context.account,
                region: context.region
            )
        }
        guard deleted else { throw AccessPointNameRules.noSuchAccessPoint(rawName) }
        return ok(context, status: 204)
    }
}
