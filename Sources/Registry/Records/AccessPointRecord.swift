public import AccessPointCore
public import Foundation

/// One access point as the registry keeps it. Unique by (account, region, name); everything but the policy is
/// fixed at creation (spec §3).
public struct AccessPointRecord: Sendable, Equatable {
    public var name: AccessPointName
    public var account: AccountID
    public var region: Region
    public var bucket: BucketName
    /// The account that owns the bucket; the caller's own account unless the access point is cross-account.
    public var bucketAccount: AccountID
    /// The VPC the access point is restricted to; nil for network origin Internet.
    public var vpcId: String?
    public var publicAccessBlock: PublicAccessBlock
    /// `{name}-{34 lower-case alphanumerics}-s3alias`.
    public var alias: String
    /// Whole seconds: S3 Control reports creation dates without fractions.
    public var creationDate: Date
    /// The access point policy's JSON text as the client sent it, or nil.
    public var policy: String?

    public init(
        name: AccessPointName,
        account: AccountID,
        region: Region,
        bucket: BucketName,
        bucketAccount: AccountID,
        vpcId: String?,
        publicAccessBlock: PublicAccessBlock,
        alias: String,
        creationDate: Date,
        policy: String? = nil
    ) {
        self.name = name
        self.account = account
        self.region = region
        self.bucket = bucket
        self.bucketAccount = bucketAccount
        self.vpcId = vpcId
        self.publicAccessBlock = publicAccessBlock
        self.alias = alias
        self.creationDate = creationDate
        self.policy = policy
    }
}
