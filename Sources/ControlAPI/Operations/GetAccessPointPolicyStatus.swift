internal import AccessPointCore
internal import PolicyEngine
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `GET /v20180820/accesspoint/{name}/policyStatus`: `PolicyStatus/IsPublic` by the policy engine's rule
    /// (spec §4.4); 404 `NoSuchAccessPointPolicy` when there is no policy.
    func getAccessPointPolicyStatus(
        _ rawName: String,
        _ context: ControlContext
    ) async throws(S3Error)
        -> S3Response
    {
        let record = try await existingAccessPoint(rawName, context)
        guard let text = record.policy else {
            throw S3Error.noSuchAccessPointPolicy.adding("AccessPointName", rawName)
        }
        let policy = try PolicyDocument(parsing: text, kind: .accessPoint)
        let xml = ControlXMLWriter(root: "GetAccessPointPolicyStatusResult") { xml in
            xml.element("PolicyStatus") { xml in xml.element("IsPublic", policy.status.isPublic) }
        }
        return ok(context, xml: xml.xml)
    }
}
