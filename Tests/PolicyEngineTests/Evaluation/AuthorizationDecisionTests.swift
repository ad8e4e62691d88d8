import AccessPointCore
import PolicyEngine
import Testing

/// Decisions explain themselves, for access logs and debug error messages.
struct AuthorizationDecisionTests {
    @Test func explicitDenyNamesStatementAndPolicy() throws {
        let policies = AuthorizationPolicies(
            accessPointPolicy: try Lab.policy(.accessPoint, Statements.allow(#""*""#, "*", "*")),
            bucketPolicy: try Lab.policy(
                .bucket,
                Statements.allow(#""*""#, "*", "*")
                    + #",{"Sid":"NoPuts","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*"}"#
            )
        )
        let decision = policies.authorize(Lab.request(.putObject))
        #expect(
            decision.reason
                == .explicitDeny(
                    StatementReference(policy: .bucket, statement: 1, sid: "NoPuts"),
                    resource: "arn:aws:s3:::reports-bucket/Jane/report.csv"
                )
        )
        #expect(
            decision.description
                == #"denied, because statement 1 ("NoPuts") of the bucket policy denies s3:PutObject on arn:aws:s3:::reports-bucket/Jane/report.csv"#
        )
    }

    @Test func allowNamesEveryLayer() throws {
        let policies = AuthorizationPolicies(
            accessPointPolicy: try PolicyDocument(
                parsing: try Lab.fixture("policies", "access-point-jane.json"),
                kind: .accessPoint
            ),
            bucketPolicy: try PolicyDocument(
                parsing: try Lab.fixture("policies", "bucket-delegation.json"),
                kind: .bucket
            )
        )
        let decision = policies.authorize(Lab.request())
        #expect(
            decision.description
                == #"allowed, because statement 0 ("JaneObjects") of the access point policy and statement 0 ("DelegateToOwnAccessPoints") of the bucket policy allow s3:GetObject"#
        )
    }

    @Test func identityGrantNamesTheIdentityPolicy() throws {
        let policies = AuthorizationPolicies(identityPolicies: [
            try Lab.policy(.identity, Statements.identity("Allow", "s3:PutObject", "*")),
            try Lab.policy(.identity, Statements.identity("Allow", "s3:GetObject", "*")),
        ])
        let decision = policies.authorize(Lab.request())
        #expect(
            decision.reason
                == .allowed([
                    .init(
                        layer: .accessPoint,
                        statement: StatementReference(policy: .identity, policyIndex: 1, statement: 0)
                    ),
                    .init(
                        layer: .bucket,
                        statement: StatementReference(policy: .identity, policyIndex: 1, statement: 0)
                    ),
                ])
        )
    }

    @Test func noAllowNamesTheLayerAndResource() {
        let decision = AuthorizationPolicies().authorize(Lab.request(.listObjectsV2, key: nil))
        #expect(
            decision.description
                == "denied, because no statement at the access point layer allows s3:ListBucket on arn:aws:s3:us-west-2:111122223333:accesspoint/reports"
        )
    }
}
