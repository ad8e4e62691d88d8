import Testing

@testable import S3Auth

/// The canonical request (spec §5.2) of requests that stress its byte-level rules: raw non-ASCII paths, repeated and
/// multi-line headers, empty query values, `+` and `%2F`, presigned URLs that sign more than `host`. The expected
/// texts follow the spec and are what the String-based implementation produced before the byte-level one replaced it
/// on the hot path.
struct CanonicalRequestTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var request: SigV4Request
        var signedHeaders: [String]
        var payloadHash = Example.emptyHash
        var presigned = false
        var expected: [String]

        var testDescription: String { name }
        var text: String { expected.joined(separator: "\n") }
    }

    static let date = ("x-amz-date", "20130524T000000Z")
    static let presignedQuery =
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2F"
        + "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host%3Bx-amz-meta-a"

    static let cases: [Case] = [
        Case(
            name: "raw non-ASCII path",
            request: SigV4Request(method: "GET", path: "/café/☃ snow.txt", headers: [("Host", "h"), date]),
            signedHeaders: ["host", "x-amz-date"],
            expected: [
                "GET", "/café/☃ snow.txt", "", "host:h", "x-amz-date:20130524T000000Z", "", "host;x-amz-date",
                Example.emptyHash,
            ]
        ),
        Case(
            name: "empty path",
            request: SigV4Request(method: "GET", path: "", headers: [("Host", "h")]),
            signedHeaders: ["host"],
            expected: ["GET", "/", "", "host:h", "", "host", Example.emptyHash]
        ),
        Case(
            name: "repeated headers in any case, joined in arrival order",
            request: SigV4Request(
                method: "PUT",
                path: "/k",
                headers: [
                    ("X-Amz-Meta-Tag", "a"), ("Host", "h"), ("x-amz-meta-tag", "  b   c "), ("X-AMZ-META-TAG", ""),
                    date,
                ]
            ),
            signedHeaders: ["host", "x-amz-date", "x-amz-meta-tag"],
            expected: [
                "PUT", "/k", "", "host:h", "x-amz-date:20130524T000000Z", "x-amz-meta-tag:a,b c,", "",
                "host;x-amz-date;x-amz-meta-tag", Example.emptyHash,
            ]
        ),
        Case(
            name: "multi-line and blank values",
            request: SigV4Request(
                method: "GET",
                path: "/k",
                headers: [
                    ("Host", "h"), ("X-Amz-Meta-Note", "line one\n\t  line two"), ("X-Amz-Meta-Fold", "a\r\n b"),
                    ("X-Amz-Meta-Blank", " \t "),
                ]
            ),
            signedHeaders: ["host", "x-amz-meta-blank", "x-amz-meta-fold", "x-amz-meta-note"],
            expected: [
                "GET", "/k", "", "host:h", "x-amz-meta-blank:", "x-amz-meta-fold:a\r\n b",
                "x-amz-meta-note:line one\n line two", "", "host;x-amz-meta-blank;x-amz-meta-fold;x-amz-meta-note",
                Example.emptyHash,
            ]
        ),
        Case(
            name: "non-ASCII values, and a non-ASCII name that lower-cases to ASCII",
            request: SigV4Request(
                method: "GET",
                path: "/k",
                headers: [("Host", "h"), ("X-Amz-Meta-U", "ünï  côdé ☃"), ("X-\u{212A}ey", "kelvin")]
            ),
            signedHeaders: ["host", "x-amz-meta-u", "x-key"],
            expected: [
                "GET", "/k", "", "host:h", "x-amz-meta-u:ünï côdé ☃", "x-key:kelvin", "",
                "host;x-amz-meta-u;x-key", Example.emptyHash,
            ]
        ),
        Case(
            name: "a non-ASCII signed name",
            request: SigV4Request(method: "GET", path: "/k", headers: [("Host", "h"), ("X-Ünï", "v")]),
            signedHeaders: ["host", "x-ünï"],
            expected: ["GET", "/k", "", "host:h", "x-ünï:v", "", "host;x-ünï", Example.emptyHash]
        ),
        Case(
            name: "empty query values",
            request: SigV4Request(
                method: "GET",
                path: "/",
                query: "acl&versions=&prefix=&max-keys=0",
                headers: [("Host", "h")]
            ),
            signedHeaders: ["host"],
            expected: ["GET", "/", "acl=&max-keys=0&prefix=&versions=", "host:h", "", "host", Example.emptyHash]
        ),
        Case(
            name: "plus and %2F in the key and the query",
            request: SigV4Request(
                method: "GET",
                path: "/bucket/a+b%2Fc/d%2fe",
                query: "prefix=a+b%2Fc&key%2Fname=%2f&start-after=x%2By",
                headers: [("Host", "h")]
            ),
            signedHeaders: ["host"],
            expected: [
                "GET", "/bucket/a+b%2Fc/d%2fe", "key%2Fname=%2F&prefix=a%2Bb%2Fc&start-after=x%2By", "host:h", "",
                "host", Example.emptyHash,
            ]
        ),
        Case(
            name: "stray percent, raw UTF-8 and repeats in the query",
            request: SigV4Request(
                method: "GET",
                path: "/",
                query: "prefix=100%&q=€&empty&a=1&a=1&a=0&A=2",
                headers: [("Host", "h")]
            ),
            signedHeaders: ["host"],
            expected: [
                "GET", "/", "A=2&a=0&a=1&a=1&empty=&prefix=100%25&q=%E2%82%AC", "host:h", "", "host",
                Example.emptyHash,
            ]
        ),
        Case(
            name: "presigned, signing a metadata header too",
            request: SigV4Request(
                method: "GET",
                path: "/k",
                query: presignedQuery + "&X-Amz-Signature=0123&response-content-type=text%2Fplain",
                headers: [("Host", "h"), ("User-Agent", "curl/8"), ("X-Amz-Meta-A", " 1 ")]
            ),
            signedHeaders: ["host", "x-amz-meta-a"],
            payloadHash: "UNSIGNED-PAYLOAD",
            presigned: true,
            expected: [
                "GET", "/k", presignedQuery + "&response-content-type=text%2Fplain", "host:h", "x-amz-meta-a:1", "",
                "host;x-amz-meta-a", "UNSIGNED-PAYLOAD",
            ]
        ),
        Case(
            name: "a signed header the request lacks",
            request: SigV4Request(method: "HEAD", path: "/k", headers: [("Host", "h")]),
            signedHeaders: ["host", "x-amz-meta-missing"],
            expected: [
                "HEAD", "/k", "", "host:h", "x-amz-meta-missing:", "", "host;x-amz-meta-missing", Example.emptyHash,
            ]
        ),
        Case(
            name: "signed names as given, unsorted and repeated",
            request: SigV4Request(method: "GET", path: "/k", headers: [date, ("Host", "h")]),
            signedHeaders: ["x-amz-date", "host", "host"],
            expected: [
                "GET", "/k", "", "x-amz-date:20130524T000000Z", "host:h", "host:h", "", "x-amz-date;host;host",
                Example.emptyHash,
            ]
        ),
    ]

    @Test(arguments: Self.cases)
    func buildsTheText(_ test: Case) {
        let canonical = CanonicalRequest(
            request: test.request,
            signedHeaders: test.signedHeaders,
            payloadHash: test.payloadHash,
            omittingQuery: test.presigned ? ["X-Amz-Signature"] : []
        )
        #expect(canonical.text == test.text)
    }

    /// The bytes the verifier and signer hash are those of ``CanonicalRequest/text``.
    @Test(arguments: Self.cases)
    func writesTheSameBytes(_ test: Case) {
        var bytes: [UInt8] = []
        CanonicalRequest.append(
            request: test.request,
            signedHeaders: test.signedHeaders,
            payloadHash: test.payloadHash,
            omittingSignature: test.presigned,
            to: &bytes
        )
        #expect(bytes == Array(test.text.utf8))
    }
}
