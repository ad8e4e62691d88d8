import AccessPointCore
import PolicyEngine
import Testing

/// Spec §4.1 steps 4–8 as a table: each row names the policies, the request and the decision code.
struct AuthorizationTests {
    typealias S = Statements
    static let alice = #"{"AWS":"arn:aws:iam::111122223333:user/alice"}"#
    static let ownerAccount = #"{"AWS":"111122223333"}"#
    static let everyone = #""*""#
    static let bucketObjects = "arn:aws:s3:::reports-bucket/*"

    static let layers: [AuthorizationCase] = [
        .init(
            name: "AP and bucket both allow",
            accessPoint: S.allow(alice, "s3:GetObject", S.apObjects),
            bucket: S.allow(alice, "s3:GetObject", bucketObjects),
            expected: "allowed"
        ),
        .init(name: "no policy anywhere", expected: "no_allow_access_point"),
        .init(
            name: "AP allows, bucket silent",
            accessPoint: S.allow(alice, "s3:GetObject", S.apObjects),
            expected: "no_allow_bucket"
        ),
        .init(
            name: "bucket allows, AP silent",
            bucket: S.allow(alice, "s3:GetObject", bucketObjects),
            expected: "no_allow_access_point"
        ),
        .init(
            name: "AP allows a bucket ARN only",
            accessPoint: S.allow(alice, "s3:GetObject", bucketObjects),
            bucket: S.allow(alice, "s3:GetObject", bucketObjects),
            expected: "no_allow_access_point"
        ),
        .init(
            name: "owner's identity policy stands in for both",
            identity: [S.identity("Allow", "s3:*", "*")],
            expected: "allowed"
        ),
        .init(
            name: "stranger's identity policy grants nothing",
            identity: [S.identity("Allow", "s3:*", "*")],
            principal: Lab.mallory,
            expected: "no_allow_access_point"
        ),
        .init(
            name: "identity Deny beats resource Allow",
            accessPoint: S.allow(everyone, "*", "*"),
            bucket: S.allow(everyone, "*", "*"),
            identity: [S.identity("Deny", "s3:GetObject", "*")],
            expected: "explicit_deny"
        ),
        .init(
            name: "bucket Deny beats AP Allow",
            accessPoint: S.allow(alice, "*", "*"),
            bucket: S.allow(alice, "*", "*") + "," + S.deny(everyone, "s3:GetObject", bucketObjects),
            expected: "explicit_deny"
        ),
        .init(
            name: "AP Deny beats bucket Allow",
            accessPoint: S.deny(everyone, "s3:*", S.apObjects),
            bucket: S.allow(alice, "*", "*"),
            identity: [S.identity("Allow", "*", "*")],
            expected: "explicit_deny"
        ),
        .init(
            name: "AP narrower than bucket: outside Jane/",
            accessPoint: S.allow(alice, "s3:GetObject", S.apItself + "/object/Jane/*"),
            bucket: S.allow(alice, "s3:*", "*"),
            key: "Bob/x",
            expected: "no_allow_access_point"
        ),
        .init(
            name: "bucket narrower than AP: PutObject",
            accessPoint: S.allow(alice, "s3:*", "*"),
            bucket: S.allow(alice, "s3:GetObject", bucketObjects),
            operation: .putObject,
            expected: "no_allow_bucket"
        ),
        .init(
            name: "account principal covers its users",
            accessPoint: S.allow(ownerAccount, "s3:GetObject", S.apObjects),
            bucket: S.allow(#"{"AWS":"arn:aws:iam::111122223333:root"}"#, "s3:GetObject", bucketObjects),
            expected: "allowed"
        ),
        .init(
            name: "cross-account caller needs resource grants",
            accessPoint: S.allow(ownerAccount, "*", "*"),
            bucket: S.allow(ownerAccount, "*", "*"),
            principal: Lab.mallory,
            expected: "no_allow_access_point"
        ),
        .init(
            name: "cross-account caller granted by both",
            accessPoint: S.allow(#"{"AWS":"444455556666"}"#, "*", "*"),
            bucket: S.allow(#"{"AWS":"444455556666"}"#, "*", "*"),
            principal: Lab.mallory,
            expected: "allowed"
        ),
        .init(
            name: "anonymous refused even by a public policy",
            accessPoint: S.allow(everyone, "*", "*"),
            bucket: S.allow(everyone, "*", "*"),
            principal: .anonymous,
            expected: "anonymous"
        ),
        .init(
            name: "NotPrincipal Deny spares the named user",
            accessPoint: S.allow(ownerAccount, "*", "*"),
            bucket: S.allow(ownerAccount, "*", "*") + ","
                + S.deny(#"{"AWS":"arn:aws:iam::111122223333:user/bob"}"#, "*", "*"),
            expected: "allowed"
        ),
        .init(
            name: "ListObjectsV2 is ListBucket on the AP ARN",
            accessPoint: S.allow(
                alice,
                "s3:ListBucket",
                S.apItself,
                condition: #"{"StringLike":{"s3:prefix":"Jane/*"}}"#
            ),
            bucket: S.allow(alice, "s3:ListBucket", "arn:aws:s3:::reports-bucket"),
            operation: .listObjectsV2,
            key: nil,
            details: S3RequestDetails(prefix: "Jane/2024"),
            expected: "allowed"
        ),
        .init(
            name: "ListObjectsV2 outside the allowed prefix",
            accessPoint: S.allow(
                alice,
                "s3:ListBucket",
                S.apItself,
                condition: #"{"StringLike":{"s3:prefix":"Jane/*"}}"#
            ),
            bucket: S.allow(alice, "s3:ListBucket", "arn:aws:s3:::reports-bucket"),
            operation: .listObjectsV2,
            key: nil,
            details: S3RequestDetails(prefix: "Bob/"),
            expected: "no_allow_access_point"
        ),
        .init(
            name: "HeadObject needs s3:GetObject",
            accessPoint: S.allow(alice, "s3:GetObject", S.apObjects),
            bucket: S.allow(alice, "s3:GetObject", bucketObjects),
            operation: .headObject,
            expected: "allowed"
        ),
        .init(
            name: "actions ignore case",
            accessPoint: S.allow(alice, "S3:GETOBJECT", S.apObjects),
            bucket: S.allow(alice, "s3:get*", bucketObjects),
            expected: "allowed"
        ),
        .init(
            name: "resources keep case",
            accessPoint: S.allow(alice, "s3:GetObject", S.apItself + "/object/jane/*"),
            bucket: S.allow(alice, "*", "*"),
            expected: "no_allow_access_point"
        ),
        .init(
            name: "NotAction allows everything else",
            accessPoint: #"{"Effect":"Allow","Principal":\#(alice),"NotAction":"s3:Delete*","Resource":"*"}"#,
            bucket: S.allow(alice, "*", "*"),
            operation: .putObject,
            expected: "allowed"
        ),
        .init(
            name: "NotAction excludes the action",
            accessPoint: #"{"Effect":"Allow","Principal":\#(alice),"NotAction":"s3:Delete*","Resource":"*"}"#,
            bucket: S.allow(alice, "*", "*"),
            operation: .deleteObject,
            expected: "no_allow_access_point"
        ),
        .init(
            name: "NotResource Deny protects all but one prefix",
            accessPoint: S.allow(alice, "*", "*"),
            bucket: S.allow(alice, "*", "*") + ","
                + #"{"Effect":"Deny","Principal":"*","Action":"*","NotResource":"arn:aws:s3:::reports-bucket/public/*"}"#,
            expected: "explicit_deny"
        ),
        .init(
            name: "NotResource Deny leaves the listed prefix",
            accessPoint: S.allow(alice, "*", "*"),
            bucket: S.allow(alice, "*", "*") + ","
                + #"{"Effect":"Deny","Principal":"*","Action":"*","NotResource":"arn:aws:s3:::reports-bucket/public/*"}"#,
            key: "public/x",
            expected: "allowed"
        ),
        .init(
            name: "home directory by policy variable",
            accessPoint: S.allow(ownerAccount, "*", S.apItself + "/object/home/${aws:username}/*"),
            bucket: S.allow(ownerAccount, "*", "*"),
            key: "home/alice/a.txt",
            expected: "allowed"
        ),
        .init(
            name: "someone else's home directory",
            accessPoint: S.allow(ownerAccount, "*", S.apItself + "/object/home/${aws:username}/*"),
            bucket: S.allow(ownerAccount, "*", "*"),
            key: "home/bob/a.txt",
            expected: "no_allow_access_point"
        ),
        .init(
            name: "Deny without TLS does not fire over TLS",
            accessPoint: S.allow(alice, "*", "*"),
            bucket: S.allow(alice, "*", "*") + ","
                + S.deny(everyone, "*", "*", condition: #"{"Bool":{"aws:SecureTransport":"false"}}"#),
            expected: "allowed"
        ),
        .init(
            name: "IP allow list at the bucket",
            accessPoint: S.allow(alice, "*", "*"),
            bucket: S.allow(alice, "*", "*", condition: #"{"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}"#),
            expected: "no_allow_bucket"
        ),
    ]

    static let delegation: [AuthorizationCase] = [
        .init(
            name: "delegated bucket, AP policy decides",
            accessPoint: S.allow(alice, "s3:GetObject", S.apObjects),
            bucket: S.delegation,
            expected: "allowed"
        ),
        .init(
            name: "delegated bucket, AP policy silent",
            accessPoint: S.allow(alice, "s3:GetObject", S.apItself + "/object/Bob/*"),
            bucket: S.delegation,
            expected: "no_allow_access_point"
        ),
        .init(
            name: "delegation to another account's APs grants nothing",
            accessPoint: S.allow(alice, "s3:GetObject", S.apObjects),
            bucket: S.allow(
                #"{"AWS":"*"}"#,
                "*",
                bucketObjects,
                condition: #"{"StringEquals":{"s3:DataAccessPointAccount":"444455556666"}}"#
            ),
            expected: "no_allow_bucket"
        ),
        .init(
            name: "delegation by access point ARN",
            accessPoint: S.allow(alice, "s3:GetObject", S.apObjects),
            bucket: S.allow(
                #"{"AWS":"*"}"#,
                "*",
                bucketObjects,
                condition: #"{"ArnEquals":{"s3:DataAccessPointArn":"\#(S.apItself)"}}"#
            ),
            expected: "allowed"
        ),
        .init(
            name: "delegation by ARN excludes other access points",
            accessPoint: S.allow(alice, "s3:GetObject", "*"),
            bucket: S.allow(
                #"{"AWS":"*"}"#,
                "*",
                bucketObjects,
                condition: #"{"ArnEquals":{"s3:DataAccessPointArn":"\#(S.apItself)"}}"#
            ),
            through: Lab.otherAccessPoint,
            expected: "no_allow_bucket"
        ),
        .init(
            name: "delegation survives RestrictPublicBuckets (not public)",
            accessPoint: S.allow(alice, "s3:GetObject", S.apObjects),
            bucket: S.delegation,
            flags: PublicAccessBlock(restrictPublicBuckets: true),
            expected: "allowed"
        ),
    ]

    static let publicAccess: [AuthorizationCase] = [
        .init(
            name: "public bucket policy, stranger, no RestrictPublicBuckets",
            accessPoint: S.allow(#"{"AWS":"444455556666"}"#, "*", "*"),
            bucket: S.allow(everyone, "s3:GetObject", bucketObjects),
            principal: Lab.mallory,
            expected: "allowed"
        ),
        .init(
            name: "public bucket policy, stranger, RestrictPublicBuckets",
            accessPoint: S.allow(#"{"AWS":"444455556666"}"#, "*", "*"),
            bucket: S.allow(everyone, "s3:GetObject", bucketObjects),
            flags: PublicAccessBlock(restrictPublicBuckets: true),
            principal: Lab.mallory,
            expected: "restrict_public_buckets"
        ),
        .init(
            name: "public policies, owner's user, RestrictPublicBuckets",
            accessPoint: S.allow(everyone, "*", "*"),
            bucket: S.allow(everyone, "s3:GetObject", bucketObjects),
            flags: PublicAccessBlock(restrictPublicBuckets: true),
            expected: "allowed"
        ),
        .init(
            name: "public AP policy, stranger, RestrictPublicBuckets",
            accessPoint: S.allow(everyone, "*", "*"),
            bucket: S.allow(#"{"AWS":"444455556666"}"#, "*", "*"),
            flags: PublicAccessBlock(restrictPublicBuckets: true),
            principal: Lab.mallory,
            expected: "restrict_public_buckets"
        ),
        .init(
            name: "RestrictPublicBuckets leaves a service principal alone",
            accessPoint: S.allow(everyone, "*", "*"),
            bucket: S.allow(everyone, "*", "*"),
            flags: PublicAccessBlock(restrictPublicBuckets: true),
            principal: .service("logging.s3.amazonaws.com"),
            expected: "allowed"
        ),
    ]

    @Test(arguments: Self.layers)
    func everyLayerMustAllow(_ row: AuthorizationCase) throws { try Self.check(row) }

    @Test(arguments: Self.delegation)
    func bucketDelegatesToAccessPoints(_ row: AuthorizationCase) throws { try Self.check(row) }

    @Test(arguments: Self.publicAccess)
    func restrictPublicBucketsLimitsPublicGrants(_ row: AuthorizationCase) throws { try Self.check(row) }

    static func check(_ row: AuthorizationCase) throws {
        let decision = try row.policies().authorize(row.request())
        #expect(decision.detail == row.expected, "\(decision)")
        #expect(decision.isAllowed == (row.expected == "allowed"))
    }
}
