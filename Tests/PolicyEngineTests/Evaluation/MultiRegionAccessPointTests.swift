import AccessPointCore
import PolicyEngine
import Testing

/// Requests through a multi-region access point need its policy (on the MRAP form) and the bucket's.
struct MultiRegionAccessPointTests {
    static let mrapARN = "arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap"
    static let mrapObjects = mrapARN + "/object/*"
    static let owner = #"{"AWS":"111122223333"}"#

    static let table: [(String, String?, String?, String)] = [
        (
            "MRAP and bucket allow", Statements.allow(owner, "s3:GetObject", mrapObjects),
            Statements.allow(owner, "s3:GetObject", "arn:aws:s3:::reports-bucket/*"), "allowed"
        ),
        (
            "no MRAP policy", nil, Statements.allow(owner, "s3:GetObject", "arn:aws:s3:::reports-bucket/*"),
            "no_allow_multi_region_access_point"
        ),
        (
            "an access point policy resource does not match the MRAP form",
            Statements.allow(owner, "s3:GetObject", Statements.apObjects),
            Statements.allow(owner, "s3:GetObject", "arn:aws:s3:::reports-bucket/*"),
            "no_allow_multi_region_access_point"
        ),
        (
            "delegation by MRAP ARN", Statements.allow(owner, "s3:GetObject", mrapObjects),
            Statements.allow(
                #"{"AWS":"*"}"#,
                "*",
                "arn:aws:s3:::reports-bucket/*",
                condition: #"{"StringEquals":{"s3:DataAccessPointArn":"\#(mrapARN)"}}"#
            ), "allowed"
        ),
        (
            "MRAP Deny wins", Statements.deny(#""*""#, "s3:*", mrapObjects), Statements.allow(owner, "*", "*"),
            "explicit_deny"
        ),
    ]

    @Test(arguments: Self.table)
    func decides(_ name: String, _ mrapPolicy: String?, _ bucketPolicy: String?, _ expected: String) throws {
        let alias = try MultiRegionAccessPointAlias(validating: "mfzwi23gnjvgw.mrap")
        let target = RequestTarget(
            front: .multiRegionAccessPoint(MultiRegionAccessPointARN(account: Lab.owner, alias: alias)),
            bucket: Lab.bucket,
            bucketOwner: Lab.owner,
            key: "Jane/report.csv"
        )
        let context = RequestContext(
            operation: .getObject,
            target: target,
            principal: Lab.alice,
            network: .internet(try #require(IPAddress("203.0.113.9"))),
            time: Lab.newYear
        )
        let policies = AuthorizationPolicies(
            multiRegionAccessPointPolicy: try mrapPolicy.map { try Lab.policy(.multiRegionAccessPoint, $0) },
            bucketPolicy: try bucketPolicy.map { try Lab.policy(.bucket, $0) }
        )
        #expect(context.frontResource == Self.mrapARN + "/object/Jane/report.csv")
        let decision = policies.authorize(context)
        #expect(decision.detail == expected, "\(name): \(decision)")
    }
}
