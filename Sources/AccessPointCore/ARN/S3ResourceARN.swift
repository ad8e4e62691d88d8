/// The Amazon S3 ARNs this project reads and writes: buckets, objects, access points, objects through an access
/// point, and multi-region access points (spec §1.1–1.3).
///
/// Parsing is strict (the botocore endpoint rules reject the same things): a bucket ARN has no region or account;
/// an access point ARN has a valid region matching its partition, a 12-digit account, a valid access point name and
/// nothing after it but `/object/KEY`; a multi-region ARN has an empty region and a `.mrap` alias. Wildcards are
/// policy patterns, not ARNs, and are refused here.
public enum S3ResourceARN: Hashable, Sendable, CustomStringConvertible {
    case bucket(BucketName, partition: String = "aws")
    case object(bucket: BucketName, key: String, partition: String = "aws")
    case accessPoint(AccessPointARN)
    case accessPointObject(AccessPointARN, key: String)
    case multiRegionAccessPoint(MultiRegionAccessPointARN)
    case multiRegionAccessPointObject(MultiRegionAccessPointARN, key: String)

    public init(parsing text: String) throws(ARNError) {
        let arn = try ARN(parsing: text)
        guard arn.service == "s3" else {
            throw .unsupportedService.because("ARN '\(text)' names service '\(arn.service)', not s3")
        }
        if arn.resource.hasPrefix("accesspoint/") || arn.resource.hasPrefix("accesspoint:") {
            self = try Self.accessPointResource(arn, text: text)
        } else {
            self = try Self.bucketResource(arn, text: text)
        }
    }

    private static func bucketResource(_ arn: ARN, text: String) throws(ARNError) -> S3ResourceARN {
        guard arn.region.isEmpty, arn.account.isEmpty else {
            throw .invalidResource.because(
                "bucket ARN '\(text)' must have empty region and account fields (arn:aws:s3:::bucket)"
            )
        }
        let parts = arn.resource.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let bucket: BucketName
        do { bucket = try BucketName(validating: String(parts[0])) } catch {
            throw .invalidResource.because("ARN '\(text)': \(error.reason)")
        }
        guard parts.count == 2 else { return .bucket(bucket, partition: arn.partition) }
        guard !parts[1].isEmpty else { throw .invalidResource.because("object ARN '\(text)' has an empty key") }
        return .object(bucket: bucket, key: String(parts[1]), partition: arn.partition)
    }

    private static func accessPointResource(_ arn: ARN, text: String) throws(ARNError) -> S3ResourceARN {
        let rest = arn.resource.dropFirst("accesspoint/".count)
        let parts = rest.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        let name = String(parts[0])
        var key: String?
        if parts.count > 1 {
            guard parts.count == 3, parts[1] == "object", !parts[2].isEmpty else {
                throw .invalidResource.because(
                    "ARN '\(text)': only '/object/KEY' may follow the access point name"
                )
            }
            key = String(parts[2])
        }
        guard let account = try? AccountID(validating: arn.account) else {
            throw .invalidAccount.because("ARN '\(text)' has account '\(arn.account)'; expected 12 digits")
        }
        if arn.region.isEmpty {
            let mrap = try MultiRegionAccessPointARN(partition: arn.partition, account: account, alias: name, text)
            return key.map { .multiRegionAccessPointObject(mrap, key: $0) } ?? .multiRegionAccessPoint(mrap)
        }
        let ap = try AccessPointARN(partition: arn.partition, region: arn.region, account: account, name: name, text)
        return key.map { .accessPointObject(ap, key: $0) } ?? .accessPoint(ap)
    }

    public var description: String {
        switch self {
        case .bucket(let bucket, let partition): "arn:\(partition):s3:::\(bucket)"
        case .object(let bucket, let key, let partition): "arn:\(partition):s3:::\(bucket)/\(key)"
        case .accessPoint(let ap): ap.description
        case .accessPointObject(let ap, let key): "\(ap)/object/\(key)"
        case .multiRegionAccessPoint(let mrap): mrap.description
        case .multiRegionAccessPointObject(let mrap, let key): "\(mrap)/object/\(key)"
        }
    }
}

/// `arn:{partition}:s3:{region}:{account}:accesspoint/{name}`.
public struct AccessPointARN: Hashable, Sendable, CustomStringConvertible {
    public let partition: String
    public let region: Region
    public let account: AccountID
    public let name: AccessPointName

    public init(region: Region, account: AccountID, name: AccessPointName) {
        self.partition = region.partition
        self.region = region
        self.account = account
        self.name = name
    }

    init(partition: String, region: String, account: AccountID, name: String, _ text: String) throws(ARNError) {
        guard let region = try? Region(validating: region) else {
            throw .invalidRegion.because("ARN '\(text)' has region '\(region)', which is not a region code")
        }
        guard region.partition == partition else {
            throw .invalidPartition.because(
                "ARN '\(text)': region \(region) belongs to partition \(region.partition), not \(partition)"
            )
        }
        do {
            self.name = try AccessPointName(validating: name)
        } catch {
            throw .invalidResource.because("ARN '\(text)': \(error.reason)")
        }
        self.partition = partition
        self.region = region
        self.account = account
    }

    /// The host label `{name}-{account}` that clients put in front of the access point endpoint.
    public var hostLabel: String { "\(name)-\(account)" }

    public var description: String { "arn:\(partition):s3:\(region):\(account):accesspoint/\(name)" }
}

/// `arn:{partition}:s3::{account}:accesspoint/{alias}` (the region field is empty).
public struct MultiRegionAccessPointARN: Hashable, Sendable, CustomStringConvertible {
    public let partition: String
    public let account: AccountID
    public let alias: MultiRegionAccessPointAlias

    public init(partition: String = "aws", account: AccountID, alias: MultiRegionAccessPointAlias) {
        self.partition = partition
        self.account = account
        self.alias = alias
    }

    init(partition: String, account: AccountID, alias: String, _ text: String) throws(ARNError) {
        do {
            self.alias = try MultiRegionAccessPointAlias(validating: alias)
        } catch {
            throw .invalidResource.because(
                "ARN '\(text)' has no region, so it must name a multi-region access point alias: \(error.reason)"
            )
        }
        self.partition = partition
        self.account = account
    }

    public var description: String { "arn:\(partition):s3::\(account):accesspoint/\(alias)" }
}
