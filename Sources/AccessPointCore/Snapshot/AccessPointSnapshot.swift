/// What the data plane knows about access points at one moment: an immutable value the executable builds from
/// the registry and pushes to the DNS server and the router whenever the registry changes.
///
/// A query or request takes the snapshot once when it starts and keeps it until it ends, so it never sees half
/// of a change; the data-plane servers never read the database themselves (STYLE §2).
public struct AccessPointSnapshot: Sendable, Equatable {
    /// Increases with every change; lets servers log which state answered.
    public var version: UInt64
    public var accessPoints: [AccessPoint]
    public var multiRegionAccessPoints: [MultiRegionAccessPoint]
    /// Account-level Block Public Access settings; an account without an entry has none.
    public var accountPublicAccessBlocks: [AccountID: PublicAccessBlock]

    public init(
        version: UInt64,
        accessPoints: [AccessPoint],
        multiRegionAccessPoints: [MultiRegionAccessPoint],
        accountPublicAccessBlocks: [AccountID: PublicAccessBlock] = [:]
    ) {
        self.version = version
        self.accessPoints = accessPoints
        self.multiRegionAccessPoints = multiRegionAccessPoints
        self.accountPublicAccessBlocks = accountPublicAccessBlocks
    }

    public static let empty = AccessPointSnapshot(version: 0, accessPoints: [], multiRegionAccessPoints: [])

    public struct AccessPoint: Sendable, Equatable {
        public var name: AccessPointName
        public var account: AccountID
        public var region: Region
        public var bucket: BucketName
        public var alias: String
        /// The VPC the access point is restricted to; nil for network origin Internet.
        public var vpcId: String?
        /// The account that owns the bucket (an access point may front another account's bucket).
        public var bucketAccount: AccountID
        /// The access point's own Block Public Access settings.
        public var publicAccessBlock: PublicAccessBlock
        /// The access point policy as JSON text, as stored; nil when it has none.
        public var policy: String?

        public init(
            name: AccessPointName,
            account: AccountID,
            region: Region,
            bucket: BucketName,
            alias: String,
            vpcId: String?,
            bucketAccount: AccountID? = nil,
            publicAccessBlock: PublicAccessBlock = .all,
            policy: String? = nil
        ) {
            self.name = name
            self.account = account
            self.region = region
            self.bucket = bucket
            self.alias = alias
            self.vpcId = vpcId
            self.bucketAccount = bucketAccount ?? account
            self.publicAccessBlock = publicAccessBlock
            self.policy = policy
        }
    }

    public struct MultiRegionAccessPoint: Sendable, Equatable {
        public var name: MultiRegionAccessPointName
        public var account: AccountID
        public var alias: MultiRegionAccessPointAlias
        /// The buckets behind it, one per region, in the order requests try them.
        public var routes: [Route]
        /// The established policy as JSON text; nil when none has been established.
        public var policy: String?
        public var publicAccessBlock: PublicAccessBlock

        public init(
            name: MultiRegionAccessPointName,
            account: AccountID,
            alias: MultiRegionAccessPointAlias,
            routes: [Route] = [],
            policy: String? = nil,
            publicAccessBlock: PublicAccessBlock = .all
        ) {
            self.name = name
            self.account = account
            self.alias = alias
            self.routes = routes
            self.policy = policy
            self.publicAccessBlock = publicAccessBlock
        }

        /// One region's bucket behind a multi-region access point.
        public struct Route: Sendable, Equatable {
            public var region: Region
            public var bucket: BucketName
            public var bucketAccount: AccountID

            public init(region: Region, bucket: BucketName, bucketAccount: AccountID) {
                self.region = region
                self.bucket = bucket
                self.bucketAccount = bucketAccount
            }
        }
    }
}
