import AccessPointCore
import S3Auth
import Testing

/// Malformed `Authorization` headers and presigned query sets: each earns one specific S3 error, none traps. Any
/// input that ever crashed or hung the parser joins this table.
struct MalformedSignatureTests {
    enum Input: Sendable {
        case header(String)
        case query(String)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let input: Input
        let expected: S3Error
        var testDescription: String { label }

        init(_ label: String, _ input: Input, _ expected: S3Error) {
            self.label = label
            self.input = input
            self.expected = expected
        }
    }

    static let credential = "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"
    static let signedHeaders = "host;x-amz-content-sha256;x-amz-date"
    static let signature = String(repeating: "ab", count: 32)
    static let encodedCredential = "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"

    static func header(
        credential: String = credential,
        signedHeaders: String = signedHeaders,
        signature: String = signature
    )
        -> Input
    {
        .header("AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=\(signedHeaders), Signature=\(signature)")
    }

    static func query(
        algorithm: String? = "AWS4-HMAC-SHA256",
        credential: String? = encodedCredential,
        date: String? = "20130524T000000Z",
        expires: String? = "3600",
        signedHeaders: String? = "host",
        signature: String? = signature,
        extra: String = ""
    ) -> Input {
        let pairs: [(String, String?)] = [
            ("X-Amz-Algorithm", algorithm), ("X-Amz-Credential", credential), ("X-Amz-Date", date),
            ("X-Amz-Expires", expires), ("X-Amz-SignedHeaders", signedHeaders), ("X-Amz-Signature", signature),
        ]
        return .query(
            (pairs.compactMap { name, value in value.map { "\(name)=\($0)" } } + (extra.isEmpty ? [] : [extra]))
                .joined(separator: "&")
        )
    }

    static let malformed = S3Error.authorizationHeaderMalformed
    static let queryError = S3Error.authorizationQueryParametersError

    static let cases: [Case] = [
        Case("empty header", .header(""), malformed),
        Case("only spaces", .header("    "), malformed),
        Case("algorithm alone", .header("AWS4-HMAC-SHA256"), malformed),
        Case("algorithm and a space", .header("AWS4-HMAC-SHA256 "), malformed),
        Case("SigV2 header", .header("AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="), .invalidRequest),
        Case("SHA-1 algorithm", .header("AWS4-HMAC-SHA1 Credential=\(credential)"), .invalidRequest),
        Case("lower-case algorithm", .header("aws4-hmac-sha256 Credential=\(credential)"), .invalidRequest),
        Case("bearer token", .header("Bearer abc.def.ghi"), .invalidRequest),
        Case(
            "missing Credential",
            .header("AWS4-HMAC-SHA256 SignedHeaders=\(signedHeaders), Signature=\(signature)"),
            malformed
        ),
        Case(
            "missing SignedHeaders",
            .header("AWS4-HMAC-SHA256 Credential=\(credential), Signature=\(signature)"),
            malformed
        ),
        Case(
            "missing Signature",
            .header("AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=\(signedHeaders)"),
            malformed
        ),
        Case(
            "Credential twice",
            .header(
                "AWS4-HMAC-SHA256 Credential=\(credential), Credential=\(credential), "
                    + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
            ),
            malformed
        ),
        Case(
            "Signature twice",
            .header(
                "AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=\(signedHeaders), "
                    + "Signature=\(signature), Signature=\(signature)"
            ),
            malformed
        ),
        Case(
            "trailing comma",
            .header(
                "AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=\(signedHeaders), Signature=\(signature),"
            ),
            malformed
        ),
        Case(
            "leading comma",
            .header(
                "AWS4-HMAC-SHA256 ,Credential=\(credential), SignedHeaders=\(signedHeaders), Signature=\(signature)"
            ),
            malformed
        ),
        Case(
            "unknown component",
            .header(
                "AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=\(signedHeaders), "
                    + "Signature=\(signature), Foo=bar"
            ),
            malformed
        ),
        Case(
            "component without =",
            .header("AWS4-HMAC-SHA256 Credential, SignedHeaders=\(signedHeaders), Signature=\(signature)"),
            malformed
        ),
        Case("empty Credential", header(credential: ""), malformed),
        Case("scope with 4 parts", header(credential: "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3"), malformed),
        Case("scope with 6 parts", header(credential: credential + "/extra"), malformed),
        Case(
            "impossible date",
            header(credential: "AKIAIOSFODNN7EXAMPLE/20131324/us-east-1/s3/aws4_request"),
            malformed
        ),
        Case("7-digit date", header(credential: "AKIAIOSFODNN7EXAMPLE/2013052/us-east-1/s3/aws4_request"), malformed),
        Case(
            "misspelt terminator",
            header(credential: "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_reqest"),
            malformed
        ),
        Case("empty access key", header(credential: "/20130524/us-east-1/s3/aws4_request"), malformed),
        Case("non-ASCII access key", header(credential: "AKIÄ/20130524/us-east-1/s3/aws4_request"), malformed),
        Case("NUL in access key", header(credential: "AKIA\u{0}/20130524/us-east-1/s3/aws4_request"), malformed),
        Case(
            "unicode region",
            header(credential: "AKIAIOSFODNN7EXAMPLE/20130524/us-éast-1/s3/aws4_request"),
            malformed
        ),
        Case(
            "scope date differs from x-amz-date",
            header(credential: "AKIAIOSFODNN7EXAMPLE/20130525/us-east-1/s3/aws4_request"),
            malformed
        ),
        Case("wrong region", header(credential: "AKIAIOSFODNN7EXAMPLE/20130524/us-west-1/s3/aws4_request"), malformed),
        Case(
            "wrong service",
            header(credential: "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/ec2/aws4_request"),
            malformed
        ),
        Case("non-hex signature", header(signature: String(repeating: "zz", count: 32)), malformed),
        Case("63-digit signature", header(signature: String(signature.dropLast())), malformed),
        Case("upper-case signature", header(signature: signature.uppercased()), malformed),
        Case("empty signature", header(signature: ""), malformed),
        Case("unsorted SignedHeaders", header(signedHeaders: "x-amz-date;host;x-amz-content-sha256"), malformed),
        Case("repeated signed header", header(signedHeaders: "host;host;x-amz-content-sha256;x-amz-date"), malformed),
        Case("upper-case signed header", header(signedHeaders: "Host;x-amz-content-sha256;x-amz-date"), malformed),
        Case("empty signed header name", header(signedHeaders: "host;;x-amz-content-sha256;x-amz-date"), malformed),
        Case("empty SignedHeaders", header(signedHeaders: ""), malformed),
        Case("host not signed", header(signedHeaders: "x-amz-content-sha256;x-amz-date"), malformed),
        Case("signed header not sent", header(signedHeaders: signedHeaders + ";x-amz-meta-a"), malformed),
        Case("x-amz-date not signed", header(signedHeaders: "host;x-amz-content-sha256"), .accessDenied),
        Case("huge header", .header("AWS4-HMAC-SHA256 Credential=" + String(repeating: "A", count: 20_000)), malformed),
        Case(
            "thousand signed headers",
            header(signedHeaders: (0..<1000).map { "h\(1000 + $0)" }.joined(separator: ";") + ";host"),
            malformed
        ),
        Case(
            "unknown access key",
            header(credential: "AKIAUNKNOWN/20130524/us-east-1/s3/aws4_request"),
            .invalidAccessKeyId
        ),
        Case("well-formed, wrong signature", header(), .signatureDoesNotMatch),
        Case(
            "presign: algorithm only",
            .query("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=\(signature)"),
            queryError
        ),
        Case("presign: SHA-1 algorithm", query(algorithm: "AWS4-HMAC-SHA1"), .invalidRequest),
        Case("presign: no signature", query(signature: nil), queryError),
        Case("presign: no date", query(date: nil), queryError),
        Case("presign: no expiry", query(expires: nil), queryError),
        Case("presign: no signed headers", query(signedHeaders: nil), queryError),
        Case("presign: expiry over a week", query(expires: "604801"), queryError),
        Case("presign: zero expiry", query(expires: "0"), queryError),
        Case("presign: negative expiry", query(expires: "-1"), queryError),
        Case("presign: non-numeric expiry", query(expires: "soon"), queryError),
        Case("presign: huge expiry", query(expires: String(repeating: "9", count: 40)), queryError),
        Case("presign: bad date", query(date: "2013-05-24T00:00:00Z"), queryError),
        Case("presign: bad credential", query(credential: "AKIAIOSFODNN7EXAMPLE"), queryError),
        Case("presign: credential twice", query(extra: "X-Amz-Credential=\(encodedCredential)"), queryError),
        Case(
            "presign: wrong region",
            query(credential: "AKIAIOSFODNN7EXAMPLE%2F20130524%2Feu-west-1%2Fs3%2Faws4_request"),
            queryError
        ),
        Case("presign: unsorted signed headers", query(signedHeaders: "x-amz-date%3Bhost"), queryError),
        Case("presign: upper-case signature", query(signature: signature.uppercased()), queryError),
        Case(
            "presign: expired",
            query(
                credential: "AKIAIOSFODNN7EXAMPLE%2F20130523%2Fus-east-1%2Fs3%2Faws4_request",
                date: "20130523T000000Z"
            ),
            .accessDenied
        ),
        Case(
            "presign: unknown key",
            query(credential: "NOSUCHKEY%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"),
            .invalidAccessKeyId
        ),
        Case("presign: wrong signature", query(), .signatureDoesNotMatch),
        Case(
            "SigV2 query",
            .query("AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1369353600&Signature=abc%3D"),
            .invalidRequest
        ),
        Case("no signature at all", .query("prefix=a"), .accessDenied),
    ]

    static func request(for input: Input) -> SigV4Request {
        var request = SigV4Request(
            method: "GET",
            path: "/test.txt",
            headers: [("Host", "examplebucket.s3.amazonaws.com")]
        )
        switch input {
        case .header(let value):
            request.headers += [
                HTTPField(name: "x-amz-date", value: "20130524T000000Z"),
                HTTPField(name: "x-amz-content-sha256", value: Example.emptyHash),
                HTTPField(name: "Authorization", value: value),
            ]
        case .query(let query):
            request.query = query
        }
        return request
    }

    @Test func coversAtLeastThirtyCases() {
        #expect(Self.cases.count >= 30)
    }

    @Test(arguments: Self.cases)
    func refuses(_ testCase: Case) {
        #expect(throws: testCase.expected) {
            try SigV4Verifier().verify(
                Self.request(for: testCase.input),
                region: .exactly("us-east-1"),
                credentials: Example.credentials,
                now: Example.time
            )
        }
    }

    @Test func refusesHeaderAndQuerySignaturesTogether() {
        guard case .query(let query) = Self.query() else { return }
        var request = Self.request(for: Self.header())
        request.query = query
        #expect(throws: S3Error.invalidArgument) {
            try SigV4Verifier().verify(request, region: .any, credentials: Example.credentials, now: Example.time)
        }
    }

    @Test func refusesTwoAuthorizationHeaders() {
        guard case .header(let value) = Self.header() else { return }
        let request = Self.request(for: Self.header()).adding("Authorization", value)
        #expect(throws: S3Error.authorizationHeaderMalformed) {
            try SigV4Verifier().verify(request, region: .any, credentials: Example.credentials, now: Example.time)
        }
    }
}
