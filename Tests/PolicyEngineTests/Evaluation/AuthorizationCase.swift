import AccessPointCore
import PolicyEngine
import Testing

/// One row of an authorization table: the policies (as JSON statement lists, nil when absent), the request, and
/// the decision's `detail` code. The policies are parsed when the test runs, so a broken row fails loudly.
struct AuthorizationCase: Sendable, CustomTestStringConvertible {
    var name: String
    var accessPoint: String? = nil
    var bucket: String? = nil
    var identity: [String] = []
    var endpoint: String? = nil
    var flags = PublicAccessBlock()
    var operation: S3Operation = .getObject
    var key: String? = "Jane/report.csv"
    var principal: RequestPrincipal = Lab.alice
    var through: AccessPointARN = Lab.accessPoint
    var network: NetworkPath = .internet(IPAddress("203.0.113.9")!)
    var details = S3RequestDetails()
    var expected: String

    var testDescription: String { name }

    func policies() throws -> AuthorizationPolicies {
        AuthorizationPolicies(
            accessPointPolicy: try accessPoint.map { try Lab.policy(.accessPoint, $0) },
            bucketPolicy: try bucket.map { try Lab.policy(.bucket, $0) },
            identityPolicies: try identity.map { try Lab.policy(.identity, $0) },
            vpcEndpointPolicy: try endpoint.map { try Lab.policy(.vpcEndpoint, $0) },
            publicAccessBlock: flags
        )
    }

    func request() -> RequestContext {
        Lab.request(operation, key: key, principal: principal, accessPoint: through, network: network, details: details)
    }
}

/// Statement JSON the tables reuse.
enum Statements {
    static let aliceArn = "arn:aws:iam::111122223333:user/alice"
    static let apObjects = "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/*"
    static let apItself = "arn:aws:s3:us-west-2:111122223333:accesspoint/reports"

    static func allow(_ principal: String, _ action: String, _ resource: String, condition: String? = nil) -> String {
        statement("Allow", principal, action, resource, condition)
    }

    static func deny(_ principal: String, _ action: String, _ resource: String, condition: String? = nil) -> String {
        statement("Deny", principal, action, resource, condition)
    }

    /// An identity statement (no principal).
    static func identity(_ effect: String, _ action: String, _ resource: String) -> String {
        #"{"Effect":"\#(effect)","Action":"\#(action)","Resource":"\#(resource)"}"#
    }

    private static func statement(
        _ effect: String,
        _ principal: String,
        _ action: String,
        _ resource: String,
        _ condition: String?
    ) -> String {
        let conditionPart = condition.map { #","Condition":\#($0)"# } ?? ""
        return
            #"{"Effect":"\#(effect)","Principal":\#(principal),"Action":"\#(action)","Resource":"\#(resource)"\#(conditionPart)}"#
    }

    static let delegation = allow(
        #"{"AWS":"*"}"#,
        "*",
        "arn:aws:s3:::reports-bucket/*",
        condition: #"{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}"#
    )
}
