internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `GET /v20180820/mrap/instances/{name+}`: by name, not alias; 404 `NoSuchMultiRegionAccessPoint`.
    func getMultiRegionAccessPoint(
        _ rawName: String,
        _ context: ControlContext
    ) async throws(S3Error)
        -> S3Response
    {
        try requireMultiRegionControlRegion(context)
        let missing = S3Error.noSuchMultiRegionAccessPoint
        guard let name = try? MultiRegionAccessPointName(validating: rawName) else { throw missing }
        let found = try await registryCall { () async throws(RegistryError) in
            try await registry.multiRegionAccessPoint(named: name, account: context.account)
        }
        guard let record = found else { throw missing }
        let xml = ControlXMLWriter(root: "GetMultiRegionAccessPointResult") { xml in
            xml.element("AccessPoint") { xml in xml.multiRegionAccessPointReport(record) }
        }
        return ok(context, xml: xml.xml)
    }
}
