import AccessPointCore
import Testing

@testable import PrivateDNS

struct ViewCatalogTests {
    static let vpcA = ViewCatalog.VPC(
        id: "vpc-a",
        cidrs: [CIDRBlock("127.0.10.0/24")!],
        enableDnsSupport: true,
        enableDnsHostnames: true
    )
    static let vpcB = ViewCatalog.VPC(
        id: "vpc-b",
        cidrs: [CIDRBlock("127.0.20.0/24")!],
        enableDnsSupport: true,
        enableDnsHostnames: true
    )
    static let vpcOff = ViewCatalog.VPC(
        id: "vpc-c",
        cidrs: [CIDRBlock("127.0.30.0/24")!],
        enableDnsSupport: false,
        enableDnsHostnames: true
    )
    static let vpcNoHostnames = ViewCatalog.VPC(
        id: "vpc-d",
        cidrs: [CIDRBlock("127.0.40.0/24")!],
        enableDnsSupport: true,
        enableDnsHostnames: false
    )

    static func snapshot() throws -> AccessPointSnapshot {
        func ap(_ name: String, vpc: String?) throws -> AccessPointSnapshot.AccessPoint {
            .init(
                name: try AccessPointName(validating: name),
                account: try AccountID(validating: "123456789012"),
                region: try Region(validating: "us-west-2"),
                bucket: try BucketName(validating: "example-bucket"),
                alias: "\(name)-abcdefghijklmnopqrstuvwxyz01234567-s3alias",
                vpcId: vpc
            )
        }
        return AccessPointSnapshot(
            version: 7,
            accessPoints: [try ap("public-ap", vpc: nil), try ap("vpc-a-ap", vpc: "vpc-a")],
            multiRegionAccessPoints: [
                .init(
                    name: try MultiRegionAccessPointName(validating: "global"),
                    account: try AccountID(validating: "123456789012"),
                    alias: try MultiRegionAccessPointAlias(validating: "mfzwi23gnjvgw.mrap")
                )
            ]
        )
    }

    static func catalog() throws -> ViewCatalog {
        let privateZone = try Fixtures.zone(lines: "app IN A 127.0.10.20\n", origin: "corp.internal")
        let publicZone = try Fixtures.zone(
            lines: "app IN A 198.18.0.20\nwww IN A 198.18.0.80\n",
            origin: "corp.internal"
        )
        let publicParent = try Fixtures.zone(
            lines: "www IN A 198.18.0.81\nx.corp IN A 198.18.0.82\n",
            origin: "internal"
        )
        return ViewCatalog(
            hostedZones: [
                .init(zone: privateZone, vpcs: ["vpc-a", "vpc-d"]), .init(zone: publicZone, vpcs: []),
                .init(zone: publicParent, vpcs: []),
            ],
            vpcs: [vpcA, vpcB, vpcOff, vpcNoHostnames],
            synthesis: SynthesizedZones(
                routerAddress: IPAddress("127.0.0.1")!,
                regions: [try Region(validating: "us-west-2")],
                accounts: [try AccountID(validating: "123456789012")]
            ),
            snapshot: try snapshot()
        )
    }

    /// Source address, question → result: split horizon, shadowing, REFUSED, synthesis per view.
    static let table: [(String, String, RecordType, String)] = [
        ("127.0.10.5", "app.corp.internal", .a, "answer: app.corp.internal. A"),
        ("127.0.10.5", "www.corp.internal", .a, "nxdomain"),  // private zone shadows the public one
        ("127.0.10.5", "x.corp.internal", .a, "nxdomain"),  // … and its parent zone below its apex
        ("127.0.10.5", "www.internal", .a, "answer: www.internal. A"),  // parent names outside it stay public
        ("127.0.20.5", "www.corp.internal", .a, "answer: www.corp.internal. A"),
        ("127.0.20.5", "app.corp.internal", .a, "answer: app.corp.internal. A"),
        ("198.18.0.1", "www.corp.internal", .a, "answer: www.corp.internal. A"),
        ("127.0.30.5", "www.corp.internal", .a, "refused: dnsSupportDisabled"),
        (
            "127.0.30.5", "public-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", .a,
            "refused: dnsSupportDisabled"
        ),
        ("127.0.40.5", "www.corp.internal", .a, "answer: www.corp.internal. A"),  // private zones need DNS hostnames
        ("127.0.10.5", "example.com", .a, "refused: notAuthoritative"),
        (
            "127.0.10.5", "public-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", .a,
            "answer: public-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com. A"
        ),
        (
            "127.0.10.5", "vpc-a-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", .a,
            "answer: vpc-a-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com. A"
        ),
        (
            "127.0.10.5", "vpc-a-ap-123456789012.s3-accesspoint.dualstack.us-west-2.amazonaws.com", .a,
            "answer: vpc-a-ap-123456789012.s3-accesspoint.dualstack.us-west-2.amazonaws.com. A"
        ),
        ("127.0.20.5", "vpc-a-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", .a, "nxdomain"),
        ("198.18.0.1", "vpc-a-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", .a, "nxdomain"),
        (
            "198.18.0.1", "public-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", .a,
            "answer: public-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com. A"
        ),
        ("127.0.20.5", "public-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", .aaaa, "nodata"),
        (
            "127.0.20.5", "123456789012.s3-control.us-west-2.amazonaws.com", .a,
            "answer: 123456789012.s3-control.us-west-2.amazonaws.com. A"
        ),
        ("127.0.20.5", "111122223333.s3-control.us-west-2.amazonaws.com", .a, "nxdomain"),
        (
            "127.0.20.5", "public-ap-abcdefghijklmnopqrstuvwxyz01234567-s3alias.s3.us-west-2.amazonaws.com", .a,
            "answer: public-ap-abcdefghijklmnopqrstuvwxyz01234567-s3alias.s3.us-west-2.amazonaws.com. A"
        ),
        ("127.0.20.5", "s3.us-west-2.amazonaws.com", .a, "answer: s3.us-west-2.amazonaws.com. A"),
        (
            "127.0.20.5", "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com", .a,
            "answer: mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com. A"
        ),
        (
            "127.0.20.5", "s3-accesspoint.us-west-2.amazonaws.com", .soa,
            "answer: s3-accesspoint.us-west-2.amazonaws.com. SOA"
        ),
        ("127.0.20.5", "s3-accesspoint.eu-west-1.amazonaws.com", .a, "refused: notAuthoritative"),
        ("::ffff:127.0.10.5", "app.corp.internal", .a, "answer: app.corp.internal. A"),
    ]

    @Test(arguments: Self.table)
    func answersByView(_ source: String, _ name: String, _ type: RecordType, _ expected: String) throws {
        let catalog = try Self.catalog()
        #expect(catalog.lookup(.named(name), type, from: IPAddress(source)!).summary == expected)
    }

    @Test func synthesisedNegativeAnswersCarryAnSOA() throws {
        let catalog = try Self.catalog()
        guard
            case .nameError(_, let soa) = catalog.lookup(
                .named("gone-123456789012.s3-accesspoint.us-west-2.amazonaws.com"),
                .a,
                from: IPAddress("127.0.20.5")!
            )
        else {
            Issue.record("expected NXDOMAIN")
            return
        }
        #expect(soa.name == .named("s3-accesspoint.us-west-2.amazonaws.com"))
        #expect(soa.ttl == SynthesizedZones.recordTTL)
    }
}
