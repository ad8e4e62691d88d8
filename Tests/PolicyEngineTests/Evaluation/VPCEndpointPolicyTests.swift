import AccessPointCore
import PolicyEngine
import Testing

/// The seed's VPC endpoint policy (vpc-restricted-access-points.txt): it allows s3:GetObject on one bucket and one
/// access point, and a request through the endpoint needs it for both (spec §4.1 step 7).
struct VPCEndpointPolicyTests {
    static let fromVPC = NetworkPath.vpcEndpoint("vpce-1a2b3c4d", vpc: "vpc-1a2b3c")

    static let table: [(String, S3Operation, AccessPointARN, NetworkPath, String)] = [
        ("GetObject through the listed access point", .getObject, Lab.accessPoint, fromVPC, "allowed"),
        ("PutObject is not in the endpoint policy", .putObject, Lab.accessPoint, fromVPC, "no_allow_vpc_endpoint"),
        ("an access point not listed", .getObject, Lab.otherAccessPoint, fromVPC, "no_allow_vpc_endpoint"),
        (
            "ListObjectsV2 is not in the endpoint policy", .listObjectsV2, Lab.accessPoint, fromVPC,
            "no_allow_vpc_endpoint"
        ),
        (
            "from the internet the endpoint policy does not apply", .putObject, Lab.accessPoint,
            .internet(IPAddress("203.0.113.9")!), "allowed"
        ),
    ]

    @Test(arguments: Self.table)
    func seedEndpointPolicy(
        _ name: String,
        _ operation: S3Operation,
        _ accessPoint: AccessPointARN,
        _ network: NetworkPath,
        _ expected: String
    ) throws {
        let endpoint = try PolicyDocument(
            parsing: try Lab.fixture("policies", "vpc-endpoint-seed.json"),
            kind: .vpcEndpoint
        )
        let policies = AuthorizationPolicies(
            accessPointPolicy: try Lab.policy(.accessPoint, Statements.allow(#"{"AWS":"111122223333"}"#, "s3:*", "*")),
            bucketPolicy: try Lab.policy(.bucket, Statements.allow(#"{"AWS":"111122223333"}"#, "s3:*", "*")),
            vpcEndpointPolicy: endpoint
        )
        let decision = policies.authorize(Lab.request(operation, accessPoint: accessPoint, network: network))
        #expect(decision.detail == expected, "\(name): \(decision)")
    }

    @Test func endpointPolicyMustGrantBothForms() throws {
        let onlyAccessPoint = try Lab.policy(
            .vpcEndpoint,
            Statements.allow(#""*""#, "s3:GetObject", Statements.apObjects)
        )
        let policies = AuthorizationPolicies(
            identityPolicies: [try Lab.policy(.identity, Statements.identity("Allow", "*", "*"))],
            vpcEndpointPolicy: onlyAccessPoint
        )
        let decision = policies.authorize(Lab.request(network: Self.fromVPC))
        #expect(decision.reason == .noAllow(.vpcEndpoint, resource: "arn:aws:s3:::reports-bucket/Jane/report.csv"))
    }

    @Test func missingEndpointPolicyAllowsEverything() throws {
        let policies = AuthorizationPolicies(identityPolicies: [
            try Lab.policy(.identity, Statements.identity("Allow", "*", "*"))
        ])
        let decision = policies.authorize(Lab.request(network: Self.fromVPC))
        #expect(decision.isAllowed)
        #expect(decision.description.contains("the default VPC endpoint policy"))
    }

    @Test func endpointDenyWins() throws {
        let endpoint = try Lab.policy(
            .vpcEndpoint,
            Statements.allow(#""*""#, "*", "*") + ","
                + Statements.deny(#""*""#, "s3:GetObject", "arn:aws:s3:::reports-bucket/Jane/*")
        )
        let policies = AuthorizationPolicies(
            identityPolicies: [try Lab.policy(.identity, Statements.identity("Allow", "*", "*"))],
            vpcEndpointPolicy: endpoint
        )
        let decision = policies.authorize(Lab.request(network: Self.fromVPC))
        #expect(decision.detail == "explicit_deny")
        #expect(
            decision.description
                == "denied, because statement 1 of the VPC endpoint policy denies s3:GetObject on arn:aws:s3:::reports-bucket/Jane/report.csv"
        )
    }
}
