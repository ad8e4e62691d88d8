import AccessPointCore

/// The zones the emulator writes itself from the registry snapshot (issue 4, spec §6): what a VPC's resolver
/// answers for access point, S3 Control, bucket-alias and multi-region names, all pointing at the router.
///
/// Route 53's conventions are kept so negative answers look like AWS's: an SOA of `awsdns-hostmaster.amazon.com.`
/// and four `awsdns` name servers. Records carry a short TTL (60 s) so a caching resolver in a lab sees a new
/// or deleted access point within a minute; this server itself answers from the new snapshot at once.
struct SynthesizedZones {
    static let recordTTL: UInt32 = 60
    static let soaTTL: UInt32 = 900
    static let nameServerTTL: UInt32 = 172_800
    static let nameServers = ["ns-1.awsdns-00.com", "ns-2.awsdns-00.net", "ns-3.awsdns-00.org", "ns-4.awsdns-00.co.uk"]

    /// The router's address that names resolve to.
    var routerAddress: IPAddress
    /// Regions to serve endpoint zones for, beyond those the snapshot's access points name.
    var regions: [Region]
    /// Accounts whose S3 Control endpoint names exist.
    var accounts: [AccountID]

    /// The zones for one view: access points of network origin Internet, plus those restricted to `vpcId`.
    func zones(for snapshot: AccessPointSnapshot, vpcId: String?) -> [Zone] {
        let visible = snapshot.accessPoints.filter { $0.vpcId == nil || $0.vpcId == vpcId }
        var regionNames = Set(regions.map(\.rawValue))
        for accessPoint in snapshot.accessPoints { regionNames.insert(accessPoint.region.rawValue) }
        var zones: [Zone] = []
        for region in regionNames.sorted() {
            let here = visible.filter { $0.region.rawValue == region }
            let labels = here.map { "\($0.name)-\($0.account)" }
            zones += [
                zone("s3-accesspoint.\(region).amazonaws.com", labels: labels, serial: snapshot.version),
                zone("s3-accesspoint.dualstack.\(region).amazonaws.com", labels: labels, serial: snapshot.version),
                zone("s3-control.\(region).amazonaws.com", labels: accounts.map(\.rawValue), serial: snapshot.version),
                zone("s3.\(region).amazonaws.com", labels: here.map(\.alias), serial: snapshot.version),
            ].compactMap { $0 }
        }
        let mraps = snapshot.multiRegionAccessPoints.map(\.alias.rawValue)
        zones += [zone("accesspoint.s3-global.amazonaws.com", labels: mraps, serial: snapshot.version)].compactMap {
            $0
        }
        return zones
    }

    /// A zone whose apex and every `label` resolve to the router. Nil only if a name is invalid, which the
    /// validated names of a snapshot never are.
    private func zone(_ apexText: String, labels: [String], serial: UInt64) -> Zone? {
        guard let apex = DomainName(apexText), let hostmaster = DomainName("awsdns-hostmaster.amazon.com"),
            let primary = DomainName(Self.nameServers[0])
        else { return nil }
        let (type, address) = RecordData.address(routerAddress)
        var records = [
            ResourceRecord(
                name: apex,
                type: .soa,
                ttl: Self.soaTTL,
                rdata: RecordData.soa(
                    primary: primary,
                    mailbox: hostmaster,
                    serial: UInt32(truncatingIfNeeded: serial &+ 1),
                    refresh: 7200,
                    retry: 900,
                    expire: 1_209_600,
                    minimum: Self.recordTTL
                )
            ),
            ResourceRecord(name: apex, type: type, ttl: Self.recordTTL, rdata: address),
        ]
        for server in Self.nameServers.compactMap(DomainName.init) {
            records.append(
                ResourceRecord(name: apex, type: .ns, ttl: Self.nameServerTTL, rdata: RecordData.name(server))
            )
        }
        for label in labels {
            guard let name = DomainName("\(label).\(apexText)") else { continue }
            records.append(ResourceRecord(name: name, type: type, ttl: Self.recordTTL, rdata: address))
        }
        return try? Zone(apex: apex, records: records)
    }
}
