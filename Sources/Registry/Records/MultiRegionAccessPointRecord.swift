public import AccessPointCore
public import Foundation

/// One multi-region access point, stored once its asynchronous create has succeeded. Unique by (account, name).
public struct MultiRegionAccessPointRecord: Sendable, Equatable {
    public struct RegionEntry: Sendable, Equatable {
        public var region: Region
        public var bucket: BucketName
        public var bucketAccount: AccountID
        /// The region's traffic dial (GetMultiRegionAccessPointRoutes): 0 passive, no request is routed there;
        /// above 0 active. Every region starts active.
        public var trafficDialPercentage: Int

        public init(region: Region, bucket: BucketName, bucketAccount: AccountID, trafficDialPercentage: Int = 100) {
            self.region = region
            self.bucket = bucket
            self.bucketAccount = bucketAccount
            self.trafficDialPercentage = trafficDialPercentage
        }
    }

    public var account: AccountID
    public var name: MultiRegionAccessPointName
    public var alias: MultiRegionAccessPointAlias
    public var createdAt: Date
    public var publicAccessBlock: PublicAccessBlock
    /// `READY`, `CREATING`, `DELETING`, … (spec §2).
    public var status: String
    /// One bucket per region, ordered by region.
    public var regions: [RegionEntry]
    /// The policy in force, and the latest one put (spec §2: Proposed, then Established once propagated).
    public var establishedPolicy: String?
    public var proposedPolicy: String?

    public init(
        account: AccountID,
        name: MultiRegionAccessPointName,
        alias: MultiRegionAccessPointAlias,
        createdAt: Date,
        publicAccessBlock: PublicAccessBlock,
        status: String,
        regions: [RegionEntry],
        establishedPolicy: String? = nil,
        proposedPolicy: String? = nil
    ) {
        self.account = account
        self.name = name
        self.alias = alias
        self.createdAt = createdAt
        self.publicAccessBlock = publicAccessBlock
        self.status = status
        self.regions = regions
        self.establishedPolicy = establishedPolicy
        self.proposedPolicy = proposedPolicy
    }
}
