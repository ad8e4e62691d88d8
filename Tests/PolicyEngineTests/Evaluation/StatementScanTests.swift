import AccessPointCore
import PolicyEngine
import Testing

/// The scan over a policy's statements stops evaluating `Allow`s once one has matched, but must still read every
/// `Deny`, and the decision must keep naming the first matching `Allow` and the first matching `Deny`.
struct StatementScanTests {
    static let allowAll = Statements.allow(#""*""#, "s3:GetObject", Statements.apObjects)
    static let allowFromOffice = Statements.allow(
        #""*""#,
        "s3:GetObject",
        Statements.apObjects,
        condition: #"{"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}"#
    )
    static let denyJane = Statements.deny(
        #""*""#,
        "s3:GetObject",
        "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Jane/*"
    )

    static func decide(accessPoint: String, identity: [String] = []) throws -> AuthorizationDecision {
        let policies = AuthorizationPolicies(
            accessPointPolicy: try Lab.policy(.accessPoint, accessPoint),
            bucketPolicy: try Lab.policy(.bucket, Statements.delegation),
            identityPolicies: try identity.map { try Lab.policy(.identity, $0) }
        )
        return policies.authorize(Lab.request())
    }

    @Test func denyAfterMatchingAllowsStillDenies() throws {
        let decision = try Self.decide(
            accessPoint: [Self.allowAll, Self.allowAll, Self.denyJane].joined(separator: ",")
        )
        #expect(
            decision.reason
                == .explicitDeny(
                    StatementReference(policy: .accessPoint, statement: 2),
                    resource: "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Jane/report.csv"
                )
        )
    }

    @Test func firstMatchingAllowIsNamed() throws {
        let decision = try Self.decide(
            accessPoint: [Self.allowFromOffice, Self.allowAll, Self.allowAll].joined(separator: ",")
        )
        guard case .allowed(let grants) = decision.reason else {
            Issue.record("expected an allow, got \(decision)")
            return
        }
        #expect(
            grants.first
                == .init(layer: .accessPoint, statement: StatementReference(policy: .accessPoint, statement: 1))
        )
    }

    @Test func identityDenyNamesItsPolicyAndStatement() throws {
        let decision = try Self.decide(
            accessPoint: Self.allowAll,
            identity: [
                Statements.identity("Allow", "s3:GetObject", "*"),
                [
                    Statements.identity("Allow", "s3:GetObject", "*"),
                    Statements.identity("Deny", "s3:GetObject", "*"),
                ].joined(separator: ","),
            ]
        )
        #expect(
            decision.reason
                == .explicitDeny(
                    StatementReference(policy: .identity, policyIndex: 1, statement: 1),
                    resource: "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Jane/report.csv"
                )
        )
    }

    /// The endpoint policy is scanned once for both resource forms; each form must still get the verdict its own
    /// scan would give.
    static let bucketObjects = "arn:aws:s3:::reports-bucket/*"
    static let both = #"["\#(Statements.apObjects)","\#(bucketObjects)"]"#

    static func throughEndpoint(_ endpoint: String) throws -> AuthorizationDecision {
        let owner = #"{"AWS":"111122223333"}"#
        let policies = AuthorizationPolicies(
            accessPointPolicy: try Lab.policy(.accessPoint, Statements.allow(owner, "s3:*", "*")),
            bucketPolicy: try Lab.policy(.bucket, Statements.allow(owner, "s3:*", "*")),
            vpcEndpointPolicy: try Lab.policy(.vpcEndpoint, endpoint)
        )
        return policies.authorize(
            Lab.request(network: .vpcEndpoint("vpce-1a2b3c4d", vpc: "vpc-1a2b3c", privateIP: IPAddress("10.0.1.25")))
        )
    }

    static func endpointStatement(_ effect: String, _ resources: String, condition: String? = nil) -> String {
        let conditionPart = condition.map { #","Condition":\#($0)"# } ?? ""
        return
            #"{"Effect":"\#(effect)","Principal":"*","Action":"s3:GetObject","Resource":\#(resources)\#(conditionPart)}"#
    }

    @Test func endpointDenyOnTheBucketFormOnly() throws {
        let decision = try Self.throughEndpoint(
            [
                Self.endpointStatement("Allow", Self.both),
                Self.endpointStatement("Deny", #""\#(Self.bucketObjects)""#),
            ].joined(separator: ",")
        )
        #expect(
            decision.reason
                == .explicitDeny(
                    StatementReference(policy: .vpcEndpoint, statement: 1),
                    resource: "arn:aws:s3:::reports-bucket/Jane/report.csv"
                )
        )
    }

    @Test func endpointAllowOnTheFrontFormOnly() throws {
        let decision = try Self.throughEndpoint(Self.endpointStatement("Allow", #""\#(Statements.apObjects)""#))
        #expect(decision.reason == .noAllow(.vpcEndpoint, resource: "arn:aws:s3:::reports-bucket/Jane/report.csv"))
    }

    @Test func endpointFormsGrantedByDifferentStatements() throws {
        let decision = try Self.throughEndpoint(
            [
                Self.endpointStatement(
                    "Allow",
                    Self.both,
                    condition: #"{"IpAddress":{"aws:VpcSourceIp":"192.168.0.0/16"}}"#
                ),
                Self.endpointStatement("Allow", #""\#(Self.bucketObjects)""#),
                Self.endpointStatement("Allow", #""\#(Statements.apObjects)""#),
                Self.endpointStatement("Deny", Self.both, condition: #"{"Bool":{"aws:SecureTransport":"false"}}"#),
            ].joined(separator: ",")
        )
        guard case .allowed(let grants) = decision.reason else {
            Issue.record("expected an allow, got \(decision)")
            return
        }
        // The grant names the statement that allowed the access point form.
        #expect(
            grants.last == .init(layer: .vpcEndpoint, statement: StatementReference(policy: .vpcEndpoint, statement: 2))
        )
    }
}
