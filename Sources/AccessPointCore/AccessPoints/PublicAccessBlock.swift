/// The four Block Public Access flags (spec §4.5). Accounts, buckets and access points each have a set; what
/// applies to a request is their union, so the most restrictive setting always wins.
///
/// One value type for the registry that stores them, the control API that reads and writes them, and the policy
/// engine that applies them (which adds `checkMayStore`).
public struct PublicAccessBlock: Sendable, Hashable {
    public var blockPublicAcls: Bool
    public var ignorePublicAcls: Bool
    public var blockPublicPolicy: Bool
    public var restrictPublicBuckets: Bool

    public init(
        blockPublicAcls: Bool = false,
        ignorePublicAcls: Bool = false,
        blockPublicPolicy: Bool = false,
        restrictPublicBuckets: Bool = false
    ) {
        self.blockPublicAcls = blockPublicAcls
        self.ignorePublicAcls = ignorePublicAcls
        self.blockPublicPolicy = blockPublicPolicy
        self.restrictPublicBuckets = restrictPublicBuckets
    }

    /// Every flag on: what an access point gets when created without a configuration.
    public static let all = PublicAccessBlock(
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: true
    )

    /// Each flag on if any of the settings turns it on; a missing configuration turns nothing on.
    public static func effective(
        account: PublicAccessBlock?,
        bucket: PublicAccessBlock?,
        accessPoint: PublicAccessBlock?
    ) -> PublicAccessBlock {
        [account, bucket, accessPoint].compactMap { $0 }.reduce(PublicAccessBlock()) { $0.union($1) }
    }

    /// Each flag on if it is on in either.
    public func union(_ other: PublicAccessBlock) -> PublicAccessBlock {
        PublicAccessBlock(
            blockPublicAcls: blockPublicAcls || other.blockPublicAcls,
            ignorePublicAcls: ignorePublicAcls || other.ignorePublicAcls,
            blockPublicPolicy: blockPublicPolicy || other.blockPublicPolicy,
            restrictPublicBuckets: restrictPublicBuckets || other.restrictPublicBuckets
        )
    }
}
