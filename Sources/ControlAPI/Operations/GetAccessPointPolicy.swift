internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `GET /v20180820/accesspoint/{name}/policy`: the JSON text as stored; 404 `NoSuchAccessPointPolicy` if none.
    func getAccessPointPolicy(_ rawName: String, _ context: ControlContext) async throws(S3Error) -> S3Response {
        let record = try await existingAccessPoint(rawName, context)
        guard let policy = record.policy else {
            throw S3Error.noSuchAccessPointPolicy.adding("AccessPointName", rawName)
        }
        let xml = ControlXMLWriter(root: "GetAccessPointPolicyResult") { xml in
            xml.element("Policy", policy)
        }
        return ok(context, xml: xml.xml)
    }
}
