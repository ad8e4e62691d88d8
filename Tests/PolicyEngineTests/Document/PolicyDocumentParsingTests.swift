import AccessPointCore
import Testing

@testable import PolicyEngine

struct PolicyDocumentParsingTests {
    static let valid: [(String, PolicyKind, Int)] = [
        (
            #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}"#,
            .bucket, 1
        ),
        (
            #"{"Version":"2008-10-17","Id":"p","Statement":[{"Sid":"a","Effect":"Deny","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:user/x"]},"NotAction":["s3:Put*"],"NotResource":"arn:aws:s3:::b/*"},{"Sid":"b","Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"*","Resource":"arn:aws:s3:::b"}]}"#,
            .bucket, 2
        ),
        (#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#, .identity, 1),
        (#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#, .vpcEndpoint, 1),
        (
            #" {"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"*","Resource":"*"}]} "#,
            .accessPoint, 1
        ),
    ]

    @Test(arguments: Self.valid)
    func parsesValidDocuments(_ json: String, kind: PolicyKind, statements: Int) throws {
        let policy = try PolicyDocument(parsing: json, kind: kind)
        #expect(policy.statements.count == statements)
        #expect(policy.text == json)
    }

    /// Each invalid document, and a fragment the reason must contain (statement number first when it has one).
    static let malformed: [(String, PolicyKind, String)] = [
        ("", .bucket, "valid JSON"),
        ("[]", .bucket, "must be a JSON object"),
        (#"{"Statement":[]}"#, .bucket, "empty array"),
        (#"{"Version":"2012-10-17"}"#, .bucket, "Missing required field Statement"),
        (#"{"Version":"2020-01-01","Statement":{}}"#, .bucket, "Version '2020-01-01'"),
        (#"{"Version":2012,"Statement":{}}"#, .bucket, "Version must be a string"),
        (#"{"Statment":{}}"#, .bucket, "Unknown field 'Statment'"),
        (#"{"Statement":"Allow"}"#, .bucket, "must be an object or an array"),
        (
            #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}, 3]}"#, .bucket,
            "Statement 1: must be an object"
        ),
        (#"{"Statement":{"Principal":"*","Action":"*","Resource":"*"}}"#, .bucket, "Statement 0: missing Effect"),
        (#"{"Statement":{"Effect":"allow","Principal":"*","Action":"*","Resource":"*"}}"#, .bucket, "Effect must be"),
        (#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#, .bucket, "missing Principal"),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#, .identity,
            "must not name a Principal"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"*","Resource":"*"}}"#,
            .bucket,
            "both Principal and NotPrincipal"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"*","Resource":"*"}}"#, .bucket,
            "is not \"*\", an account id"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"*","Resource":"*"}}"#,
            .bucket, "Principal.AWS"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":{"Robot":"x"},"Action":"*","Resource":"*"}}"#, .bucket,
            "unknown principal type 'Robot'"
        ),
        (#"{"Statement":{"Effect":"Allow","Principal":{},"Action":"*","Resource":"*"}}"#, .bucket, "Principal must be"),
        (#"{"Statement":{"Effect":"Allow","Principal":"*","Resource":"*"}}"#, .bucket, "missing Action"),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","NotAction":"*","Resource":"*"}}"#, .bucket,
            "both Action and NotAction"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"GetObject","Resource":"*"}}"#, .bucket,
            "'GetObject' is not an action"
        ),
        (#"{"Statement":{"Effect":"Allow","Principal":"*","Action":[],"Resource":"*"}}"#, .bucket, "empty array"),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":[1],"Resource":"*"}}"#, .bucket,
            "must list strings, found a number"
        ),
        (#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*"}}"#, .bucket, "missing Resource"),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"bucket/*"}}"#, .bucket,
            "'bucket/*' is not an ARN"
        ),
        (
            #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:::b/${aws:username"}}"#,
            .bucket, "no closing"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":[]}}"#, .bucket,
            "Condition must be an object"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEqual":{"a:b":"c"}}}}"#,
            .bucket, "unknown condition operator 'StringEqual'"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"NullIfExists":{"a:b":"true"}}}}"#,
            .bucket, "unknown condition operator"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}}"#,
            .bucket, "'ten' is not a number"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2025-13-01"}}}}"#,
            .bucket, "is not a date"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}}"#,
            .bucket, "'yes' is not true or false"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}}"#,
            .bucket, "not an IP address"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"BinaryEquals":{"x:y":"%%%"}}}}"#,
            .bucket, "not base64"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:*:bucket"}}}}"#,
            .bucket, "is not an ARN"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"a:b":null}}}}"#,
            .bucket, "found null"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"a:b":[]}}}}"#,
            .bucket, "has no values"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{}}}}"#,
            .bucket, "must map keys to values"
        ),
        (
            #"{"Statement":[{"Sid":"x","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Sid":"x","Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#,
            .bucket, "Statement 1: Sid \"x\" is already used by statement 0"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}}"#, .bucket,
            "duplicate member 'Effect'"
        ),
        (
            #"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Extra":1}}"#, .bucket,
            "Statement 0: unknown field 'Extra'"
        ),
    ]

    @Test(arguments: Self.malformed)
    func refusesMalformedDocuments(_ json: String, kind: PolicyKind, reason: String) {
        #expect {
            try PolicyDocument(parsing: json, kind: kind)
        } throws: { error in
            guard let error = error as? S3Error, error == .malformedPolicy else { return false }
            return error.message.contains(reason)
        }
    }

    @Test func refusesPoliciesOverTwentyKilobytes() {
        let padding = String(repeating: "x", count: PolicyDocument.maximumSize)
        let json = #"{"Id":"\#(padding)","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#
        #expect {
            try PolicyDocument(parsing: json, kind: .accessPoint)
        } throws: { error in
            (error as? S3Error)?.message.contains("may be at most 20480 bytes") == true
        }
    }

    @Test(arguments: [
        (#"{"StringEquals":{"s3:ExistingObjectTag/classification":"secret"}}"#, true),
        (#"{"StringLike":{"S3:EXISTINGOBJECTTAG/team":"b*"}}"#, true),
        (#"{"StringEquals":{"s3:RequestObjectTag/classification":"secret"}}"#, false),
        (#"{"Bool":{"aws:SecureTransport":"true"}}"#, false),
    ])
    func knowsWhetherItReadsExistingObjectTags(condition: String, reads: Bool) throws {
        let text =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":"#
            + condition + "}]}"
        let document = try PolicyDocument(parsing: text, kind: .accessPoint)
        #expect(document.readsExistingObjectTags == reads)
        #expect(AuthorizationPolicies(accessPointPolicy: document).readExistingObjectTags == reads)
        #expect(AuthorizationPolicies(identityPolicies: [document]).readExistingObjectTags == reads)
        #expect(!AuthorizationPolicies().readExistingObjectTags)
    }
}
