internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `POST /v20180820/tags/{ResourceArn+}` with `<TagResourceRequest><Tags><Tag>…`: merges the tags into the
    /// access point's set, 204 (spec §2.4).
    func tagResource(
        _ arn: String,
        _ request: S3Request,
        _ context: ControlContext
    ) async throws(S3Error)
        -> S3Response
    {
        let resource = try TaggedResource(arn: arn, context)
        let body = try await xmlBody(request)
        guard body.name == "TagResourceRequest", let list = body.child("Tags") else {
            throw .malformedXML.because("The body must be a TagResourceRequest with Tags")
        }
        let tags = try TagRules.tags(in: list)
        let tagged: Bool
        do {
            tagged = try await registry.tagAccessPoint(
                tags,
                named: resource.name,
                account: context.account,
                region: context.region,
                limit: TagRules.maximumCount
            )
        } catch RegistryError.quotaExceeded {
            throw TagRules.tooMany
        } catch {
            throw .internalError.because("We encountered an internal error. Please try again.")
        }
        guard tagged else { throw .noSuchResource }
        return ok(context, status: 204)
    }
}
