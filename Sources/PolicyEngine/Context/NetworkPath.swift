public import AccessPointCore

/// How the request reached the router, as the network-origin stage worked it out (spec §4.3, §4.5).
///
/// A request through a VPC endpoint carries `aws:SourceVpc` and `aws:SourceVpce` but no `aws:SourceIp`: AWS
/// exposes the private address as `aws:VpcSourceIp` instead, so an `IpAddress` condition written for public
/// addresses never matches endpoint traffic. It is also what makes the VPC endpoint policy apply.
public struct NetworkPath: Sendable, Hashable {
    public var sourceIP: IPAddress?
    /// `vpc-…`, when the request came through a VPC endpoint.
    public var vpc: String?
    /// `vpce-…`, when the request came through a VPC endpoint.
    public var vpcEndpoint: String?
    /// Whether the request arrived over TLS (`aws:SecureTransport`); always true for access points.
    public var secureTransport: Bool

    public init(sourceIP: IPAddress?, vpc: String? = nil, vpcEndpoint: String? = nil, secureTransport: Bool = true) {
        self.sourceIP = sourceIP
        self.vpc = vpc
        self.vpcEndpoint = vpcEndpoint
        self.secureTransport = secureTransport
    }

    /// From the internet, over TLS.
    public static func internet(_ sourceIP: IPAddress) -> NetworkPath { NetworkPath(sourceIP: sourceIP) }

    /// Through an endpoint in a VPC.
    public static func vpcEndpoint(_ endpoint: String, vpc: String, privateIP: IPAddress? = nil) -> NetworkPath {
        NetworkPath(sourceIP: privateIP, vpc: vpc, vpcEndpoint: endpoint)
    }

    /// Whether the endpoint policy must also allow the request (spec §4.1 step 7).
    public var isThroughVPCEndpoint: Bool { vpcEndpoint != nil }
}
