import AccessPointCore
import Testing

@testable import PolicyEngine

/// A context built for an operation has its action checked against the set of operations compiled into each
/// statement; one built for the same action spelled out has it matched against the patterns. Both must decide
/// alike, for every operation and every shape of action element.
struct OperationActionTests {
    static let actionElements: [String] = [
        #""Action":"s3:GetObject""#,
        #""Action":"S3:getobject""#,
        #""Action":"s3:*""#,
        #""Action":"*""#,
        #""Action":"s3:Get*""#,
        #""Action":"s3:?etObject""#,
        #""Action":"s3:List*Uploads""#,
        #""Action":["s3:PutObject","s3:ListBucket"]"#,
        #""Action":"ec2:*""#,
        #""NotAction":"s3:GetObject""#,
        #""NotAction":["s3:Put*","s3:Delete*"]"#,
    ]

    @Test(arguments: Self.actionElements)
    func operationAndSpelledOutActionDecideAlike(_ element: String) throws {
        let statement = #"{"Effect":"Allow","Principal":"*",\#(element),"Resource":"*"}"#
        let policies = AuthorizationPolicies(
            accessPointPolicy: try Lab.policy(.accessPoint, statement),
            bucketPolicy: try Lab.policy(.bucket, statement)
        )
        let target = RequestTarget(
            front: .accessPoint(Lab.accessPoint),
            bucket: Lab.bucket,
            bucketOwner: Lab.owner,
            key: "Jane/report.csv"
        )
        let network = NetworkPath.internet(IPAddress("203.0.113.9")!)
        for operation in S3Operation.allCases {
            let spelledOut = RequestContext(
                action: operation.iamAction,
                objectLevel: operation.isObjectLevel,
                target: target,
                principal: Lab.alice,
                network: network,
                time: Lab.newYear
            )
            #expect(
                policies.authorize(Lab.request(operation)) == policies.authorize(spelledOut),
                "\(operation) under \(element)"
            )
        }
    }

    @Test func everyOperationHasItsOwnBit() {
        let bits = S3Operation.allCases.map(\.bit)
        #expect(!bits.contains(0))
        #expect(bits.allSatisfy { $0 & ($0 - 1) == 0 })
        #expect(Set(bits).count == S3Operation.allCases.count)
    }
}
