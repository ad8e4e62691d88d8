/// What a Host header names, decided before anything else looks at a request (spec §1, router stage 1).
///
/// The router serves `accessPoint`, `accessPointAlias` and `multiRegionAccessPoint`, hands `control` to the control
/// API, and rejects the rest with a reason: `pathStyle` and `ipLiteral` because access points are virtual-host only,
/// `bucket` because direct bucket access is not what this proxy offers, `unknown` because the name is not ours.
public enum HostClass: Hashable, Sendable, CustomStringConvertible {
    /// `{name}-{account}.s3-accesspoint[-fips][.dualstack].{region}.{suffix}`, the interface-endpoint form, or
    /// `{name}-{account}.s3.{lab suffix}` (a client given `--endpoint-url https://s3.{lab suffix}`; the region then
    /// comes from the SigV4 credential scope).
    case accessPoint(name: AccessPointName, account: AccountID, endpoint: Endpoint)
    /// `{alias}.s3[-fips][.dualstack].{region}.{suffix}` where the alias ends in `-s3alias`.
    case accessPointAlias(alias: String, endpoint: Endpoint)
    /// `{alias}.mrap.accesspoint.s3-global.{suffix}`.
    case multiRegionAccessPoint(alias: MultiRegionAccessPointAlias)
    /// `{account}.s3-control[-fips][.dualstack].{region}.{suffix}`, `{account}.s3.{lab suffix}` or
    /// `{account}.s3-control.{lab suffix}`; the account is nil when the client sent no host prefix.
    case control(account: AccountID?, endpoint: Endpoint)
    /// An ordinary bucket addressed virtual-host style (`{bucket}.s3.{region}.{suffix}`).
    case bucket(name: BucketName, endpoint: Endpoint)
    /// An S3 or access point endpoint with no bucket or access point label: a path-style request.
    case pathStyle(endpoint: Endpoint)
    /// An IP address literal instead of a name: necessarily path-style.
    case ipLiteral(IPAddress)
    /// Not a host this router answers for.
    case unknown(HostRejection)

    /// The endpoint facts carried in the host after the access point, alias, account or bucket label.
    public struct Endpoint: Hashable, Sendable {
        /// Nil when the host carries no region (a lab endpoint URL, `s3.amazonaws.com`).
        public var region: Region?
        public var fips: Bool
        public var dualstack: Bool
        /// The interface VPC endpoint id (`vpce-…`) named in the host, if any.
        public var vpcEndpoint: String?

        public init(region: Region? = nil, fips: Bool = false, dualstack: Bool = false, vpcEndpoint: String? = nil) {
            self.region = region
            self.fips = fips
            self.dualstack = dualstack
            self.vpcEndpoint = vpcEndpoint
        }

        var fields: String {
            var text = region.map { " region=\($0)" } ?? ""
            if fips { text += " fips" }
            if dualstack { text += " dualstack" }
            if let vpcEndpoint { text += " vpce=\(vpcEndpoint)" }
            return text
        }
    }

    /// Whether the router must refuse this host because access points are addressed virtual-host style only.
    public var isPathStyle: Bool {
        switch self {
        case .pathStyle, .ipLiteral: true
        default: false
        }
    }

    /// One line, the form used in test fixtures: `accessPoint name=my-ap account=123456789012 region=us-west-2 fips`.
    public var description: String {
        switch self {
        case .accessPoint(let name, let account, let endpoint):
            "accessPoint name=\(name) account=\(account)\(endpoint.fields)"
        case .accessPointAlias(let alias, let endpoint): "alias alias=\(alias)\(endpoint.fields)"
        case .multiRegionAccessPoint(let alias): "mrap alias=\(alias)"
        case .control(let account, let endpoint):
            "control" + (account.map { " account=\($0)" } ?? "") + endpoint.fields
        case .bucket(let name, let endpoint): "bucket name=\(name)\(endpoint.fields)"
        case .pathStyle(let endpoint): "pathStyle\(endpoint.fields)"
        case .ipLiteral: "pathStyle ip"
        case .unknown: "unknown"
        }
    }
}

/// Why a host is not one of ours, for logs and error messages. Equal by kind.
public struct HostRejection: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable { case malformed, foreignDomain, invalidLabel, unrecognisedEndpoint }
    private let kind: Kind
    public let reason: String

    private init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// Not a syntactically valid host name (bad characters, empty or over-long labels, bad port).
    public static let malformed = HostRejection(.malformed, "is not a valid host name")
    /// Under none of the configured endpoint suffixes.
    public static let foreignDomain = HostRejection(.foreignDomain, "is not under a configured endpoint suffix")
    /// The label in front of an endpoint is not a valid access point, alias, account or bucket label.
    public static let invalidLabel = HostRejection(.invalidLabel, "has an invalid access point label")
    /// Under a configured suffix, but not an endpoint shape S3 uses.
    public static let unrecognisedEndpoint = HostRejection(.unrecognisedEndpoint, "is not an S3 endpoint")

    func because(_ reason: String) -> HostRejection { HostRejection(kind, reason) }

    public static func == (lhs: HostRejection, rhs: HostRejection) -> Bool { lhs.kind == rhs.kind }
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }
    public var description: String { reason }
}
