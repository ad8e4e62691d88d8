internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `GET /v20180820/tags/{ResourceArn+}`: `<Tags><Tag><Key/><Value/></Tag>…</Tags>`, by key; an empty set is
    /// `<Tags></Tags>` (spec §2.4).
    func listTagsForResource(_ arn: String, _ context: ControlContext) async throws(S3Error) -> S3Response {
        let resource = try TaggedResource(arn: arn, context)
        let tags = try await registryCall { () async throws(RegistryError) in
            try await registry.accessPointTags(named: resource.name, account: context.account, region: context.region)
        }
        guard let tags else { throw .noSuchResource }
        let xml = ControlXMLWriter(root: "ListTagsForResourceResult") { xml in
            xml.element("Tags") { xml in
                for tag in tags {
                    xml.element("Tag") { xml in
                        xml.element("Key", tag.key)
                        xml.element("Value", tag.value)
                    }
                }
            }
        }
        return ok(context, xml: xml.xml)
    }
}
