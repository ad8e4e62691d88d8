import AccessPointCore
import Testing

struct LabTopologyTests {
    @Test func defaultNetworkLabIsARouterNamespaceAndOneSegmentPerVPCAndTheInternet() throws {
        let lab = LabConfiguration.networkLabDefault
        #expect(lab.validate().isEmpty)
        let topology = try LabTopology(lab)
        #expect(topology.routerNamespace == "aprl-router")
        #expect(topology.namespaces == ["aprl-router", "aprl-vpc-1a2b3c", "aprl-vpc-4d5e6f", "aprl-internet"])
        let vpc = try #require(topology.segment(named: "vpc-1a2b3c"))
        #expect(vpc.network.description == "198.18.10.0/24")
        #expect(vpc.gateway.description == "198.18.10.1")
        #expect(vpc.host.description == "198.18.10.10")
        #expect(vpc.routerInterface == "aprl-s0")
        #expect(topology.segment(named: "internet")?.host.description == "198.18.20.10")
        #expect(topology.resolvConf.hasSuffix("nameserver 198.18.0.1\n"))
    }

    @Test func commandsMakeTheRouterFirstAndWireEachSegment() throws {
        let topology = try LabTopology(LabConfiguration.networkLabDefault)
        let commands = topology.commands.map { $0.joined(separator: " ") }
        #expect(commands.first == "netns add aprl-router")
        #expect(commands.contains("-n aprl-router address add 198.18.0.1/32 dev lo"))
        #expect(
            commands.contains(
                "link add eth0 netns aprl-vpc-1a2b3c type veth peer name aprl-s0 netns aprl-router"
            )
        )
        #expect(commands.contains("-n aprl-router address add 198.18.10.1/24 dev aprl-s0"))
        #expect(commands.contains("-n aprl-vpc-1a2b3c address add 198.18.10.10/24 dev eth0"))
        #expect(commands.contains("-n aprl-vpc-1a2b3c route add default via 198.18.10.1"))
        // Every interface name fits Linux's 15 characters, even with the longest prefix.
        var long = LabConfiguration.networkLabDefault
        long.lab.namespacePrefix = "abcdefgh"
        for segment in try LabTopology(long).segments { #expect(segment.routerInterface.utf8.count <= 15) }
        // Nothing is added to the host's own namespace: every command names a namespace.
        for command in topology.commands where command.first != "netns" {
            #expect(command.contains("-n") || command.contains("netns"), "\(command)")
        }
    }

    /// A change to the default network lab → the key path `LabTopology` refuses it at.
    static let refusals: [(String, @Sendable (inout LabConfiguration) -> Void, String)] = [
        ("loopback VPC", { $0.vpcs[0].cidrs = [CIDRBlock("127.0.10.0/24")!] }, "vpcs[0].cidrs[0]"),
        ("too small a block", { $0.vpcs[1].cidrs = [CIDRBlock("198.18.11.0/29")!] }, "vpcs[1].cidrs[0]"),
        ("IPv6 only", { $0.vpcs[0].cidrs = [CIDRBlock("fd00::/64")!] }, "vpcs[0].cidrs"),
        ("multicast internet", { $0.internet.cidrs = [CIDRBlock("224.0.0.0/24")!] }, "internet.cidrs[0]"),
        (
            "service address inside a VPC", { $0.lab.serviceAddress = IPv4Address("198.18.10.5")! },
            "vpcs[0].cidrs[0]"
        ),
    ]

    @Test(arguments: Self.refusals)
    func refusesWhatANamespaceCannotHold(
        name: String,
        change: @Sendable (inout LabConfiguration) -> Void,
        keyPath: String
    ) {
        var lab = LabConfiguration.networkLabDefault
        change(&lab)
        #expect(throws: ConfigurationProblems.self, "\(name)") { try LabTopology(lab) }
        do {
            _ = try LabTopology(lab)
        } catch {
            #expect(error.errors.map(\.keyPath) == [keyPath], "\(name): \(error)")
        }
    }

    @Test func anIPv6BlockBesideAnIPv4OneIsSkipped() throws {
        var lab = LabConfiguration.networkLabDefault
        lab.vpcs[0].cidrs.insert(CIDRBlock("fd00::/64")!, at: 0)
        #expect(try LabTopology(lab).segment(named: "vpc-1a2b3c")?.network.description == "198.18.10.0/24")
    }
}
