internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `DELETE /v20180820/accesspoint/{name}`: 204, and 404 `NoSuchAccessPoint` the second time (spec §2.4).
    func deleteAccessPoint(_ rawName: String, _ context: ControlContext) async throws(S3Error) -> S3Response {
        let name = try AccessPointNameRules.forLookup(rawName)
        let deleted = try await registryCall { () async throws(RegistryError) in
            try await registry.deleteAccessPoint(named: name, account: context.account, region: context.region)
        }
        guard deleted else { throw AccessPointNameRules.noSuchAccessPoint(rawName) }
        return ok(context, status: 204)
    }
}
