import AccessPointCore
import Testing

@testable import PolicyEngine

/// Operators, missing keys, `IfExists`, set qualifiers and policy variables (spec §4.2), one line per case:
/// the `Condition` block, the keys the request carries (on top of what `Lab.request()` fills in), and whether the
/// statement applies.
struct ConditionClauseTests {
    typealias Keys = [String: [String]]

    static let operators: [(String, Keys, Bool)] = [
        // String
        (#"{"StringEquals": {"test:k": "abc"}}"#, ["test:k": ["abc"]], true),
        (#"{"StringEquals": {"test:k": "abc"}}"#, ["test:k": ["ABC"]], false),
        (#"{"StringEquals": {"test:k": ["x", "abc"]}}"#, ["test:k": ["abc"]], true),
        (#"{"StringNotEquals": {"test:k": "abc"}}"#, ["test:k": ["abd"]], true),
        (#"{"StringNotEquals": {"test:k": ["abc", "abd"]}}"#, ["test:k": ["abd"]], false),
        (#"{"StringEqualsIgnoreCase": {"test:k": "AbC"}}"#, ["test:k": ["aBc"]], true),
        (#"{"StringNotEqualsIgnoreCase": {"test:k": "AbC"}}"#, ["test:k": ["abc"]], false),
        (#"{"StringLike": {"s3:prefix": "Jane/*"}}"#, ["s3:prefix": ["Jane/2024/q1"]], true),
        (#"{"StringLike": {"s3:prefix": "Jane/*"}}"#, ["s3:prefix": ["jane/2024"]], false),
        (#"{"StringLike": {"test:k": "a?c"}}"#, ["test:k": ["abc"]], true),
        (#"{"StringLike": {"test:k": "a?c"}}"#, ["test:k": ["abbc"]], false),
        (#"{"StringNotLike": {"test:k": "tmp/*"}}"#, ["test:k": ["home/x"]], true),
        (#"{"StringNotLike": {"test:k": "tmp/*"}}"#, ["test:k": ["tmp/x"]], false),
        // Keys ignore case
        (#"{"StringEquals": {"AWS:USERNAME": "alice"}}"#, [:], true),
        (#"{"StringEquals": {"aws:username": "Alice"}}"#, [:], false),
        // Numeric
        (#"{"NumericLessThanEquals": {"s3:max-keys": "100"}}"#, ["s3:max-keys": ["100"]], true),
        (#"{"NumericLessThan": {"s3:max-keys": 100}}"#, ["s3:max-keys": ["100"]], false),
        (#"{"NumericGreaterThan": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["10.5"]], true),
        (#"{"NumericGreaterThanEquals": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["9"]], false),
        (#"{"NumericEquals": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["10.0"]], true),
        (#"{"NumericNotEquals": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["11"]], true),
        (#"{"NumericEquals": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["ten"]], false),
        // Date: the request is at 2025-01-01T00:00:00Z
        (#"{"DateLessThan": {"aws:CurrentTime": "2025-06-01T00:00:00Z"}}"#, [:], true),
        (#"{"DateGreaterThan": {"aws:CurrentTime": "2025-06-01"}}"#, [:], false),
        (#"{"DateEquals": {"aws:CurrentTime": "2025-01-01T02:00:00+02:00"}}"#, [:], true),
        (#"{"DateGreaterThanEquals": {"aws:EpochTime": "1735689600"}}"#, [:], true),
        (#"{"DateLessThanEquals": {"aws:CurrentTime": 1735689599}}"#, [:], false),
        (#"{"DateNotEquals": {"aws:CurrentTime": "2024-12-31T23:59:59.5Z"}}"#, [:], true),
        // Bool
        (#"{"Bool": {"aws:SecureTransport": "true"}}"#, [:], true),
        (#"{"Bool": {"aws:SecureTransport": false}}"#, [:], false),
        (#"{"Bool": {"aws:SecureTransport": "TRUE"}}"#, [:], true),
        // Binary
        (#"{"BinaryEquals": {"test:blob": "QmluYXJ5"}}"#, ["test:blob": ["QmluYXJ5"]], true),
        (#"{"BinaryEquals": {"test:blob": "QmluYXJ5"}}"#, ["test:blob": ["QmluYXJ6"]], false),
        // IP addresses: the request comes from 203.0.113.9
        (#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#, [:], true),
        (#"{"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.113.9"]}}"#, [:], true),
        (#"{"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}"#, [:], false),
        (#"{"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}}"#, [:], true),
        (#"{"NotIpAddress": {"aws:SourceIp": "203.0.0.0/16"}}"#, [:], false),
        (#"{"IpAddress": {"test:ip": "2001:db8::/32"}}"#, ["test:ip": ["2001:db8::5"]], true),
        (#"{"IpAddress": {"test:ip": "2001:db8::/32"}}"#, ["test:ip": ["2001:db9::5"]], false),
        // ARNs: component-wise, the resource part as one string
        (#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/alice"}}"#, [:], true),
        (#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/*"}}"#, [:], true),
        (#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}"#, [:], false),
        (#"{"ArnLike": {"s3:DataAccessPointArn": "arn:aws:s3:*:111122223333:accesspoint/*"}}"#, [:], true),
        (#"{"ArnLike": {"s3:DataAccessPointArn": "arn:aws:s3:*:1111*:accesspoint/reports"}}"#, [:], true),
        (#"{"ArnLike": {"s3:DataAccessPointArn": "arn:aws:s3:*:444455556666:accesspoint/*"}}"#, [:], false),
        (#"{"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/bob"}}"#, [:], true),
        (#"{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:*"}}"#, [:], false),
        // Null tests presence
        (#"{"Null": {"aws:SourceVpc": "true"}}"#, [:], true),
        (#"{"Null": {"aws:SourceVpc": "false"}}"#, [:], false),
        (#"{"Null": {"aws:username": false}}"#, [:], true),
        // Several keys and operators are ANDed
        (#"{"StringEquals": {"aws:username": "alice", "s3:prefix": "a"}}"#, ["s3:prefix": ["a"]], true),
        (#"{"StringEquals": {"aws:username": "alice", "s3:prefix": "a"}}"#, ["s3:prefix": ["b"]], false),
        (#"{"StringEquals": {"aws:username": "alice"}, "Bool": {"aws:SecureTransport": "false"}}"#, [:], false),
    ]

    static let missingKeys: [(String, Keys, Bool)] = [
        (#"{"StringEquals": {"test:missing": "x"}}"#, [:], false),
        (#"{"StringNotEquals": {"test:missing": "x"}}"#, [:], true),
        (#"{"StringLike": {"test:missing": "*"}}"#, [:], false),
        (#"{"StringNotLike": {"test:missing": "*"}}"#, [:], true),
        (#"{"NumericLessThan": {"test:missing": "5"}}"#, [:], false),
        (#"{"NumericNotEquals": {"test:missing": "5"}}"#, [:], true),
        (#"{"DateNotEquals": {"test:missing": "2025-01-01"}}"#, [:], true),
        (#"{"Bool": {"test:missing": "false"}}"#, [:], false),
        (#"{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#, ["aws:SourceIp": []], false),
        (#"{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, ["aws:SourceIp": []], true),
        (#"{"ArnLike": {"test:missing": "*"}}"#, [:], false),
        (#"{"ArnNotLike": {"test:missing": "arn:aws:iam::*:*"}}"#, [:], true),
        // IfExists: absent keys pass, present ones are compared as usual
        (#"{"StringEqualsIfExists": {"test:missing": "x"}}"#, [:], true),
        (#"{"StringEqualsIfExists": {"test:k": "x"}}"#, ["test:k": ["y"]], false),
        (#"{"StringEqualsIfExists": {"test:k": "x"}}"#, ["test:k": ["x"]], true),
        (#"{"NumericLessThanIfExists": {"s3:max-keys": "10"}}"#, [:], true),
        (#"{"NumericLessThanIfExists": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["50"]], false),
        (#"{"IpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"}}"#, ["aws:SourceIp": []], true),
        (#"{"BoolIfExists": {"test:missing": "true"}}"#, [:], true),
        (#"{"ArnLikeIfExists": {"test:missing": "arn:aws:s3:::x"}}"#, [:], true),
        (#"{"DateLessThanIfExists": {"test:missing": "2020-01-01"}}"#, [:], true),
        (#"{"StringNotLikeIfExists": {"test:k": "a*"}}"#, ["test:k": ["abc"]], false),
    ]

    static let setOperators: [(String, Keys, Bool)] = [
        (#"{"ForAnyValue:StringEquals": {"test:tags": ["a", "b"]}}"#, ["test:tags": ["c", "b"]], true),
        (#"{"ForAnyValue:StringEquals": {"test:tags": ["a", "b"]}}"#, ["test:tags": ["c", "d"]], false),
        (#"{"ForAnyValue:StringEquals": {"test:tags": "a"}}"#, [:], false),
        (#"{"ForAllValues:StringEquals": {"test:tags": ["a", "b"]}}"#, ["test:tags": ["a", "b"]], true),
        (#"{"ForAllValues:StringEquals": {"test:tags": ["a", "b"]}}"#, ["test:tags": ["a", "c"]], false),
        (#"{"ForAllValues:StringEquals": {"test:tags": "a"}}"#, [:], true),
        (#"{"ForAllValues:StringLike": {"test:tags": "tmp-*"}}"#, ["test:tags": ["tmp-1", "tmp-2"]], true),
        (#"{"ForAnyValue:StringNotEquals": {"test:tags": "a"}}"#, ["test:tags": ["a", "b"]], true),
        (#"{"ForAllValues:StringNotEquals": {"test:tags": "a"}}"#, ["test:tags": ["a", "b"]], false),
        (#"{"ForAllValues:StringNotEquals": {"test:tags": "a"}}"#, ["test:tags": ["c", "b"]], true),
        (#"{"StringEquals": {"test:tags": "b"}}"#, ["test:tags": ["a", "b"]], true),
        (#"{"StringNotEquals": {"test:tags": "b"}}"#, ["test:tags": ["a", "b"]], false),
        (#"{"ForAnyValue:StringEqualsIfExists": {"test:tags": "a"}}"#, [:], true),
    ]

    static let variables: [(String, Keys, Bool)] = [
        (#"{"StringLike": {"s3:prefix": "home/${aws:username}/*"}}"#, ["s3:prefix": ["home/alice/x"]], true),
        (#"{"StringLike": {"s3:prefix": "home/${aws:username}/*"}}"#, ["s3:prefix": ["home/bob/x"]], false),
        (#"{"StringEquals": {"test:k": "${aws:PrincipalAccount}"}}"#, ["test:k": ["111122223333"]], true),
        (#"{"StringEquals": {"test:k": "${test:missing}"}}"#, ["test:k": [""]], false),
        (#"{"StringEquals": {"test:k": "${test:missing, 'none'}"}}"#, ["test:k": ["none"]], true),
        (#"{"StringLike": {"test:k": "a${*}"}}"#, ["test:k": ["a*"]], true),
        (#"{"StringLike": {"test:k": "a${*}"}}"#, ["test:k": ["ab"]], false),
        (#"{"StringLike": {"test:k": "a${?}"}}"#, ["test:k": ["ab"]], false),
        (#"{"StringEquals": {"test:k": "cost${$}"}}"#, ["test:k": ["cost$"]], true),
        (#"{"StringLike": {"test:k": "${aws:username}*"}}"#, ["test:k": ["alice-1"]], true),
        (
            #"{"ArnLike": {"test:arn": "arn:aws:iam::${aws:PrincipalAccount}:user/*"}}"#,
            ["test:arn": ["arn:aws:iam::111122223333:user/x"]], true
        ),
        // A username containing `*` is literal text, not a wildcard.
        (#"{"StringLike": {"test:k": "${test:name}"}}"#, ["test:name": ["a*"], "test:k": ["abc"]], false),
    ]

    @Test(arguments: Self.operators)
    func operatorsCompare(_ condition: String, keys: Keys, expected: Bool) throws {
        #expect(try Self.applies(condition, keys) == expected)
    }

    @Test(arguments: Self.missingKeys)
    func missingKeysAndIfExists(_ condition: String, keys: Keys, expected: Bool) throws {
        #expect(try Self.applies(condition, keys) == expected)
    }

    @Test(arguments: Self.setOperators)
    func setQualifiers(_ condition: String, keys: Keys, expected: Bool) throws {
        #expect(try Self.applies(condition, keys) == expected)
    }

    @Test(arguments: Self.variables)
    func policyVariables(_ condition: String, keys: Keys, expected: Bool) throws {
        #expect(try Self.applies(condition, keys) == expected)
    }

    @Test func variablesAreTextIn2008Documents() throws {
        let json = #"""
            {"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
             "Condition": {"StringEquals": {"test:k": "${aws:username}"}}}}
            """#
        let policy = try PolicyDocument(parsing: json, kind: .identity)
        var context = Lab.request()
        context.setValues(["${aws:username}"], for: "test:k")
        #expect(policy.statements[0].applies(to: context, resource: context.bucket))
    }

    /// Builds an identity policy whose one statement has `condition`, and asks whether it applies.
    static func applies(_ condition: String, _ keys: Keys) throws -> Bool {
        let policy = try Lab.policy(
            .identity,
            #"{"Effect":"Allow","Action":"*","Resource":"*","Condition":\#(condition)}"#
        )
        var context = Lab.request()
        for (key, values) in keys { context.setValues(values, for: key) }
        return policy.statements[0].applies(to: context, resource: context.bucket)
    }
}
