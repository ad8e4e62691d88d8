internal import AccessPointCore
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `GET /v20180820/accesspoint/{name}` (spec §2.2, §2.4); no `VpcConfiguration` for an Internet origin.
    func getAccessPoint(_ rawName: String, _ context: ControlContext) async throws(S3Error) -> S3Response {
        let record = try await existingAccessPoint(rawName, context)
        let xml = ControlXMLWriter(root: "GetAccessPointResult") { xml in
            xml.element("Name", record.name.rawValue)
            xml.element("Bucket", record.bucket.rawValue)
            xml.element("NetworkOrigin", record.networkOrigin)
            xml.vpcConfiguration(record.vpcId)
            xml.publicAccessBlock("PublicAccessBlockConfiguration", record.publicAccessBlock)
            xml.element("CreationDate", ControlXMLWriter.timestamp(record.creationDate))
            xml.element("Alias", record.alias)
            xml.element("AccessPointArn", record.arn)
            xml.element("Endpoints") { xml in
                for (key, value) in record.endpoints {
                    xml.element("entry") { xml in
                        xml.element("key", key)
                        xml.element("value", value)
                    }
                }
            }
            xml.element("BucketAccountId", record.bucketAccount.rawValue)
        }
        return ok(context, xml: xml.xml)
    }

    /// The caller's access point in the request's region, or `404 NoSuchAccessPoint` naming it.
    func existingAccessPoint(_ rawName: String, _ context: ControlContext) async throws(S3Error) -> AccessPointRecord {
        let name = try AccessPointNameRules.forLookup(rawName)
        let record = try await registryCall { () async throws(RegistryError) in
            try await registry.accessPoint(named: name, account: context.account, region: context.region)
        }
        guard let record else { throw AccessPointNameRules.noSuchAccessPoint(rawName) }
        return record
    }
}
