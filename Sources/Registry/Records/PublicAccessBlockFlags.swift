/// The four Block Public Access flags as stored; the policy engine's `PublicAccessBlock` is built from them by the
/// control API (the registry does not depend on the policy engine).
public struct PublicAccessBlockFlags: Sendable, Hashable {
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

    /// Every flag on: an access point created without a configuration (spec §2.4).
    public static let all = PublicAccessBlockFlags(
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: true
    )
}
