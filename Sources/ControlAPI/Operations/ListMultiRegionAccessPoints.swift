internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `GET /v20180820/mrap/instances`: every multi-region access point of the account, by name, in one page
    /// (at most 100 exist per account, spec §3; `maxResults` "is not currently used").
    func listMultiRegionAccessPoints(_ context: ControlContext) async throws(S3Error) -> S3Response {
        try requireMultiRegionControlRegion(context)
        let records = try await registryCall { () async throws(RegistryError) in
            try await registry.listMultiRegionAccessPoints(account: context.account)
        }
        let xml = ControlXMLWriter(root: "ListMultiRegionAccessPointsResult") { xml in
            xml.element("AccessPoints") { xml in
                for record in records {
                    xml.element("AccessPoint") { xml in xml.multiRegionAccessPointReport(record) }
                }
            }
        }
        return ok(context, xml: xml.xml)
    }
}
