import AccessPointCore

/// Which zones each client sees, decided by its source address (STYLE §3; CoreDNS's view plugin; spec §6).
///
/// Immutable: rebuilt whole when zone files are reloaded or the registry snapshot changes, and swapped in with
/// one store, so a query reads one consistent catalog from start to end.
struct ViewCatalog: Sendable {
    /// The zones one client can see, in the order they are searched.
    struct View: Sendable {
        /// A VPC with `enableDnsSupport: false` gets REFUSED for everything (its resolver is off).
        var dnsSupport: Bool
        /// Private zones of the VPC (only with DNS support and DNS hostnames), then the synthesised endpoint
        /// zones, then public zones. The first layer with a zone holding the name answers, so a private zone
        /// shadows a public zone of the same or a parent name: a name it lacks is NXDOMAIN, as in Route 53.
        var layers: [[Zone]]
    }

    let vpcViews: PrefixTable<Int>
    let views: [View]
    let outside: View
    /// Sources whose EDNS Client Subnet option chooses the view; empty unless configured.
    let trustedResolvers: PrefixTable<Bool>

    func trustsClientSubnet(from source: IPAddress) -> Bool { trustedResolvers.lookup(source) ?? false }

    /// The view for a query from `source`: the VPC whose CIDR holds it (longest prefix), else the outside view.
    func view(for source: IPAddress) -> View {
        vpcViews.lookup(source).map { views[$0] } ?? outside
    }

    func lookup(_ qname: DomainName, _ qtype: RecordType, from source: IPAddress) -> LookupResult {
        var records = ResponseWriter.Sections(rcode: .noError, authoritative: false)
        return lookup(qname, qtype, from: source, into: &records).result(records)
    }

    /// The lookup the server runs: records appended to `records` (see `Zone.lookup(_:_:into:)`).
    func lookup(
        _ qname: DomainName,
        _ qtype: RecordType,
        from source: IPAddress,
        into records: inout ResponseWriter.Sections
    ) -> LookupOutcome {
        // Without VPCs every client has the outside view: no prefix lookup (a generic call into AccessPointCore).
        let viewIndex = views.isEmpty ? nil : vpcViews.lookup(source)
        let dnsSupport = viewIndex.map { views[$0].dnsSupport } ?? outside.dnsSupport
        guard dnsSupport else { return .refused(.dnsSupportDisabled) }
        let layerCount = viewIndex.map { views[$0].layers.count } ?? outside.layers.count
        for layer in 0..<layerCount {
            // Read in place: copying a `View` or a `Zone` out would retain each of its references.
            let found =
                if let viewIndex {
                    Self.closestZone(holding: qname, in: views[viewIndex].layers[layer])
                } else {
                    Self.closestZone(holding: qname, in: outside.layers[layer])
                }
            if let found {
                return
                    if let viewIndex
                {
                    views[viewIndex].layers[layer][found].lookup(qname, qtype, into: &records)
                } else {
                    outside.layers[layer][found].lookup(qname, qtype, into: &records)
                }
            }
        }
        return .refused(.notAuthoritative)
    }

    /// The index of the zone with the longest apex that holds `name`.
    static func closestZone(holding name: DomainName, in zones: [Zone]) -> Int? {
        var best: Int?
        var bestLength = 0
        for index in zones.indices where zones[index].apex.wireCount > bestLength {
            if name.isSubdomain(of: zones[index].apex) {
                best = index
                bestLength = zones[index].apex.wireCount
            }
        }
        return best
    }
}

extension ViewCatalog {
    /// A hosted zone from the configuration, loaded.
    struct HostedZone: Sendable {
        var zone: Zone
        /// Associated VPC ids; empty for a public zone.
        var vpcs: [String]
    }

    /// A VPC as the DNS server needs it.
    struct VPC: Sendable {
        var id: String
        var cidrs: [CIDRBlock]
        var enableDnsSupport: Bool
        var enableDnsHostnames: Bool
    }

    init(
        hostedZones: [HostedZone],
        vpcs: [VPC],
        synthesis: SynthesizedZones,
        snapshot: AccessPointSnapshot,
        trustedResolvers: [CIDRBlock] = []
    ) {
        let publicZones = hostedZones.filter(\.vpcs.isEmpty).map(\.zone)
        var table = PrefixTable<Int>()
        var views: [View] = []
        for (index, vpc) in vpcs.enumerated() {
            for block in vpc.cidrs { table.insert(block, index) }
            let privateZones =
                vpc.enableDnsSupport && vpc.enableDnsHostnames
                ? hostedZones.filter { $0.vpcs.contains(vpc.id) }.map(\.zone) : []
            let synthesized = synthesis.zones(for: snapshot, vpcId: vpc.id)
            views.append(View(dnsSupport: vpc.enableDnsSupport, layers: [privateZones, synthesized, publicZones]))
        }
        self.vpcViews = table
        self.views = views
        self.outside = View(dnsSupport: true, layers: [synthesis.zones(for: snapshot, vpcId: nil), publicZones])
        self.trustedResolvers = PrefixTable(trustedResolvers.map { ($0, true) })
    }
}
