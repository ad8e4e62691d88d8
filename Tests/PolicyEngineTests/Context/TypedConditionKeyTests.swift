import AccessPointCore
import Testing

@testable import PolicyEngine

/// The keys the router fills in are held as typed values (an `IPAddress`, a split ARN, a number, a flag); every
/// operator must see them exactly as it saw their text before, and a key a caller sets by name must replace the
/// typed value.
struct TypedConditionKeyTests {
    typealias Keys = [String: [String]]

    static let cases: [(String, Keys, Bool)] = [
        // Text operators on typed keys read the key's text.
        (#"{"StringEquals": {"aws:SecureTransport": "true"}}"#, [:], true),
        (#"{"StringEquals": {"aws:SecureTransport": "True"}}"#, [:], false),
        (#"{"StringLike": {"aws:SourceIp": "203.0.113.*"}}"#, [:], true),
        (#"{"StringEquals": {"aws:EpochTime": "1735689600"}}"#, [:], true),
        (#"{"NumericGreaterThan": {"aws:EpochTime": "1735689599"}}"#, [:], true),
        (#"{"NumericLessThan": {"aws:EpochTime": "1735689600"}}"#, [:], false),
        (#"{"DateEquals": {"aws:EpochTime": "2025-01-01T00:00:00Z"}}"#, [:], true),
        (#"{"StringLike": {"aws:CurrentTime": "2025-01-01T*"}}"#, [:], true),
        (#"{"DateEquals": {"aws:CurrentTime": "1735689600"}}"#, [:], true),
        (#"{"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:*:111122223333:accesspoint/rep*"}}"#, [:], true),
        (#"{"StringEqualsIgnoreCase": {"aws:PrincipalArn": "ARN:AWS:IAM::111122223333:USER/ALICE"}}"#, [:], true),
        // Typed operators on typed keys.
        (#"{"Bool": {"aws:SecureTransport": "false"}}"#, [:], false),
        (#"{"Bool": {"AWS:SECURETRANSPORT": ["false", "true"]}}"#, [:], true),
        (#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#, [:], true),
        (#"{"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}"#, [:], false),
        (#"{"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}"#, [:], false),
        (#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/*"}}"#, [:], true),
        (#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}"#, [:], false),
        (#"{"ArnNotLike": {"s3:DataAccessPointArn": "arn:aws:s3:*:444455556666:accesspoint/*"}}"#, [:], true),
        (
            #"{"ArnEquals": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:111122223333:accesspoint/reports"}}"#, [:],
            true
        ),
        (#"{"ForAllValues:IpAddress": {"aws:SourceIp": "203.0.0.0/8"}}"#, [:], true),
        (#"{"ForAnyValue:ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/*"}}"#, [:], false),
        (#"{"Null": {"aws:SourceIp": "false"}}"#, [:], true),
        (#"{"Null": {"aws:VpcSourceIp": "true"}}"#, [:], true),
        // A key set by name replaces the typed value, whatever the case of its name.
        (#"{"IpAddress": {"aws:SourceIp": "10.1.0.0/16"}}"#, ["AWS:SOURCEIP": ["10.1.2.3"]], true),
        (#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#, ["aws:sourceip": ["10.1.2.3"]], false),
        (#"{"IpAddress": {"aws:SourceIp": "10.1.0.0/16"}}"#, ["aws:SourceIp": ["not an address"]], false),
        (#"{"Bool": {"aws:SecureTransport": "false"}}"#, ["aws:SecureTransport": ["FALSE"]], true),
        (#"{"Null": {"aws:SecureTransport": "true"}}"#, ["aws:SecureTransport": []], true),
        (
            #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}"#,
            ["aws:PrincipalArn": ["arn:aws:iam::1:role/r"]], true
        ),
        (#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}"#, ["aws:PrincipalArn": ["role/r"]], false),
        (
            #"{"ForAllValues:IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
            ["aws:SourceIp": ["10.1.2.3", "192.0.2.1"]], false
        ),
        (
            #"{"ForAnyValue:IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
            ["aws:SourceIp": ["10.1.2.3", "192.0.2.1"]], true
        ),
        (#"{"NumericEquals": {"s3:max-keys": "10"}}"#, ["S3:Max-Keys": ["10"]], true),
        // Policy variables read typed keys as text.
        (#"{"StringEquals": {"test:k": "${aws:SecureTransport}"}}"#, ["test:k": ["true"]], true),
        (#"{"StringEquals": {"test:k": "${aws:EpochTime}"}}"#, ["test:k": ["1735689600"]], true),
        (
            #"{"StringLike": {"test:k": "${aws:PrincipalArn}"}}"#, ["test:k": ["arn:aws:iam::111122223333:user/alice"]],
            true
        ),
    ]

    @Test(arguments: Self.cases)
    func typedKeysReadLikeTheirText(_ condition: String, keys: Keys, expected: Bool) throws {
        let policy = try Lab.policy(
            .identity,
            #"{"Effect":"Allow","Action":"*","Resource":"*","Condition":\#(condition)}"#
        )
        var context = Lab.request()
        for (key, values) in keys { context.setValues(values, for: key) }
        #expect(policy.statements[0].applies(to: context, resource: context.bucket) == expected)
    }

    @Test func typedKeysKeepTheirText() {
        let context = Lab.request(
            details: S3RequestDetails(maxKeys: 50, signatureAgeMilliseconds: 1_250)
        )
        #expect(context.values(for: "aws:SecureTransport") == ["true"])
        #expect(context.values(for: "aws:SourceIp") == ["203.0.113.9"])
        #expect(context.values(for: "aws:CurrentTime") == ["2025-01-01T00:00:00Z"])
        #expect(context.values(for: "aws:EpochTime") == ["1735689600"])
        #expect(context.values(for: "s3:max-keys") == ["50"])
        #expect(context.values(for: "s3:signatureAge") == ["1250"])
        #expect(context.values(for: "aws:PrincipalArn") == ["arn:aws:iam::111122223333:user/alice"])
    }

    @Test func settingAWellKnownKeyReplacesOrRemovesIt() {
        var context = Lab.request()
        context.setValues(["10.0.0.1", "10.0.0.2"], for: "AWS:SourceIP")
        #expect(context.values(for: "aws:sourceip") == ["10.0.0.1", "10.0.0.2"])
        context.setValues([], for: "aws:SourceIp")
        #expect(context.values(for: "aws:SourceIp") == nil)
    }

    /// The context takes the lower-cased action from a table rather than lower-casing it per request.
    @Test(arguments: S3Operation.allCases)
    func lowercasedActionIsTheActionLowercased(_ operation: S3Operation) {
        #expect(operation.lowercasedIAMAction == operation.iamAction.lowercased())
        #expect(Lab.request(operation).lowercasedAction == operation.iamAction.lowercased())
    }

    /// A dual-stack listener may report an IPv4 client as `::ffff:a.b.c.d`; its text parses as IPv4, so IPv4 blocks
    /// match it.
    @Test func mappedSourceAddressMatchesIPv4Blocks() throws {
        guard let mapped = IPv6Address("::ffff:203.0.113.9") else {
            Issue.record("the mapped address does not parse")
            return
        }
        let context = Lab.request(network: .internet(.v6(mapped)))
        let policy = try Lab.policy(
            .identity,
            #"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}"#
        )
        #expect(policy.statements[0].applies(to: context, resource: context.bucket))
    }
}
