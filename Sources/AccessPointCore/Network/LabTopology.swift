/// The network lab of a configuration, worked out before anything is made: one router namespace where the
/// servers listen, one namespace per VPC and one for the internet, each joined to the router namespace by a veth
/// pair. `aprouter lab up` runs `commands` with ip(8), writes each segment's `resolv.conf`, and `lab down` deletes
/// `namespaces`, which takes the veth pairs with them.
///
/// Addresses, for a segment whose first IPv4 CIDR is 198.18.10.0/24:
/// - `.1` the gateway, on the router side of the veth pair; the segment's default route;
/// - `.10` the segment's own host address, on its `eth0`.
///
/// The service address (`lab.serviceAddress`, 198.18.0.1 by default) sits on the router namespace's loopback:
/// every endpoint name resolves to it, and it is every segment's resolver (`resolv.conf`). The DNS server binds
/// it rather than every address, so a UDP answer always leaves from the address the query was sent to (a
/// wildcard UDP socket would answer from the interface's primary address, which resolvers reject). The router
/// namespace forwards nothing, and nothing links the lab to the host's own network: segments reach the servers
/// and nothing else.
public struct LabTopology: Sendable, Equatable {
    /// A VPC or the internet, as a namespace.
    public struct Segment: Sendable, Equatable {
        /// The VPC's id, or `internet`.
        public var name: String
        public var namespace: String
        /// The router-side end of the veth pair; the segment's end is `eth0`.
        public var routerInterface: String
        public var network: CIDRBlock
        public var gateway: IPv4Address
        public var host: IPv4Address
    }

    public var routerNamespace: String
    public var serviceAddress: IPv4Address
    public var segments: [Segment]

    /// The name `lab exec` accepts for the internet namespace.
    public static let internetName = "internet"

    /// Every namespace of the lab, the router's first.
    public var namespaces: [String] { [routerNamespace] + segments.map(\.namespace) }

    public func segment(named name: String) -> Segment? { segments.first { $0.name == name } }

    /// The lab of `configuration`, or the problems that keep it from being made, each naming its key path.
    public init(_ configuration: LabConfiguration) throws(ConfigurationProblems) {
        let prefix = configuration.lab.namespacePrefix
        routerNamespace = "\(prefix)-router"
        serviceAddress = configuration.lab.serviceAddress
        var problems: [ConfigurationError] = []
        var segments: [Segment] = []
        var sources: [(name: String, path: String, cidrs: [CIDRBlock])] = configuration.vpcs.enumerated().map {
            ($0.element.id, "vpcs[\($0.offset)].cidrs", $0.element.cidrs)
        }
        if !configuration.internet.cidrs.isEmpty {
            sources.append((Self.internetName, "internet.cidrs", configuration.internet.cidrs))
        }
        for (name, path, cidrs) in sources {
            guard let index = cidrs.firstIndex(where: { if case .v4 = $0.address { true } else { false } }),
                case .v4(let base) = cidrs[index].network.address
            else {
                problems.append(.invalidValue.at(path, "the network lab needs an IPv4 CIDR block for \(name)"))
                continue
            }
            let block = cidrs[index]
            let blockPath = "\(path)[\(index)]"
            guard block.prefixLength >= 8, block.prefixLength <= 28 else {
                problems.append(
                    .invalidValue.at(
                        blockPath,
                        "the network lab needs a block from /8 to /28 for \(name) (gateway .1, host .10), not /\(block.prefixLength)"
                    )
                )
                continue
            }
            if base.value >> 24 == 127 || base.value >> 28 >= 0xE || base.value >> 24 == 0 {
                problems.append(
                    .invalidValue.at(
                        blockPath,
                        "\(block) cannot be used in a network namespace (loopback, multicast or reserved); take addresses from 198.18.0.0/15"
                    )
                )
                continue
            }
            if block.contains(.v4(serviceAddress)) {
                problems.append(
                    .conflict.at(
                        blockPath,
                        "\(block) holds lab.serviceAddress \(serviceAddress), which must be outside"
                    )
                )
                continue
            }
            segments.append(
                Segment(
                    name: name,
                    namespace: "\(prefix)-\(name)",
                    routerInterface: "\(prefix)-s\(segments.count)",
                    network: block.network,
                    gateway: IPv4Address(base.value + 1),
                    host: IPv4Address(base.value + 10)
                )
            )
        }
        if !problems.isEmpty { throw ConfigurationProblems(problems) }
        self.segments = segments
    }

    /// The ip(8) invocations that make the lab, in order (arguments after `ip`).
    public var commands: [[String]] {
        var commands: [[String]] = [
            ["netns", "add", routerNamespace],
            ["-n", routerNamespace, "link", "set", "lo", "up"],
            ["-n", routerNamespace, "address", "add", "\(serviceAddress)/32", "dev", "lo"],
        ]
        for segment in segments {
            let prefix = "/\(segment.network.prefixLength)"
            commands += [
                ["netns", "add", segment.namespace],
                ["-n", segment.namespace, "link", "set", "lo", "up"],
                [
                    "link", "add", "eth0", "netns", segment.namespace, "type", "veth", "peer", "name",
                    segment.routerInterface, "netns", routerNamespace,
                ],
                [
                    "-n", routerNamespace, "address", "add", "\(segment.gateway)\(prefix)", "dev",
                    segment.routerInterface,
                ],
                ["-n", routerNamespace, "link", "set", segment.routerInterface, "up"],
                ["-n", segment.namespace, "address", "add", "\(segment.host)\(prefix)", "dev", "eth0"],
                ["-n", segment.namespace, "link", "set", "eth0", "up"],
                ["-n", segment.namespace, "route", "add", "default", "via", "\(segment.gateway)"],
            ]
        }
        return commands
    }

    /// Every segment's `resolv.conf`: the lab's resolver, on the service address.
    public var resolvConf: String {
        "# written by aprouter lab up; removed by aprouter lab down\nnameserver \(serviceAddress)\n"
    }
}
