import AccessPointCore
import Testing

@testable import S3Auth

/// The signer for upstream requests: round trips through the verifier, and the same bytes as botocore for the
/// same inputs.
struct SigV4SignerTests {
    static let signer = SigV4Signer(
        accessKeyID: Example.accessKeyID,
        secretAccessKey: Example.secret,
        region: "us-west-2"
    )
    static let sigV4Fixtures = BotocoreFixtureTests.fixtures.filter { $0.signer != "sigv4a" }
    static let headerFixtures = Self.sigV4Fixtures.filter { $0.expect.location == "header" }.map(\.name)
    static let queryFixtures = Self.sigV4Fixtures.filter { $0.expect.location == "query" }.map(\.name)

    static func fixture(_ name: String) throws -> BotocoreFixture {
        try #require(BotocoreFixtureTests.fixtures.first { $0.name == name })
    }

    @Test(arguments: Self.headerFixtures)
    func signsLikeBotocore(_ name: String) throws {
        let fixture = try Self.fixture(name)
        let original = fixture.sigV4Request
        let payloadHash = try #require(original.value(of: "x-amz-content-sha256"))
        let signed = Self.signer.sign(
            original.removing("Authorization"),
            payloadHash: payloadHash,
            now: try #require(fixture.time)
        )
        #expect(signed.value(of: "authorization") == original.value(of: "authorization"))
    }

    @Test(arguments: Self.queryFixtures)
    func presignsLikeBotocore(_ name: String) throws {
        let fixture = try Self.fixture(name)
        let original = fixture.sigV4Request
        var bare = original
        bare.query = original.query.split(separator: "&").filter { !$0.hasPrefix("X-Amz-") }.joined(separator: "&")
        let presigned = Self.signer.presign(
            bare,
            expires: try #require(fixture.expect.expires),
            now: try #require(fixture.time)
        )
        // The Python and CRT signers order the X-Amz-* parameters differently; the canonical query does not.
        #expect(CanonicalQuery.canonicalize(presigned.query) == CanonicalQuery.canonicalize(original.query))
    }

    static let requests: [(String, SigV4Request, String)] = [
        (
            "GET with a special key",
            SigV4Request(method: "GET", path: "/a%20b/%E2%82%AC/~x", headers: [("Host", "h")]), PayloadHash.empty
        ),
        (
            "PUT with metadata and a streaming body",
            SigV4Request(
                method: "PUT",
                path: "/k",
                query: "partNumber=1&uploadId=a%2Bb",
                headers: [
                    ("Host", "h:9000"), ("x-amz-meta-a", "  spaced   value "), ("Content-Encoding", "aws-chunked"),
                    ("x-amz-decoded-content-length", "11"), ("x-amz-trailer", "x-amz-checksum-crc32"),
                    ("Transfer-Encoding", "chunked"), ("Expect", "100-continue"), ("amz-sdk-request", "attempt=1"),
                ]
            ),
            PayloadHash.streamingUnsignedTrailer
        ),
        (
            "DELETE, unsigned payload", SigV4Request(method: "DELETE", path: "/k", headers: [("Host", "h")]),
            PayloadHash.unsignedPayload
        ),
    ]

    @Test(arguments: 0..<Self.requests.count)
    func roundTripsThroughTheVerifier(_ index: Int) throws {
        let (_, request, payloadHash) = Self.requests[index]
        let now = Example.time
        let signed = Self.signer.sign(request, payloadHash: payloadHash, now: now)
        let verified = try SigV4Verifier().verify(
            signed,
            region: .exactly("us-west-2"),
            credentials: Example.credentials,
            now: now
        )
        #expect(!verified.signedHeaders.contains("transfer-encoding"))
        #expect(!verified.signedHeaders.contains("amz-sdk-request"))
        let presigned = Self.signer.presign(request, expires: 60, now: now)
        _ = try SigV4Verifier().verify(
            presigned,
            region: .exactly("us-west-2"),
            credentials: Example.credentials,
            now: now
        )
    }

    @Test func replacesAnEarlierSignature() throws {
        let once = Self.signer.sign(Self.requests[0].1, payloadHash: PayloadHash.empty, now: Example.time)
        let twice = Self.signer.sign(once, payloadHash: PayloadHash.empty, now: Example.time.adding(seconds: 60))
        #expect(twice.values(of: "authorization").count == 1)
        #expect(twice.values(of: "x-amz-date") == ["20130524T000100Z"])
        _ = try SigV4Verifier().verify(
            twice,
            region: .exactly("us-west-2"),
            credentials: Example.credentials,
            now: Example.time
        )
    }

    /// Requests whose headers, path and query stress the byte-level canonical request.
    static let oddRequests: [(String, SigV4Request)] = [
        (
            "repeated, multi-line and unsigned headers, raw UTF-8 path, plus and %2F",
            SigV4Request(
                method: "PUT",
                path: "/café/a+b%2Fc",
                query: "acl&prefix=a+b&key%2Fname=",
                headers: [
                    ("Host", "h:9000"), ("X-Amz-Meta-Tag", "a"), ("x-amz-meta-tag", "  b \t c "),
                    ("X-Amz-Meta-Note", "one\n two"), ("Content-Length", "5"), ("User-Agent", "x"),
                    ("amz-sdk-invocation-id", "1"), ("Authorization", "old"), ("X-Amz-Date", "old"),
                ]
            )
        ),
        (
            "a non-ASCII header name",
            SigV4Request(method: "GET", path: "/k", headers: [("Host", "h"), ("X-\u{212A}ey", "kelvin")])
        ),
    ]

    /// The signer writes the `Authorization` header the String-built ``CanonicalRequest`` and ``StringToSign`` give,
    /// over every header but the unsigned ones; and the verifier accepts it.
    @Test(arguments: 0..<Self.oddRequests.count)
    func signsWhatTheStringFormsDescribe(_ index: Int) throws {
        let request = Self.oddRequests[index].1
        let signed = Self.signer.sign(request, payloadHash: PayloadHash.empty, now: Example.time)
        let unsigned = signed.removing("Authorization")
        let names = Set(unsigned.headers.map { $0.name.lowercased() })
            .filter { !SigV4Signer.unsignedHeaders.contains($0) && !$0.hasPrefix("amz-sdk-") }.sorted()
        let scope = CredentialScope(time: Example.time, region: "us-west-2")
        let canonical = CanonicalRequest(request: unsigned, signedHeaders: names, payloadHash: PayloadHash.empty)
        let signature = SigV4SigningKey(secretAccessKey: Example.secret, scope: scope).signature(
            for: StringToSign(time: Example.time, scope: scope, canonicalRequest: canonical)
        )
        #expect(
            signed.values(of: "authorization") == [
                "AWS4-HMAC-SHA256 Credential=\(Example.accessKeyID)/\(scope), "
                    + "SignedHeaders=\(names.joined(separator: ";")), Signature=\(signature)"
            ]
        )
        #expect(signed.values(of: "x-amz-date") == ["20130524T000000Z"])
        _ = try SigV4Verifier().verify(
            signed,
            region: .exactly("us-west-2"),
            credentials: Example.credentials,
            now: Example.time
        )
    }
}

/// The signer's byte-level test for unsigned names answers as the documented set and the `amz-sdk-` prefix.
struct UnsignedHeaderNameTests {
    static let names: [String] =
        Array(SigV4Signer.unsignedHeaders) + [
            "host", "x-amz-date", "accept", "amz-sdk-request", "amz-sdk-", "amz-sdk", "amz-sdk-invocation-id", "t",
            "tee", "expects", "trailers", "keep-alive2", "content-type", "x-amzn-trace-i", "", "authorizatio",
            "proxy-authorisation", "transfer-encodinG", "Connection", "ü",
        ]

    @Test(arguments: Self.names)
    func answersAsTheSet(_ name: String) {
        #expect(
            SigV4Signer.isUnsigned(name) == (SigV4Signer.unsignedHeaders.contains(name) || name.hasPrefix("amz-sdk-"))
        )
    }
}
