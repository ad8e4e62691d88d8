internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `GET /v20180820/mrap/instances/{name+}/policy`: `Policy/Established/Policy` and `Policy/Proposed/Policy`.
    func getMultiRegionAccessPointPolicy(
        _ rawName: String,
        _ context: ControlContext
    ) async throws(S3Error)
        -> S3Response
    {
        try requireMultiRegionControlRegion(context)
        let record = try await existingMultiRegionAccessPoint(rawName, context)
        let xml = ControlXMLWriter(root: "GetMultiRegionAccessPointPolicyResult") { xml in
            xml.element("Policy") { xml in
                if let established = record.establishedPolicy {
                    xml.element("Established") { xml in xml.element("Policy", established) }
                }
                if let proposed = record.proposedPolicy {
                    xml.element("Proposed") { xml in xml.element("Policy", proposed) }
                }
            }
        }
        return ok(context, xml: xml.xml)
    }
}
