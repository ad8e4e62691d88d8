import AccessPointCore
import PolicyEngine
import Testing

struct RequestContextTests {
    static let mapping: [(S3Operation, String, String, String)] = [
        (
            .getObject, "s3:GetObject", "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Jane/report.csv",
            "arn:aws:s3:::reports-bucket/Jane/report.csv"
        ),
        (
            .headObject, "s3:GetObject", "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Jane/report.csv",
            "arn:aws:s3:::reports-bucket/Jane/report.csv"
        ),
        (
            .putObject, "s3:PutObject", "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Jane/report.csv",
            "arn:aws:s3:::reports-bucket/Jane/report.csv"
        ),
        (
            .uploadPart, "s3:PutObject", "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Jane/report.csv",
            "arn:aws:s3:::reports-bucket/Jane/report.csv"
        ),
        (
            .listObjectsV2, "s3:ListBucket", "arn:aws:s3:us-west-2:111122223333:accesspoint/reports",
            "arn:aws:s3:::reports-bucket"
        ),
        (
            .headBucket, "s3:ListBucket", "arn:aws:s3:us-west-2:111122223333:accesspoint/reports",
            "arn:aws:s3:::reports-bucket"
        ),
        (
            .listMultipartUploads, "s3:ListBucketMultipartUploads",
            "arn:aws:s3:us-west-2:111122223333:accesspoint/reports",
            "arn:aws:s3:::reports-bucket"
        ),
        (
            .listParts, "s3:ListMultipartUploadParts",
            "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Jane/report.csv",
            "arn:aws:s3:::reports-bucket/Jane/report.csv"
        ),
        (
            .deleteObjects, "s3:DeleteObject",
            "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Jane/report.csv",
            "arn:aws:s3:::reports-bucket/Jane/report.csv"
        ),
        (
            .putObjectTagging, "s3:PutObjectTagging",
            "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Jane/report.csv",
            "arn:aws:s3:::reports-bucket/Jane/report.csv"
        ),
    ]

    @Test(arguments: Self.mapping)
    func mapsOperationToActionAndResources(_ operation: S3Operation, action: String, front: String, bucket: String) {
        let context = Lab.request(operation)
        #expect(context.action == action)
        #expect(context.frontResource == front)
        #expect(context.bucketResource == bucket)
    }

    @Test func copyNeedsGetObjectOnTheSource() {
        #expect(S3Operation.copyObject.iamAction == "s3:PutObject")
        #expect(S3Operation.copyObject.copySourceAction == "s3:GetObject")
        #expect(S3Operation.getObject.copySourceAction == nil)
    }

    static let keys: [(String, String?)] = [
        ("aws:SourceIp", "203.0.113.9"), ("aws:SecureTransport", "true"), ("aws:PrincipalAccount", "111122223333"),
        ("aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice"), ("aws:username", "alice"),
        ("aws:userid", "AIDAALICE"), ("aws:CurrentTime", "2025-01-01T00:00:00Z"), ("aws:EpochTime", "1735689600"),
        ("s3:DataAccessPointArn", "arn:aws:s3:us-west-2:111122223333:accesspoint/reports"),
        ("s3:DataAccessPointAccount", "111122223333"), ("s3:AccessPointNetworkOrigin", "Internet"),
        ("s3:ResourceAccount", "111122223333"), ("s3:authType", "REST-HEADER"),
        ("s3:signatureversion", "AWS4-HMAC-SHA256"), ("s3:prefix", "Jane/"), ("s3:max-keys", "50"),
        ("s3:x-amz-acl", "private"), ("s3:ExistingObjectTag/team", "blue"), ("S3:PREFIX", "Jane/"),
        ("aws:SourceVpc", nil), ("aws:SourceVpce", nil), ("s3:delimiter", nil),
        ("s3:x-amz-server-side-encryption", "aws:kms"), ("s3:x-amz-server-side-encryption-aws-kms-key-id", "alias/k"),
        ("s3:x-amz-storage-class", "STANDARD_IA"), ("s3:if-none-match", "*"), ("s3:if-match", nil),
    ]

    @Test(arguments: Self.keys)
    func fillsConditionKeys(_ key: String, expected: String?) {
        let details = S3RequestDetails(
            prefix: "Jane/",
            maxKeys: 50,
            cannedACL: "private",
            existingObjectTags: ["team": "blue"],
            writes: .init(
                serverSideEncryption: "aws:kms",
                kmsKeyID: "alias/k",
                storageClass: "STANDARD_IA",
                ifNoneMatch: "*"
            )
        )
        #expect(Lab.request(details: details).values(for: key)?.first == expected)
    }

    /// A request that is not a write (nil `writes`) has none of the write keys, so a negated test of one matches.
    @Test(arguments: ["s3:x-amz-server-side-encryption", "s3:x-amz-storage-class", "s3:if-match", "s3:if-none-match"])
    func aReadHasNoWriteKeys(_ key: String) {
        #expect(Lab.request(details: S3RequestDetails()).values(for: key) == nil)
    }

    @Test func endpointTrafficHasVPCKeysAndNoSourceIp() {
        let context = Lab.request(
            network: .vpcEndpoint("vpce-1a2b3c4d", vpc: "vpc-1a2b3c", privateIP: IPAddress("10.0.0.5"))
        )
        #expect(context.values(for: "aws:SourceIp") == nil)
        #expect(context.values(for: "aws:VpcSourceIp") == ["10.0.0.5"])
        #expect(context.values(for: "aws:SourceVpc") == ["vpc-1a2b3c"])
        #expect(context.values(for: "aws:SourceVpce") == ["vpce-1a2b3c4d"])
    }

    static let times: [(Int64, String)] = [
        (0, "1970-01-01T00:00:00Z"), (951_782_400, "2000-02-29T00:00:00Z"), (1_735_689_599, "2024-12-31T23:59:59Z"),
        (-1, "1969-12-31T23:59:59Z"),
    ]

    @Test(arguments: Self.times)
    func rendersCurrentTime(_ seconds: Int64, _ text: String) {
        #expect(RequestTime(epochSeconds: seconds).iso8601 == text)
    }
}
