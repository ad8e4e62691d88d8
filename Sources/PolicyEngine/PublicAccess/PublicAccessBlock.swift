public import AccessPointCore

/// The four Block Public Access flags (spec §4.5). Accounts, buckets and access points each have a set; what
/// applies to a request is their union, so the most restrictive setting always wins.
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

    /// BlockPublicPolicy: the control API calls this before storing an access point, bucket or multi-region
    /// access point policy, with the flags that apply to that resource.
    ///
    /// - Throws: `S3Error.accessDenied`, naming the statement that makes the policy public.
    public func checkMayStore(_ policy: PolicyDocument) throws(S3Error) {
        guard blockPublicPolicy, policy.status.isPublic else { return }
        throw .accessDenied.because(
            "Access Denied: BlockPublicPolicy is on and this \(policy.kind) is public (\(policy.status.reason))"
        )
    }
}
