/// Classifies Host headers against the configured endpoint suffixes (spec §1, §7).
///
/// Every suffix accepts the shapes AWS uses under `amazonaws.com`: `s3-accesspoint[-fips][.dualstack].{region}`,
/// `s3-control…`, `s3[-fips][.dualstack].{region}`, `accesspoint.s3-global` and the interface-endpoint forms
/// `…vpce-{id}.s3.{region}.vpce`. A suffix that is not an AWS partition's (a lab suffix such as `lab.localhost`)
/// also accepts what botocore sends when given `--endpoint-url https://s3.{suffix}` (or `s3-control.{suffix}`):
/// the bucket, access point (`{name}-{account}`) or account label directly in front of that host. A lone label
/// there is read, in this order, as an account (12 digits), an alias (`-s3alias`), an access point, then a bucket.
///
/// Built once from configuration; `classify` allocates at most the normalised name and its label list.
public struct HostClassifier: Sendable {
    private struct Suffix: Sendable {
        var dotted: String  // ".amazonaws.com"
        var isAWSPartition: Bool
    }

    /// The suffixes of AWS partitions; every other configured suffix is a lab suffix.
    public static let awsPartitionSuffixes: Set<String> = ["amazonaws.com", "amazonaws.com.cn"]

    private let suffixes: [Suffix]

    /// - Parameter endpointSuffixes: domain names such as `amazonaws.com` and `lab.localhost`, any case, with or
    ///   without a trailing dot. The longest matching suffix wins.
    public init(endpointSuffixes: [String]) {
        suffixes =
            endpointSuffixes
            .map { $0.lowercased().trimmingDots() }
            .filter { !$0.isEmpty }
            .sorted { $0.utf8.count > $1.utf8.count }
            .map { Suffix(dotted: "." + $0, isAWSPartition: Self.awsPartitionSuffixes.contains($0)) }
    }

    public func classify(_ host: some StringProtocol) -> HostClass {
        let name: String
        switch HostNormalizer.normalize(host) {
        case .malformed(let reason): return .unknown(.malformed.because(reason))
        case .ipLiteral(let address): return .ipLiteral(address)
        case .name(let normalized): name = normalized
        }
        guard let suffix = suffixes.first(where: { name.hasSuffix($0.dotted) }) else {
            return .unknown(.foreignDomain.because("'\(name)' is not under any configured endpoint suffix"))
        }
        let labels = name.utf8.dropLast(suffix.dotted.utf8.count).split(separator: UInt8(ascii: "."))
            .map { Substring($0) }
        return HostShape(labels: labels, name: name, isLabSuffix: !suffix.isAWSPartition).classify()
    }
}

extension String {
    fileprivate func trimmingDots() -> String {
        var text = Substring(self)
        while text.hasPrefix(".") { text = text.dropFirst() }
        while text.hasSuffix(".") { text = text.dropLast() }
        return String(text)
    }
}
