internal import AccessPointCore
internal import Foundation
internal import Registry

extension AccessPointRecord {
    var arn: String { AccessPointARN(region: region, account: account, name: name).description }
    var networkOrigin: String { vpcId == nil ? "Internet" : "VPC" }

    /// `Endpoints` as GetAccessPoint reports them (spec §2.4): four entries, in this order.
    var endpoints: [(key: String, value: String)] {
        [
            ("ipv4", "s3-accesspoint.\(region).amazonaws.com"),
            ("fips", "s3-accesspoint-fips.\(region).amazonaws.com"),
            ("fips_dualstack", "s3-accesspoint-fips.dualstack.\(region).amazonaws.com"),
            ("dualstack", "s3-accesspoint.dualstack.\(region).amazonaws.com"),
        ]
    }
}

extension ControlXMLWriter {
    mutating func publicAccessBlock(_ name: String, _ flags: PublicAccessBlock) {
        element(name) { xml in xml.publicAccessBlockFlags(flags) }
    }

    mutating func publicAccessBlockFlags(_ flags: PublicAccessBlock) {
        element("BlockPublicAcls", flags.blockPublicAcls)
        element("IgnorePublicAcls", flags.ignorePublicAcls)
        element("BlockPublicPolicy", flags.blockPublicPolicy)
        element("RestrictPublicBuckets", flags.restrictPublicBuckets)
    }

    mutating func vpcConfiguration(_ vpcId: String?) {
        guard let vpcId else { return }
        element("VpcConfiguration") { xml in xml.element("VpcId", vpcId) }
    }

    /// ISO 8601 in UTC, whole seconds: `2026-11-24T10:53:18Z`.
    static func timestamp(_ date: Date) -> String {
        date.ISO8601Format()
    }
}
