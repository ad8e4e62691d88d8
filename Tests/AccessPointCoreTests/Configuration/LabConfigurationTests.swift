import AccessPointCore
import Testing

struct LabConfigurationTests {
    @Test func embeddedDefaultIsValid() {
        #expect(LabConfiguration.embeddedDefault.validate().isEmpty)
    }

    @Test func embeddedDefaultIsTheDocumentedLab() {
        let lab = LabConfiguration.embeddedDefault
        #expect(lab.region.rawValue == "us-west-2")
        #expect(lab.endpointSuffixes == ["amazonaws.com", "lab.localhost"])
        #expect(lab.listeners.https.description == "127.0.0.1:8443")
        #expect(lab.accounts.map(\.id.rawValue) == ["123456789012"])
        #expect(lab.vpcs.first?.cidrs.map(\.description) == ["127.0.10.0/24"])
        #expect(lab.internet.cidrs.map(\.description) == ["127.0.20.0/24"])
        #expect(lab.buckets.first?.store == .embedded)
    }

    /// A change to the default lab → the problem `validate()` must report, and where.
    static let mutations: [(String, @Sendable (inout LabConfiguration) -> Void, ConfigurationError, String)] = [
        ("no suffix", { $0.endpointSuffixes = [] }, .invalidValue, "endpointSuffixes"),
        ("suffix twice", { $0.endpointSuffixes.append("amazonaws.com") }, .duplicate, "endpointSuffixes[2]"),
        ("listeners collide", { $0.listeners.admin = $0.listeners.https }, .conflict, "listeners.admin"),
        ("proxy on the DNS port", { $0.listeners.proxy = $0.listeners.dns }, .conflict, "listeners.proxy"),
        (
            "account twice", { $0.accounts.append(.init(id: $0.accounts[0].id, users: [])) }, .duplicate,
            "accounts[1].id"
        ),
        (
            "access key reused",
            { lab in
                var other = lab.accounts[0]
                other.id = try! AccountID(validating: "111122223333")
                lab.accounts.append(other)
            }, .duplicate, "accounts[1].users[0].accessKeyId"
        ),
        (
            "VPC twice",
            { lab in
                var twin = lab.vpcs[0]
                twin.cidrs = [CIDRBlock("127.0.30.0/24")!]
                twin.endpoint = nil
                lab.vpcs.append(twin)
            }, .duplicate, "vpcs[1].id"
        ),
        (
            "endpoint twice",
            { lab in
                var twin = lab.vpcs[0]
                twin.id = "vpc-2b"
                twin.cidrs = [CIDRBlock("127.0.30.0/24")!]
                lab.vpcs.append(twin)
            }, .duplicate, "vpcs[1].endpoint.id"
        ),
        (
            "CIDR in two VPCs",
            { lab in
                var twin = lab.vpcs[0]
                twin.id = "vpc-2b"
                twin.endpoint = nil
                lab.vpcs.append(twin)
            }, .duplicate, "vpcs[1].cidrs[0]"
        ),
        ("VPC without CIDR", { $0.vpcs[0].cidrs = [] }, .invalidValue, "vpcs[0].cidrs"),
        ("host bits", { $0.vpcs[0].cidrs = [CIDRBlock("127.0.10.7/24")!] }, .invalidValue, "vpcs[0].cidrs[0]"),
        ("internet inside a VPC", { $0.internet.cidrs = [CIDRBlock("127.0.0.0/8")!] }, .conflict, "internet.cidrs[0]"),
        ("bucket twice", { $0.buckets.append($0.buckets[0]) }, .duplicate, "buckets[1].name"),
        (
            "bucket of an unknown account", { $0.buckets[0].account = try! AccountID(validating: "999999999999") },
            .unknownReference, "buckets[0].account"
        ),
        (
            "zone in an unknown VPC", { $0.hostedZones[0].vpcs = ["vpc-ffff"] }, .unknownReference,
            "hostedZones[0].vpcs[0]"
        ),
        (
            "private zone twice in one VPC", { $0.hostedZones.append($0.hostedZones[0]) }, .duplicate,
            "hostedZones[1].name"
        ),
    ]

    @Test(arguments: Self.mutations)
    func reportsProblem(
        _ name: String,
        _ change: @Sendable (inout LabConfiguration) -> Void,
        _ expected: ConfigurationError,
        _ keyPath: String
    ) {
        var lab = LabConfiguration.embeddedDefault
        change(&lab)
        let problems = lab.validate()
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first == expected)
        #expect(problems.first?.keyPath == keyPath)
    }

    @Test func samePublicAndPrivateZoneNameIsSplitHorizon() {
        var lab = LabConfiguration.embeddedDefault
        lab.hostedZones.append(LabConfiguration.HostedZone(name: "corp.internal", file: "public.zone", vpcs: []))
        #expect(lab.validate().isEmpty)
    }

    @Test func reportsEveryProblemAtOnce() {
        var lab = LabConfiguration.embeddedDefault
        lab.endpointSuffixes = []
        lab.vpcs[0].cidrs = []
        lab.hostedZones[0].vpcs = ["vpc-ffff"]
        #expect(lab.validate().map(\.keyPath) == ["endpointSuffixes", "vpcs[0].cidrs", "hostedZones[0].vpcs[0]"])
    }
}
