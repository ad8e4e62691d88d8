extension LabConfiguration {
    /// The network lab that `aprouter lab up` makes of this configuration: each VPC, and the internet, becomes a
    /// network namespace wired to a router namespace where the router, DNS and control API listen on the
    /// standard ports. Only `lab up` reads this section; `aprouter serve` ignores it.
    public struct NetworkLab: Sendable, Equatable {
        /// Every namespace the lab makes is named `<prefix>-router`, `<prefix>-<vpc id>` or `<prefix>-internet`,
        /// and its router-side interfaces `<prefix>-s<n>`: one to eight lower-case letters and digits, starting
        /// with a letter, so two labs with different prefixes can be up at once.
        public var namespacePrefix: String
        /// The address of the router, the DNS server and the control API inside the lab (on the router
        /// namespace's loopback): what every access point and endpoint name resolves to there. Outside every
        /// VPC and internet CIDR. The default is the first address of 198.18.0.0/15, the range RFC 2544
        /// reserves for network testing.
        public var serviceAddress: IPv4Address

        public static let defaultServiceAddress = IPv4Address(0xC612_0001)  // 198.18.0.1

        public init(namespacePrefix: String = "aprl", serviceAddress: IPv4Address = Self.defaultServiceAddress) {
            self.namespacePrefix = namespacePrefix
            self.serviceAddress = serviceAddress
        }

        /// Whether `text` is a usable namespace prefix (see `namespacePrefix`).
        public static func isValidPrefix(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            guard (1...8).contains(bytes.count), let first = bytes.first, NameRules.isLowerLetter(first) else {
                return false
            }
            return bytes.allSatisfy { NameRules.isLowerLetter($0) || NameRules.isDigit($0) }
        }
    }

    /// The lab `aprouter lab up` starts when no file is given: the embedded default lab moved onto addresses
    /// from 198.18.0.0/15, which a network namespace can hold (loopback addresses cannot leave `lo`). The VPC
    /// is 198.18.10.0/24 as the default lab's is 127.0.10.0/24, a second VPC without an S3 endpoint is
    /// 198.18.11.0/24, and the internet 198.18.20.0/24.
    public static let networkLabDefault: LabConfiguration = {
        var lab = LabConfiguration.embeddedDefault
        let region = lab.region
        lab.vpcs = [
            VPC(
                id: "vpc-1a2b3c",
                region: region,
                cidrs: [CIDRBlock(address: .v4(IPv4Address(0xC612_0A00)), prefixLength: 24)],
                enableDnsSupport: true,
                enableDnsHostnames: true,
                endpoint: VPCEndpoint(id: "vpce-1a2b3c4d", policy: nil)
            ),
            VPC(
                id: "vpc-4d5e6f",
                region: region,
                cidrs: [CIDRBlock(address: .v4(IPv4Address(0xC612_0B00)), prefixLength: 24)],
                enableDnsSupport: true,
                enableDnsHostnames: true,
                endpoint: nil
            ),
        ]
        lab.internet = Internet(cidrs: [CIDRBlock(address: .v4(IPv4Address(0xC612_1400)), prefixLength: 24)])
        return lab
    }()
}
