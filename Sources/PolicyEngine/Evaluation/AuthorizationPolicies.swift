public import AccessPointCore

/// Every policy that governs one request through an access point or multi-region access point (spec §4.1), as the
/// router finds them in its snapshot.
///
/// A nil resource policy allows nothing (its layer then needs the caller's identity policies), except the VPC
/// endpoint policy: an endpoint without one has the default policy, which allows everything.
public struct AuthorizationPolicies: Sendable {
    /// The access point's own policy, for requests through an access point.
    public var accessPointPolicy: PolicyDocument?
    /// The multi-region access point's policy, for requests through one.
    public var multiRegionAccessPointPolicy: PolicyDocument?
    public var bucketPolicy: PolicyDocument?
    /// The caller's identity policies; their `Deny`s always count, their `Allow`s only for resources of the
    /// caller's own account (spec §4.1 steps 5–6).
    public var identityPolicies: [PolicyDocument]
    /// The endpoint's policy, consulted only when the request came through a VPC endpoint; nil is the default
    /// "allow everything" policy.
    public var vpcEndpointPolicy: PolicyDocument?
    /// The effective settings: account, bucket and access point flags combined (spec §4.5).
    public var publicAccessBlock: PublicAccessBlock

    public init(
        accessPointPolicy: PolicyDocument? = nil,
        multiRegionAccessPointPolicy: PolicyDocument? = nil,
        bucketPolicy: PolicyDocument? = nil,
        identityPolicies: [PolicyDocument] = [],
        vpcEndpointPolicy: PolicyDocument? = nil,
        publicAccessBlock: PublicAccessBlock = PublicAccessBlock()
    ) {
        self.accessPointPolicy = accessPointPolicy
        self.multiRegionAccessPointPolicy = multiRegionAccessPointPolicy
        self.bucketPolicy = bucketPolicy
        self.identityPolicies = identityPolicies
        self.vpcEndpointPolicy = vpcEndpointPolicy
        self.publicAccessBlock = publicAccessBlock
    }

    /// Whether any of them tests `s3:ExistingObjectTag/…`, so the object's tags must be read before deciding.
    public var readExistingObjectTags: Bool {
        [accessPointPolicy, multiRegionAccessPointPolicy, bucketPolicy, vpcEndpointPolicy].contains {
            $0?.readsExistingObjectTags == true
        } || identityPolicies.contains { $0.readsExistingObjectTags }
    }
}
