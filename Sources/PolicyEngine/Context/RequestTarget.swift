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

    public var front: Front
    public var bucket: BucketName
    /// The account that owns the bucket: it decides whether the caller's identity policies count at the bucket
    /// layer, and it is `s3:ResourceAccount`.
    public var bucketOwner: AccountID
    public var networkOrigin: NetworkOrigin
    /// The object key, for object-level operations.
    public var key: String?

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
    }

    /// The account that owns the access point or multi-region access point.
    public var frontOwner: AccountID {
        switch front {
        case .accessPoint(let arn): arn.account
        case .multiRegionAccessPoint(let arn): arn.account
        }
    }

    /// `arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME` or the multi-region form, without any object suffix.
    public var frontARN: String {
        switch front {
        case .accessPoint(let arn): arn.description
        case .multiRegionAccessPoint(let arn): arn.description
        }
    }

    var partition: String {
        switch front {
        case .accessPoint(let arn): arn.partition
        case .multiRegionAccessPoint(let arn): arn.partition
        }
    }

    /// The resource in the access point form: `…:accesspoint/NAME` or `…:accesspoint/NAME/object/KEY`.
    /// `frontARN` is passed in because the caller renders it once for the `s3:DataAccessPointArn` key as well.
    func frontResource(objectLevel: Bool, frontARN: String) -> String {
        guard objectLevel, let key else { return frontARN }
        return "\(frontARN)/object/\(key)"
    }

    /// The resource in the bucket form: `arn:aws:s3:::BUCKET` or `arn:aws:s3:::BUCKET/KEY`.
    func bucketResource(objectLevel: Bool) -> String {
        guard objectLevel, let key else { return "arn:\(partition):s3:::\(bucket)" }
        return "arn:\(partition):s3:::\(bucket)/\(key)"
    }
}
