public import AccessPointCore

/// Every name the lab's server certificate has to carry so that any host the router recognises (README, "Host names
/// the router recognises"; spec §1.1–1.5) passes the client's hostname check: deduplicated, lower-case and sorted,
/// DNS names first, then the loopback IP addresses.
///
/// A wildcard covers exactly one label (RFC 6125 §6.4.3, spec §1.5), so each endpoint shape needs its own entry:
/// `*.s3-accesspoint.us-west-2.amazonaws.com` covers `reports-111122223333.s3-accesspoint.us-west-2.amazonaws.com`
/// but not its dual-stack form, and multi-region hosts need `*.mrap.accesspoint.s3-global.amazonaws.com` because
/// their alias spans two labels. Interface-endpoint hosts (`….vpce-{id}.s3.{region}.vpce.{suffix}`) are not covered:
/// they carry a label per endpoint id that no wildcard over one label can span.
///
/// Pure: computed from values, so the certificate store can compare it with what a certificate on disk carries.
public struct LabCertificateNames: Hashable, Sendable {
    /// DNS names, wildcards included, sorted and without duplicates.
    public let dnsNames: [String]
    /// IP addresses for clients that dial `https://127.0.0.1:PORT` or `https://[::1]:PORT`: IPv4 first.
    public let ipAddresses: [IPAddress]

    /// The endpoint suffixes of AWS partitions; every other suffix is a lab suffix such as `lab.localhost`.
    public static let awsPartitionSuffixes: Set<String> = ["amazonaws.com", "amazonaws.com.cn"]

    /// Region-scoped prefixes under an AWS-shaped suffix: `{prefix}.{region}.{suffix}`. Access points, aliases and
    /// S3 Control, each with the FIPS and dual-stack variants the host classifier accepts, then the bare endpoint
    /// hosts that path-style requests use (so the router can answer them with an S3 error instead of a TLS failure).
    static let regionalPrefixes: [String] = [
        "*.s3-accesspoint", "*.s3-accesspoint.dualstack", "*.s3-accesspoint-fips", "*.s3-accesspoint-fips.dualstack",
        "*.s3-control", "*.s3-control.dualstack", "*.s3-control-fips", "*.s3-control-fips.dualstack",
        "*.s3", "*.s3.dualstack", "*.s3-fips", "*.s3-fips.dualstack",
        "s3", "s3-accesspoint", "s3-control",
    ]

    /// Multi-region access points: `{alias}.mrap.accesspoint.s3-global.{suffix}`, no region.
    static let globalPrefixes: [String] = ["*.mrap.accesspoint.s3-global"]

    /// What botocore sends for `--endpoint-url https://s3.{suffix}:PORT`: `{name}-{account}.s3.{suffix}` for an
    /// access point ARN, `{account}.s3-control.{suffix}` for S3 Control, and the endpoint hosts themselves.
    static let labPrefixes: [String] = ["*.s3", "s3", "*.s3-control", "s3-control"]

    /// The loopback host names and addresses, for curl and openssl runs against `localhost`.
    static let loopbackDNSNames: [String] = ["localhost"]
    static let loopbackIPAddresses: [IPAddress] = [.v4(IPv4Address(0x7F00_0001)), .v6(IPv6Address(high: 0, low: 1))]

    /// The names for `regions` under every suffix in `endpointSuffixes`, plus `localhost`, `127.0.0.1` and `::1`.
    ///
    /// Every suffix gets the AWS shapes for every region (the host classifier accepts them under any suffix); a lab
    /// suffix also gets the `--endpoint-url` shapes. Suffixes are lower-cased and stripped of leading and trailing
    /// dots; empty ones are skipped.
    public init(regions: some Sequence<Region>, endpointSuffixes: some Sequence<String>) {
        var names = Set(Self.loopbackDNSNames)
        let regions = Set(regions.map(\.rawValue))
        for rawSuffix in endpointSuffixes {
            let suffix = Self.normalizedSuffix(rawSuffix)
            guard !suffix.isEmpty else { continue }
            for region in regions {
                for prefix in Self.regionalPrefixes { names.insert("\(prefix).\(region).\(suffix)") }
            }
            for prefix in Self.globalPrefixes { names.insert("\(prefix).\(suffix)") }
            if !Self.awsPartitionSuffixes.contains(suffix) {
                for prefix in Self.labPrefixes { names.insert("\(prefix).\(suffix)") }
            }
        }
        self.dnsNames = names.sorted()
        self.ipAddresses = Self.loopbackIPAddresses
    }

    /// The names for every region the lab mentions (its own, its VPCs' and its buckets') under every configured
    /// endpoint suffix.
    public init(configuration: LabConfiguration) {
        self.init(regions: Self.regions(of: configuration), endpointSuffixes: configuration.endpointSuffixes)
    }

    /// Exactly these names, normalised (lower-case, no trailing dot), deduplicated and sorted; for names read back
    /// from a certificate and for tests.
    public init(dnsNames: some Sequence<String>, ipAddresses: some Sequence<IPAddress>) {
        self.dnsNames = Set(dnsNames.map(Self.normalizedSuffix)).filter { !$0.isEmpty }.sorted()
        var seen = Set<IPAddress>()
        self.ipAddresses = ipAddresses.filter { seen.insert($0).inserted }.sorted(by: Self.ipOrder)
    }

    /// The regions a configuration mentions, sorted: the lab's own, every VPC's and every bucket's.
    public static func regions(of configuration: LabConfiguration) -> [Region] {
        let all = [configuration.region] + configuration.vpcs.map(\.region) + configuration.buckets.map(\.region)
        return Set(all).sorted { $0.rawValue < $1.rawValue }
    }

    /// The names in `self` that `other` lacks, as text: what a certificate carrying `other` fails to cover. Names
    /// are compared literally, so a certificate is reused only if it was issued for (at least) these names.
    public func missing(from other: LabCertificateNames) -> [String] {
        let dns = Set(other.dnsNames)
        let ips = Set(other.ipAddresses)
        return dnsNames.filter { !dns.contains($0) } + ipAddresses.filter { !ips.contains($0) }.map(\.description)
    }

    /// Every name as a `ServerNamePattern`, for `ServerNameSelector`.
    public var patterns: [ServerNamePattern] {
        dnsNames.compactMap { try? ServerNamePattern($0) } + ipAddresses.map(ServerNamePattern.init(ipAddress:))
    }

    static func normalizedSuffix(_ text: String) -> String {
        var text = Substring(text.lowercased())
        while text.hasPrefix(".") { text = text.dropFirst() }
        while text.hasSuffix(".") { text = text.dropLast() }
        return String(text)
    }

    static func ipOrder(_ lhs: IPAddress, _ rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let l), .v4(let r)): l < r
        case (.v6(let l), .v6(let r)): l < r
        case (.v4, .v6): true
        case (.v6, .v4): false
        }
    }
}
