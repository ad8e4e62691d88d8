internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `DELETE /v20180820/tags/{ResourceArn+}?tagKeys=a&tagKeys=b`: removes those keys, 204; keys that are not
    /// there are ignored (spec §2.4: idempotent).
    func untagResource(
        _ arn: String,
        _ request: S3Request,
        _ context: ControlContext
    ) async throws(S3Error)
        -> S3Response
    {
        let resource = try TaggedResource(arn: arn, context)
        let keys = request.queryItems.filter { $0.name == "tagKeys" }.map(\.value)
        let untagged = try await registryCall { () async throws(RegistryError) in
            try await registry.untagAccessPoint(
                keys: keys,
                named: resource.name,
                account: context.account,
                region: context.region
            )
        }
        guard untagged else { throw .noSuchResource }
        return ok(context, status: 204)
    }
}
