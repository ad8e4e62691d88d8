public import AccessPointCore
public import NetworkAddressing

/// What the DNS server needs from a lab: where to listen, the hosted zones and where their files are, the VPCs
/// that choose views, and what synthesised names resolve to.
public struct DNSServerConfiguration: Sendable {
    /// UDP and TCP share this address; with port 0, TCP binds the port UDP was given, as NSD does.
    public var listen: ListenAddress
    /// The network lab's router namespace, where the UDP and TCP sockets are made; nil for the process's own.
    public var listenNamespace: NetworkNamespace?
    public var zonesDirectory: String
    public var hostedZones: [LabConfiguration.HostedZone]
    public var vpcs: [LabConfiguration.VPC]
    /// The router's address for this server's clients: what access point names resolve to.
    public var routerAddress: IPAddress
    public var regions: [Region]
    public var accounts: [AccountID]
    /// Resolvers whose EDNS Client Subnet option chooses the view (off when empty).
    public var trustedResolvers: [CIDRBlock]
    /// TCP connections idle this long are closed (RFC 7766 §6.2.3 suggests seconds, not minutes).
    public var tcpIdleTimeoutSeconds: Int64
    /// Upstream resolvers for names no zone of a client's view holds, tried in order; empty (the default) makes
    /// the server authoritative only: such names get REFUSED.
    public var forwarders: [ListenAddress] = []
    /// How long one upstream has to answer (over UDP, and TCP after a truncated answer) before the next is tried.
    public var forwardTimeout: Duration = .seconds(2)
    /// Questions upstream at once; beyond this a forwarded question gets SERVFAIL at once.
    public var maxOutstandingForwards = 1000
    /// Forwarded answers kept in the cache at most.
    public var forwardCacheCapacity = 10_000

    public init(
        listen: ListenAddress,
        zonesDirectory: String,
        hostedZones: [LabConfiguration.HostedZone],
        vpcs: [LabConfiguration.VPC],
        routerAddress: IPAddress,
        regions: [Region],
        accounts: [AccountID],
        trustedResolvers: [CIDRBlock] = [],
        tcpIdleTimeoutSeconds: Int64 = 10
    ) {
        self.listen = listen
        self.zonesDirectory = zonesDirectory
        self.hostedZones = hostedZones
        self.vpcs = vpcs
        self.routerAddress = routerAddress
        self.regions = regions
        self.accounts = accounts
        self.trustedResolvers = trustedResolvers
        self.tcpIdleTimeoutSeconds = tcpIdleTimeoutSeconds
    }

    /// The DNS server of a lab. Names resolve to the HTTPS listener's address, or to 127.0.0.1 when that
    /// listener binds every address (0.0.0.0 or ::).
    ///
    /// `forwarders` are the upstream resolvers `dns.forwarders` names, once the I/O layer has read the host's
    /// resolv.conf for `host` (`LabConfigurationLoader.forwarders(of:)`); nil takes the addresses the lab lists,
    /// none for `host`.
    public init(lab: LabConfiguration, forwarders: [ListenAddress]? = nil) {
        let https = lab.listeners.https.host
        let unspecified = https == IPAddress("0.0.0.0") || https == IPAddress("::")
        var regions = [lab.region]
        for vpc in lab.vpcs where !regions.contains(vpc.region) { regions.append(vpc.region) }
        for bucket in lab.buckets where !regions.contains(bucket.region) { regions.append(bucket.region) }
        self.init(
            listen: lab.listeners.dns,
            zonesDirectory: lab.zonesDir,
            hostedZones: lab.hostedZones,
            vpcs: lab.vpcs,
            routerAddress: unspecified ? .v4(IPv4Address(0x7F00_0001)) : https,
            regions: regions,
            accounts: lab.accounts.map(\.id),
            trustedResolvers: lab.dns.trustedResolvers
        )
        forwardTimeout = lab.dns.forwardTimeout
        if let forwarders {
            self.forwarders = forwarders
        } else if case .addresses(let addresses) = lab.dns.forwarders {
            self.forwarders = addresses
        }
    }
}
