internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `GET /v20180820/mrap/instances/{mrap+}/routes`: the routing configuration of the multi-region access point
    /// the ARN (or alias) names, a `Route` per region with its bucket and traffic dial. Every region is active
    /// (100): the router sends a request to the first region that answers, its own first, and
    /// SubmitMultiRegionAccessPointRoutes, which would make a region passive, is not implemented yet.
    func getMultiRegionAccessPointRoutes(
        _ mrap: String,
        _ context: ControlContext
    ) async throws(S3Error) -> S3Response {
        let alias: MultiRegionAccessPointAlias
        if mrap.hasPrefix("arn:") {
            guard case .multiRegionAccessPoint(let arn)? = try? S3ResourceARN(parsing: mrap) else {
                throw .invalidRequest.because("'\(mrap)' is not a multi-region access point ARN")
            }
            guard arn.account == context.account else { throw .noSuchMultiRegionAccessPoint }
            alias = arn.alias
        } else {
            guard let parsed = try? MultiRegionAccessPointAlias(validating: mrap) else {
                throw .noSuchMultiRegionAccessPoint
            }
            alias = parsed
        }
        let all = try await registryCall { () async throws(RegistryError) in
            try await registry.listMultiRegionAccessPoints(account: context.account)
        }
        guard let record = all.first(where: { $0.alias == alias }) else { throw .noSuchMultiRegionAccessPoint }
        let arn = MultiRegionAccessPointARN(account: context.account, alias: record.alias)
        let xml = ControlXMLWriter(root: "GetMultiRegionAccessPointRoutesResult") { xml in
            xml.element("Mrap", arn.description)
            xml.element("Routes") { xml in
                for entry in record.regions {
                    xml.element("Route") { xml in
                        xml.element("Bucket", entry.bucket.rawValue)
                        xml.element("Region", entry.region.rawValue)
                        xml.element("TrafficDialPercentage", "100")
                    }
                }
            }
        }
        return ok(context, xml: xml.xml)
    }
}
