internal import AccessPointCore
internal import Foundation
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `PUT /v20180820/accesspoint/{name}` (spec §2.1, §2.4): returns exactly `AccessPointArn` and `Alias`. Tags
    /// given in `Tags` are stored with the access point in one transaction.
    func createAccessPoint(
        _ rawName: String,
        _ request: S3Request,
        _ context: ControlContext
    ) async throws(S3Error)
        -> S3Response
    {
        let name = try AccessPointNameRules.forCreate(rawName)
        let body = try await xmlBody(request)
        guard body.name == "CreateAccessPointRequest" else {
            throw .malformedXML.because("The root element must be CreateAccessPointRequest")
        }
        guard let bucketText = body.value("Bucket"), !bucketText.isEmpty else {
            throw .malformedXML.because("Bucket is required")
        }
        let bucket = try labBucket(bucketText, bucketAccount: body.value("BucketAccountId"), context)
        let tags = try body.child("Tags").map { list throws(S3Error) in try TagRules.tags(in: list) } ?? []
        let vpcId = try labVPC(body.child("VpcConfiguration")?.value("VpcId"), context)
        let record = AccessPointRecord(
            name: name,
            account: context.account,
            region: context.region,
            bucket: bucket.name,
            bucketAccount: bucket.account,
            vpcId: vpcId,
            publicAccessBlock: try Self.publicAccessBlock(body.child("PublicAccessBlockConfiguration")),
            alias: "\(name)-\(environment.randomLowercaseAlphanumerics(34))-s3alias",
            creationDate: Date(timeIntervalSince1970: environment.now().timeIntervalSince1970.rounded(.down))
        )
        do {
            try await registry.createAccessPoint(record, tags: tags, quota: configuration.accessPointQuota)
        } catch RegistryError.alreadyExists {
            throw .accessPointAlreadyOwnedByYou.adding("AccessPointName", name.rawValue)
        } catch RegistryError.quotaExceeded {
            throw .tooManyAccessPoints
        } catch {
            throw .internalError.because("We encountered an internal error. Please try again.")
        }
        let xml = ControlXMLWriter(root: "CreateAccessPointResult") { xml in
            xml.element("AccessPointArn", record.arn)
            xml.element("Alias", record.alias)
        }
        return ok(context, xml: xml.xml)
    }

    /// The lab bucket the access point fronts. AWS cannot see another account's bucket unless `BucketAccountId`
    /// names that account, so a bucket owned by anyone else is reported as missing, as AWS does.
    private func labBucket(
        _ text: String,
        bucketAccount: String?,
        _ context: ControlContext
    ) throws(S3Error)
        -> LabConfiguration.Bucket
    {
        let missing = S3Error.invalidRequest.because("Amazon S3 AccessPoint can only be created for existing bucket")
        guard let name = try? BucketName(validating: text) else { throw missing }
        let owner: AccountID
        if let bucketAccount {
            guard let account = try? AccountID(validating: bucketAccount) else {
                throw .invalidRequest.because("BucketAccountId must be a 12-digit account id")
            }
            owner = account
        } else {
            owner = context.account
        }
        guard
            let bucket = configuration.lab.buckets.first(where: {
                $0.name == name && $0.account == owner && $0.region == context.region
            })
        else { throw missing }
        return bucket
    }

    /// The VPC id, which must name a VPC of the lab in the request's region.
    private func labVPC(_ vpcId: String?, _ context: ControlContext) throws(S3Error) -> String? {
        guard let vpcId else { return nil }
        guard configuration.lab.vpcs.contains(where: { $0.id == vpcId && $0.region == context.region }) else {
            throw .invalidRequest.because("The VPC \(vpcId) does not exist in \(context.region)")
        }
        return vpcId
    }

    /// Absent → every flag on; present (even empty) → each flag not given is off (spec §2.4).
    static func publicAccessBlock(_ node: XMLNode?) throws(S3Error) -> PublicAccessBlock {
        guard let node else { return .all }
        return PublicAccessBlock(
            blockPublicAcls: try node.boolean("BlockPublicAcls") ?? false,
            ignorePublicAcls: try node.boolean("IgnorePublicAcls") ?? false,
            blockPublicPolicy: try node.boolean("BlockPublicPolicy") ?? false,
            restrictPublicBuckets: try node.boolean("RestrictPublicBuckets") ?? false
        )
    }
}
