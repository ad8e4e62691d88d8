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

    public init(version: UInt64, accessPoints: [AccessPoint], multiRegionAccessPoints: [MultiRegionAccessPoint]) {
        self.version = version
        self.accessPoints = accessPoints
        self.multiRegionAccessPoints = multiRegionAccessPoints
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

        public init(
            name: AccessPointName,
            account: AccountID,
            region: Region,
            bucket: BucketName,
            alias: String,
            vpcId: String?
        ) {
            self.name = name
            self.account = account
            self.region = region
            self.bucket = bucket
            self.alias = alias
            self.vpcId = vpcId
        }
    }

    public struct MultiRegionAccessPoint: Sendable, Equatable {
        public var name: MultiRegionAccessPointName
        public var account: AccountID
        public var alias: MultiRegionAccessPointAlias

        public init(name: MultiRegionAccessPointName, account: AccountID, alias: MultiRegionAccessPointAlias) {
            self.name = name
            self.account = account
            self.alias = alias
        }
    }
}
