internal import AccessPointCore
internal import Registry

/// Multi-region access point control operations "are always routed to US West (Oregon)" (spec §1.4).
let multiRegionControlRegion = "us-west-2"

extension ControlAPIResponder {
    /// AWS answers multi-region control requests sent to another region with `301 PermanentRedirect`.
    func requireMultiRegionControlRegion(_ context: ControlContext) throws(S3Error) {
        guard context.region.rawValue == multiRegionControlRegion else {
            throw .permanentRedirect.adding("Endpoint", "s3-control.\(multiRegionControlRegion).amazonaws.com")
        }
    }
}

extension ControlXMLWriter {
    /// `MultiRegionAccessPointReport`, as GetMultiRegionAccessPoint and ListMultiRegionAccessPoints write it.
    mutating func multiRegionAccessPointReport(_ record: MultiRegionAccessPointRecord) {
        element("Name", record.name.rawValue)
        element("Alias", record.alias.rawValue)
        element("CreatedAt", ControlXMLWriter.timestamp(record.createdAt))
        publicAccessBlock("PublicAccessBlock", record.publicAccessBlock)
        element("Status", record.status)
        element("Regions") { xml in
            for entry in record.regions {
                xml.element("Region") { xml in
                    xml.element("Bucket", entry.bucket.rawValue)
                    xml.element("Region", entry.region.rawValue)
                    xml.element("BucketAccountId", entry.bucketAccount.rawValue)
                }
            }
        }
    }
}

extension AsyncOperationRecord.CreateRequest {
    static let flagNames = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]

    /// Absent → every flag on; present → each flag not given is off, as for access points (spec §2).
    var flags: PublicAccessBlock {
        guard let given = publicAccessBlock else { return .all }
        return PublicAccessBlock(
            blockPublicAcls: given["BlockPublicAcls"] ?? false,
            ignorePublicAcls: given["IgnorePublicAcls"] ?? false,
            blockPublicPolicy: given["BlockPublicPolicy"] ?? false,
            restrictPublicBuckets: given["RestrictPublicBuckets"] ?? false
        )
    }
}
