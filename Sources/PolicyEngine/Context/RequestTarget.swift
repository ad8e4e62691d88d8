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
        get { shared.front }
        set { shared = Shared(front: newValue, bucket: bucket, bucketOwner: bucketOwner, networkOrigin: networkOrigin) }
    }
    /// Setting it renders the new bucket ARN once.
    public var bucket: BucketName {
        get { shared.bucket }
        set { shared = Shared(front: front, bucket: newValue, bucketOwner: bucketOwner, networkOrigin: networkOrigin) }
    }
    /// The account that owns the bucket: it decides whether the caller's identity policies count at the bucket
    /// layer, and it is `s3:ResourceAccount`.
    public var bucketOwner: AccountID {
        get { shared.bucketOwner }
        set { shared = Shared(shared, bucketOwner: newValue, networkOrigin: networkOrigin) }
    }
    public var networkOrigin: NetworkOrigin {
        get { shared.networkOrigin }
        set { shared = Shared(shared, bucketOwner: bucketOwner, networkOrigin: newValue) }
    }
    /// The object key, for object-level operations.
    public var key: String?

    /// Everything but the key, with the ARNs of the front and the bucket rendered when the target is made (or its
    /// front or bucket changes), not for each request: a router that keeps a target per access point in its
    /// snapshot and sets only `key` per request renders no ARN on the request path, and copying a target is two
    /// retains. Shared by every copy.
    private final class Shared: Sendable {
        let front: Front
        let bucket: BucketName
        let bucketOwner: AccountID
        let networkOrigin: NetworkOrigin
        /// The account that owns the front, read for every decision (`s3:DataAccessPointAccount`, the front layer's
        /// owner): kept here rather than taken out of `front`, which copied the whole ARN.
        let frontOwner: AccountID
        /// `arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME` or the multi-region form, as contiguous UTF-8.
        let frontARN: String
        let frontColons: ResourceName.Colons?
        /// `arn:aws:s3:::BUCKET`.
        let bucketARN: String
        let bucketColons: ResourceName.Colons?

        init(front: Front, bucket: BucketName, bucketOwner: AccountID, networkOrigin: NetworkOrigin) {
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
            self.frontOwner =
                switch front {
                case .accessPoint(let arn): arn.account
                case .multiRegionAccessPoint(let arn): arn.account
                }
            self.front = front
            self.bucket = bucket
            self.bucketOwner = bucketOwner
            self.networkOrigin = networkOrigin
            self.frontColons = ResourceName.Colons.find(in: frontARN)
            self.bucketColons = ResourceName.Colons.find(in: bucketARN)
            self.frontARN = frontARN
            self.bucketARN = bucketARN
        }

        /// `other` with another owner or network origin; the ARNs stay as rendered.
        init(_ other: Shared, bucketOwner: AccountID, networkOrigin: NetworkOrigin) {
            self.front = other.front
            self.frontOwner = other.frontOwner
            self.bucket = other.bucket
            self.bucketOwner = bucketOwner
            self.networkOrigin = networkOrigin
            self.frontARN = other.frontARN
            self.frontColons = other.frontColons
            self.bucketARN = other.bucketARN
            self.bucketColons = other.bucketColons
        }
    }

    private var shared: Shared

    public init(
        front: Front,
        bucket: BucketName,
        bucketOwner: AccountID,
        networkOrigin: NetworkOrigin = .internet,
        key: String? = nil
    ) {
        self.shared = Shared(front: front, bucket: bucket, bucketOwner: bucketOwner, networkOrigin: networkOrigin)
        self.key = key
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
    public var frontOwner: AccountID { shared.frontOwner }

    /// `arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME` or the multi-region form, without any object suffix.
    public var frontARN: String { shared.frontARN }

    /// `arn:aws:s3:::BUCKET`, without any key.
    var bucketARN: String { shared.bucketARN }

    /// Calls `body` with ``frontARN`` and ``bucketARN`` where they are stored, without copying either.
    @inline(__always)
    func withARNs<Result>(_ body: (_ front: String, _ bucket: String) -> Result) -> Result {
        body(shared.frontARN, shared.bucketARN)
    }

    /// The colons of ``frontARN`` and ``bucketARN``, found once.
    var frontColons: ResourceName.Colons? { shared.frontColons }
    var bucketColons: ResourceName.Colons? { shared.bucketColons }
}
