internal import AccessPointCore
internal import PolicyEngine
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `GET /v20180820/mrap/instances/{name+}/policystatus` (lower-case s): `Established/IsPublic` of the policy
    /// in force; not public when there is none.
    func getMultiRegionAccessPointPolicyStatus(
        _ rawName: String,
        _ context: ControlContext
    ) async throws(S3Error)
        -> S3Response
    {
        try requireMultiRegionControlRegion(context)
        let record = try await existingMultiRegionAccessPoint(rawName, context)
        let isPublic = try record.establishedPolicy.map { text throws(S3Error) in
            try PolicyDocument(parsing: text, kind: .multiRegionAccessPoint).status.isPublic
        }
        let xml = ControlXMLWriter(root: "GetMultiRegionAccessPointPolicyStatusResult") { xml in
            xml.element("Established") { xml in xml.element("IsPublic", isPublic ?? false) }
        }
        return ok(context, xml: xml.xml)
    }
}
