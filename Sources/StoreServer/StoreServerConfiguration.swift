public import AccessPointCore
public import S3Auth

/// What `aprouter store serve` needs, resolved before it binds: where it listens, who may sign requests, the
/// regions a signature may name, the domains under which a Host names a bucket, and the buckets it serves.
public struct StoreServerConfiguration: Sendable {
    public var listen: ListenAddress
    public var credentials: StaticCredentialLookup
    /// `.any` takes the region from the credential scope, as a custom S3-compatible endpoint does (spec §7).
    public var region: ExpectedRegion
    /// A Host `BUCKET.DOMAIN[:port]` for one of these domains is a virtual-hosted request for `BUCKET`; any other
    /// Host is path-style (`/BUCKET/KEY`).
    public var domains: [String]
    /// The buckets served, for ListBuckets; the store itself answers NoSuchBucket for any other name.
    public var buckets: [String]
    /// When the server started, the buckets' `CreationDate` in ListBuckets.
    public var started: AmzDate

    public init(
        listen: ListenAddress,
        credentials: StaticCredentialLookup,
        region: ExpectedRegion = .any,
        domains: [String] = ["localhost"],
        buckets: [String],
        started: AmzDate
    ) {
        self.listen = listen
        self.credentials = credentials
        self.region = region
        self.domains = domains.map { $0.lowercased() }
        self.buckets = buckets
        self.started = started
    }
}
