import AccessPointCore
import LabPKI
import Testing

struct LabCertificateNamesTests {
    /// The default lab (us-west-2, `amazonaws.com` and `lab.localhost`) with a second region from a VPC and a bucket.
    static func twoRegionLab() throws -> LabConfiguration {
        var configuration = LabConfiguration.embeddedDefault
        let frankfurt = try Region(validating: "eu-central-1")
        configuration.vpcs[0].region = frankfurt
        configuration.buckets[0].region = frankfurt
        return configuration
    }

    static let table: [(String, Bool)] = [
        ("*.s3-accesspoint.us-west-2.amazonaws.com", true),
        ("*.s3-accesspoint.dualstack.us-west-2.amazonaws.com", true),
        ("*.s3-accesspoint-fips.us-west-2.amazonaws.com", true),
        ("*.s3-accesspoint-fips.dualstack.eu-central-1.amazonaws.com", true),
        ("*.s3-control.eu-central-1.amazonaws.com", true),
        ("*.s3-control.dualstack.us-west-2.amazonaws.com", true),
        ("*.s3-control-fips.us-west-2.amazonaws.com", true),
        ("*.s3.us-west-2.amazonaws.com", true),
        ("*.s3.dualstack.eu-central-1.amazonaws.com", true),
        ("*.s3-fips.us-west-2.amazonaws.com", true),
        ("s3.us-west-2.amazonaws.com", true),
        ("s3-accesspoint.eu-central-1.amazonaws.com", true),
        ("s3-control.us-west-2.amazonaws.com", true),
        ("*.mrap.accesspoint.s3-global.amazonaws.com", true),
        // The lab suffix: what botocore sends with --endpoint-url https://s3.lab.localhost:PORT …
        ("*.s3.lab.localhost", true),
        ("s3.lab.localhost", true),
        ("*.s3-control.lab.localhost", true),
        ("s3-control.lab.localhost", true),
        // … and the AWS shapes under it.
        ("*.s3-accesspoint.us-west-2.lab.localhost", true),
        ("*.s3-control.eu-central-1.lab.localhost", true),
        ("*.mrap.accesspoint.s3-global.lab.localhost", true),
        ("localhost", true),
        // Not wanted: the endpoint-url forms under an AWS suffix, a region nobody configured, a two-label wildcard.
        ("*.s3.amazonaws.com", false),
        ("s3.amazonaws.com", false),
        ("*.s3-accesspoint.us-east-1.amazonaws.com", false),
        ("*.accesspoint.s3-global.amazonaws.com", false),
        ("*.s3-accesspoint.us-west-2.amazonaws.com.cn", false),
    ]

    @Test(arguments: Self.table)
    func coversEndpointShape(name: String, present: Bool) throws {
        let names = LabCertificateNames(configuration: try Self.twoRegionLab())
        #expect(names.dnsNames.contains(name) == present)
    }

    @Test
    func collectsRegionsFromTheLabItsVPCsAndItsBuckets() throws {
        #expect(
            LabCertificateNames.regions(of: try Self.twoRegionLab()).map(\.rawValue) == ["eu-central-1", "us-west-2"]
        )
    }

    @Test
    func isSortedDeduplicatedAndCounted() throws {
        let names = LabCertificateNames(configuration: try Self.twoRegionLab())
        #expect(names.dnsNames == Array(Set(names.dnsNames)).sorted())
        // 2 regions × 2 suffixes × 15 regional shapes, 2 MRAP wildcards, 4 lab forms, localhost.
        #expect(names.dnsNames.count == 2 * 2 * 15 + 2 + 4 + 1)
        #expect(names.ipAddresses.map(\.description) == ["127.0.0.1", "::1"])
    }

    @Test
    func normalisesSuffixesAndSkipsEmptyOnes() throws {
        let region = try Region(validating: "us-west-2")
        let plain = LabCertificateNames(regions: [region], endpointSuffixes: ["lab.localhost"])
        let messy = LabCertificateNames(regions: [region, region], endpointSuffixes: ["Lab.Localhost.", "", "."])
        #expect(messy == plain)
    }

    @Test
    func chinaSuffixIsAnAWSPartitionNotALabSuffix() throws {
        let names = LabCertificateNames(
            regions: [try Region(validating: "cn-north-1")],
            endpointSuffixes: ["amazonaws.com.cn"]
        )
        #expect(names.dnsNames.contains("*.s3-accesspoint.cn-north-1.amazonaws.com.cn"))
        #expect(names.dnsNames.contains("*.mrap.accesspoint.s3-global.amazonaws.com.cn"))
        #expect(!names.dnsNames.contains("*.s3.amazonaws.com.cn"))
    }

    @Test
    func everyNameIsAUsablePattern() throws {
        let names = LabCertificateNames(configuration: try Self.twoRegionLab())
        #expect(names.patterns.count == names.dnsNames.count + names.ipAddresses.count)
    }

    @Test
    func reportsMissingNames() throws {
        let region = try Region(validating: "us-west-2")
        let small = LabCertificateNames(regions: [region], endpointSuffixes: ["lab.localhost"])
        let large = LabCertificateNames(regions: [region], endpointSuffixes: ["lab.localhost", "amazonaws.com"])
        #expect(small.missing(from: large).isEmpty)
        #expect(large.missing(from: small).contains("*.s3-accesspoint.us-west-2.amazonaws.com"))
        #expect(large.missing(from: small).count == 15 + 1)
    }
}
