public import AccessPointCore

/// What a request is addressed to: the access point (or multi-region access point) it came through, the bucket
/// behind it, and the object key if any. From it come the two resource forms of spec §4.1 step 3 and the
/// `s3:DataAccessPoint…` keys that let a bucket policy delegate to access points.
public struct RequestTarget: Sendable, Hashable {
    /// The resource the client named in the host.
    public enum Front: Sendable, Hashable {
        case accessPoint(AccessPointARN)
        case multiRegionAccessPoint(MultiRegionAccessPointARN)
    }

    /// Whether an access point accepts requests from anywhere or only from its VPC (`s3:AccessPointNetworkOrigin`).
    public enum NetworkOrigin: String, Sendable, Hashable {
        case internet = "Internet"
        case vpc = "VPC"
    }

    /// Setting it renders the new ARN once (``frontARN``).
    public var front: Front {
        didSet { rendered = Rendered(front: front, bucket: bucket) }
    }
    /// Setting it renders the new bucket ARN once.
    public var bucket: BucketName {
        didSet { rendered = Rendered(front: front, bucket: bucket) }
    }
    /// The account that owns the bucket: it decides whether the caller's identity policies count at the bucket
    /// layer, and it is `s3:ResourceAccount`.
    public var bucketOwner: AccountID
    public var networkOrigin: NetworkOrigin
    /// The object key, for object-level operations.
    public var key: String?

    /// The ARNs of the front and the bucket, rendered when the target is made (or its front or bucket changes), not
    /// for each request: a router that keeps a target per access point in its snapshot and sets only `key` per
    /// request renders no ARN on the request path. Shared by every copy.
    private final class Rendered: Sendable {
        /// `arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME` or the multi-region form, as contiguous UTF-8.
        let frontARN: String
        let frontColons: ResourceName.Colons?
        /// `arn:aws:s3:::BUCKET`.
        let bucketARN: String
        let bucketColons: ResourceName.Colons?

        init(front: Front, bucket: BucketName) {
            let frontARN =
                switch front {
                case .accessPoint(let arn): arn.description
                case .multiRegionAccessPoint(let arn): arn.description
                }
            let partition =
                switch front {
                case .accessPoint(let arn): arn.partition
                case .multiRegionAccessPoint(let arn): arn.partition
                }
            let bucketARN = "arn:\(partition):s3:::\(bucket)"
            self.frontColons = ResourceName.Colons.find(in: frontARN)
            self.bucketColons = ResourceName.Colons.find(in: bucketARN)
            self.frontARN = frontARN
            self.bucketARN = bucketARN
        }
    }

    private var rendered: Rendered

    public init(
        front: Front,
        bucket: BucketName,
        bucketOwner: AccountID,
        networkOrigin: NetworkOrigin = .internet,
        key: String? = nil
    ) {
        self.front = front
        self.bucket = bucket
        self.bucketOwner = bucketOwner
        self.networkOrigin = networkOrigin
        self.key = key
        self.rendered = Rendered(front: front, bucket: bucket)
    }

    public static func == (lhs: RequestTarget, rhs: RequestTarget) -> Bool {
        lhs.front == rhs.front && lhs.bucket == rhs.bucket && lhs.bucketOwner == rhs.bucketOwner
            && lhs.networkOrigin == rhs.networkOrigin && lhs.key == rhs.key
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(front)
        hasher.combine(bucket)
        hasher.combine(bucketOwner)
        hasher.combine(networkOrigin)
        hasher.combine(key)
    }

    /// The account that owns the access point or multi-region access point.
    public var frontOwner: AccountID {
        switch front {
        case .accessPoint(let arn): arn.account
        case .multiRegionAccessPoint(let arn): arn.account
        }
    }

    /// `arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME` or the multi-region form, without any object suffix.
    public var frontARN: String { rendered.frontARN }

    /// `arn:aws:s3:::BUCKET`, without any key.
    var bucketARN: String { rendered.bucketARN }

    /// The colons of ``frontARN`` and ``bucketARN``, found once.
    var frontColons: ResourceName.Colons? { rendered.frontColons }
    var bucketColons: ResourceName.Colons? { rendered.bucketColons }
}
