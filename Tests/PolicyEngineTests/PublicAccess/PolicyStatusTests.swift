import AccessPointCore
import PolicyEngine
import Testing

/// Spec §4.4: which policies are public.
struct PolicyStatusTests {
    typealias S = Statements
    static let bucketObjects = "arn:aws:s3:::reports-bucket/*"

    static let table: [(String, String, Bool)] = [
        ("Principal * without condition", S.allow(#""*""#, "s3:GetObject", bucketObjects), true),
        ("AWS * without condition", S.allow(#"{"AWS":"*"}"#, "s3:GetObject", bucketObjects), true),
        ("an account", S.allow(#"{"AWS":"111122223333"}"#, "*", "*"), false),
        ("a user ARN", S.allow(#"{"AWS":"arn:aws:iam::111122223333:user/alice"}"#, "*", "*"), false),
        ("a service principal", S.allow(#"{"Service":"logging.s3.amazonaws.com"}"#, "*", "*"), false),
        (
            "NotPrincipal Allow",
            #"{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}"#, true
        ),
        ("public Deny only", S.deny(#""*""#, "*", "*"), false),
        ("delegation statement", S.delegation, false),
        (
            "source VPC", S.allow(#""*""#, "*", "*", condition: #"{"StringEquals":{"aws:SourceVpc":"vpc-1a2b3c"}}"#),
            false
        ),
        (
            "source VPC endpoint",
            S.allow(#""*""#, "*", "*", condition: #"{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}"#), false
        ),
        (
            "source IP block",
            S.allow(#""*""#, "*", "*", condition: #"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#), false
        ),
        (
            "source IP everything",
            S.allow(#""*""#, "*", "*", condition: #"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#), true
        ),
        (
            "NotIpAddress does not restrict",
            S.allow(#""*""#, "*", "*", condition: #"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#), true
        ),
        (
            "source account",
            S.allow(#""*""#, "*", "*", condition: #"{"StringEquals":{"aws:SourceAccount":"111122223333"}}"#), false
        ),
        (
            "source ARN like with wildcard",
            S.allow(#""*""#, "*", "*", condition: #"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}}"#), true
        ),
        (
            "access point ARN with any name",
            S.allow(
                #""*""#,
                "*",
                "*",
                condition: #"{"ArnLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-west-2:111122223333:accesspoint/*"}}"#
            ), false
        ),
        (
            "access point ARN with any account",
            S.allow(
                #""*""#,
                "*",
                "*",
                condition: #"{"ArnLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-west-2:*:accesspoint/*"}}"#
            ), true
        ),
        (
            "user id fixed", S.allow(#""*""#, "*", "*", condition: #"{"StringEquals":{"aws:userid":"AIDAALICE"}}"#),
            false
        ),
        (
            "role id wildcard", S.allow(#""*""#, "*", "*", condition: #"{"StringLike":{"aws:userid":"AROLEID:*"}}"#),
            true
        ),
        (
            "IfExists does not restrict",
            S.allow(#""*""#, "*", "*", condition: #"{"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"}}"#), true
        ),
        (
            "negated operator does not restrict",
            S.allow(#""*""#, "*", "*", condition: #"{"StringNotEquals":{"aws:SourceVpc":"vpc-1"}}"#), true
        ),
        (
            "an unrelated key does not restrict",
            S.allow(#""*""#, "*", "*", condition: #"{"StringEquals":{"s3:prefix":"home/"}}"#), true
        ),
        (
            "one public statement among private ones",
            S.allow(#"{"AWS":"111122223333"}"#, "*", "*") + "," + S.allow(#""*""#, "s3:GetObject", bucketObjects), true
        ),
    ]

    @Test(arguments: Self.table)
    func classifies(_ name: String, _ statements: String, _ isPublic: Bool) throws {
        let policy = try Lab.policy(.bucket, statements)
        #expect(policy.status.isPublic == isPublic, "\(name): \(policy.status)")
    }

    @Test func namesThePublicStatement() throws {
        let policy = try Lab.policy(
            .accessPoint,
            S.allow(#"{"AWS":"111122223333"}"#, "*", "*") + #","#
                + #"{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}"#
        )
        #expect(policy.status.publicStatement == 1)
        #expect(policy.status.description.hasPrefix("public, because statement 1 (\"Open\") allows everyone"))
    }

    @Test func seedDelegationFixtureIsNotPublic() throws {
        let policy = try PolicyDocument(parsing: try Lab.fixture("policies", "bucket-delegation.json"), kind: .bucket)
        #expect(!policy.status.isPublic)
    }
}

struct PublicAccessBlockTests {
    static let none = PublicAccessBlock()
    static let policyOnly = PublicAccessBlock(blockPublicPolicy: true)
    static let restrictOnly = PublicAccessBlock(restrictPublicBuckets: true)

    static let unions: [(PublicAccessBlock?, PublicAccessBlock?, PublicAccessBlock?, PublicAccessBlock)] = [
        (nil, nil, nil, none),
        (policyOnly, nil, nil, policyOnly),
        (nil, restrictOnly, policyOnly, PublicAccessBlock(blockPublicPolicy: true, restrictPublicBuckets: true)),
        (none, none, .all, .all),
        (
            PublicAccessBlock(blockPublicAcls: true), PublicAccessBlock(ignorePublicAcls: true), none,
            PublicAccessBlock(blockPublicAcls: true, ignorePublicAcls: true)
        ),
    ]

    @Test(arguments: Self.unions)
    func effectiveFlagsAreTheUnion(
        _ account: PublicAccessBlock?,
        _ bucket: PublicAccessBlock?,
        _ accessPoint: PublicAccessBlock?,
        _ expected: PublicAccessBlock
    ) {
        #expect(PublicAccessBlock.effective(account: account, bucket: bucket, accessPoint: accessPoint) == expected)
    }

    static let storing: [(PublicAccessBlock, String, Bool)] = [
        (policyOnly, Statements.allow(#""*""#, "*", "*"), false),
        (policyOnly, Statements.allow(#"{"AWS":"111122223333"}"#, "*", "*"), true),
        (restrictOnly, Statements.allow(#""*""#, "*", "*"), true),
        (.all, Statements.delegation, true),
    ]

    @Test(arguments: Self.storing)
    func blockPublicPolicyRefusesPublicPolicies(
        _ flags: PublicAccessBlock,
        _ statements: String,
        _ mayStore: Bool
    ) throws {
        let policy = try Lab.policy(.accessPoint, statements)
        if mayStore {
            try flags.checkMayStore(policy)
        } else {
            #expect(throws: S3Error.accessDenied) { try flags.checkMayStore(policy) }
        }
    }
}
