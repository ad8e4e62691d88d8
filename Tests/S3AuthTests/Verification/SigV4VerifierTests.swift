import AccessPointCore
import S3Auth
import Testing

/// One behaviour of ``SigV4Verifier`` per test, on requests signed at the spec's example time.
struct SigV4VerifierTests {
    static let signer = SigV4Signer(
        accessKeyID: Example.accessKeyID,
        secretAccessKey: Example.secret,
        region: "us-east-1"
    )
    static let now = Example.time

    static func unsigned(_ extra: [(name: String, value: String)] = []) -> SigV4Request {
        SigV4Request(
            method: "PUT",
            path: "/photos/2024%20trip/a%2Bb.jpg",
            query: "tagging&x-id=PutObject",
            headers: [("Host", "reports-111122223333.s3-accesspoint.us-east-1.amazonaws.com")] + extra
        )
    }

    static func signed(
        _ extra: [(name: String, value: String)] = [],
        payload: String = Example.emptyHash
    ) -> SigV4Request {
        signer.sign(unsigned(extra), payloadHash: payload, now: now)
    }

    func verify(
        _ request: SigV4Request,
        region: ExpectedRegion = .exactly("us-east-1"),
        now: AmzDate = Self.now,
        verifier: SigV4Verifier = SigV4Verifier()
    ) throws(S3Error) -> SigV4Authentication {
        try verifier.verify(request, region: region, credentials: Example.credentials, now: now)
    }

    @Test func acceptsAHeaderSignedRequest() throws {
        let verified = try verify(Self.signed([("x-amz-meta-colour", "blue")]))
        #expect(verified.identity.userName == "alice")
        #expect(verified.accessKeyID == Example.accessKeyID)
        #expect(verified.scope == Example.scope)
        #expect(verified.signedHeaders == ["host", "x-amz-content-sha256", "x-amz-date", "x-amz-meta-colour"])
        guard case .sha256(let hash) = verified.payload else {
            Issue.record("expected a SHA-256 payload, got \(verified.payload)")
            return
        }
        #expect(hash == Example.emptyHash)
    }

    @Test func refusesAnonymousRequests() {
        #expect(throws: S3Error.accessDenied) { try verify(Self.unsigned()) }
    }

    @Test func refusesSigV2() {
        let request = Self.unsigned([("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=")])
        let error = #expect(throws: S3Error.invalidRequest) { try verify(request) }
        #expect(error?.message == "Please use AWS4-HMAC-SHA256.")
    }

    @Test func namesTheUnknownAccessKey() {
        let signer = SigV4Signer(accessKeyID: "AKIDUNKNOWN", secretAccessKey: "x", region: "us-east-1")
        let request = signer.sign(Self.unsigned(), payloadHash: Example.emptyHash, now: Self.now)
        let error = #expect(throws: S3Error.invalidAccessKeyId) { try verify(request) }
        #expect(error?.detail("AWSAccessKeyId") == "AKIDUNKNOWN")
    }

    @Test func explainsASignatureMismatch() throws {
        var request = Self.signed()
        request.path = "/photos/2024%20trip/a+b.jpg"
        let error = #expect(throws: S3Error.signatureDoesNotMatch) { try verify(request) }
        let stringToSign = try #require(error?.detail("StringToSign"))
        #expect(stringToSign.hasPrefix("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"))
        #expect(error?.detail("AWSAccessKeyId") == Example.accessKeyID)
        #expect(
            error?.detail("CanonicalRequest")?.hasPrefix("PUT\n/photos/2024%20trip/a+b.jpg\ntagging=&x-id=PutObject\n")
                == true
        )
        #expect(error?.detail("StringToSignBytes")?.hasPrefix("41 57 53 34 2d") == true)
        #expect(error?.detail("CanonicalRequestBytes")?.hasPrefix("50 55 54 0a") == true)
        #expect(error?.detail("SignatureProvided")?.count == 64)
    }

    @Test func refusesATamperedHeader() {
        var request = Self.signed([("x-amz-meta-colour", "blue")])
        request.headers = request.headers.map {
            $0.name == "x-amz-meta-colour" ? HTTPField(name: $0.name, value: "red") : $0
        }
        #expect(throws: S3Error.signatureDoesNotMatch) { try verify(request) }
    }

    @Test func namesTheExpectedRegion() {
        let error = #expect(throws: S3Error.authorizationHeaderMalformed) {
            try verify(Self.signed(), region: .exactly("us-west-2"))
        }
        #expect(error?.detail("Region") == "us-west-2")
        #expect(error?.message.contains("the region 'us-east-1' is wrong; expecting 'us-west-2'") == true)
    }

    @Test(arguments: [ExpectedRegion.any, .anyOf(["eu-west-1", "us-east-1"])])
    func acceptsAnyAllowedRegion(_ region: ExpectedRegion) throws {
        #expect(try verify(Self.signed(), region: region).scope.region == "us-east-1")
    }

    @Test(arguments: [(-900 as Int64, true), (900, true), (-901, false), (901, false), (86_400, false)])
    func allowsFifteenMinutesOfSkew(offset: Int64, accepted: Bool) throws {
        let now = Self.now.adding(seconds: offset)
        if accepted {
            _ = try verify(Self.signed(), now: now)
        } else {
            let error = #expect(throws: S3Error.requestTimeTooSkewed) { try verify(Self.signed(), now: now) }
            #expect(error?.detail("RequestTime") == "20130524T000000Z")
            #expect(error?.detail("ServerTime") == now.iso8601)
            #expect(error?.detail("MaxAllowedSkewMilliseconds") == "900000")
        }
    }

    @Test func requiresTheContentHashHeader() {
        var request = Self.signed()
        request.headers.removeAll { $0.name == "x-amz-content-sha256" }
        let error = #expect(throws: S3Error.invalidRequest) { try verify(request) }
        #expect(error?.message == "Missing required header for this request: x-amz-content-sha256")
    }

    @Test func refusesNonsenseContentHashes() {
        #expect(throws: S3Error.invalidArgument) { try verify(Self.signed(payload: "STREAMING-SOMETHING")) }
    }

    @Test func listsTheUnsignedAmzHeaders() {
        let request = Self.signed().adding("x-amz-meta-b", "1").adding("X-Amz-Acl", "public-read")
        let error = #expect(throws: S3Error.accessDenied) { try verify(request) }
        #expect(error?.detail("HeadersNotSigned") == "x-amz-acl, x-amz-meta-b")
    }

    @Test func ignoresUnsignedHopHeaders() throws {
        let request = Self.signed().adding("User-Agent", "curl/8").adding("Expect", "100-continue")
        _ = try verify(request)
    }

    @Test func fallsBackToTheDateHeader() throws {
        let request = SigV4Request(
            method: "GET",
            path: "/k",
            headers: [
                ("Host", "h"), ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-content-sha256", Example.emptyHash),
            ]
        )
        let key = SigV4SigningKey(secretAccessKey: Example.secret, scope: Example.scope)
        let signedHeaders = ["date", "host", "x-amz-content-sha256"]
        let canonical = CanonicalRequest(request: request, signedHeaders: signedHeaders, payloadHash: Example.emptyHash)
        let signature = key.signature(
            for: StringToSign(time: Self.now, scope: Example.scope, canonicalRequest: canonical)
        )
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(Example.accessKeyID)/\(Example.scope), "
            + "SignedHeaders=date;host;x-amz-content-sha256, Signature=\(signature)"
        #expect(try verify(request.adding("Authorization", authorization)).requestTime == Self.now)
    }

    @Test func refusesAMissingDate() {
        var request = Self.signed()
        request.headers.removeAll { $0.name == "x-amz-date" }
        #expect(throws: S3Error.accessDenied) { try verify(request) }
    }

    @Test func derivesEachKeyOnce() throws {
        let verifier = SigV4Verifier()
        for _ in 0..<5 { _ = try verify(Self.signed(), verifier: verifier) }
        #expect(verifier.keyCache.statistics == SigningKeyCache.Statistics(hits: 4, misses: 1))
    }
}
