import AccessPointCore
import S3Auth
import Testing

/// SigV4A (spec §5.6): the key derivation vector, and verification of requests signed with the derived key.
/// botocore's awscrt-signed requests are in `BotocoreFixtureTests`.
struct SigV4AVerificationTests {
    @Test func derivesTheSpecKey() throws {
        let key = try #require(
            SigV4AKey(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        )
        #expect(key.privateScalarHex == "7efc8c0e65a324242818c5a50c891c6060b6a00717b7ba3cbe3c5d765be9259c")
        #expect(key.publicKeyHex.x == "b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1")
        #expect(key.publicKeyHex.y == "865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518")
    }

    /// A GET for `regionSet`, signed with SigV4A at the example time.
    static func signed(regionSet: String, credential: String? = nil) throws -> SigV4Request {
        let key = try #require(SigV4AKey(accessKeyID: Example.accessKeyID, secretAccessKey: Example.secret))
        let request = SigV4Request(
            method: "GET",
            path: "/a%20b",
            headers: [
                ("Host", "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com"), ("x-amz-date", "20130524T000000Z"),
                ("x-amz-content-sha256", Example.emptyHash), ("x-amz-region-set", regionSet),
            ]
        )
        let signedHeaders = ["host", "x-amz-content-sha256", "x-amz-date", "x-amz-region-set"]
        let canonical = CanonicalRequest(request: request, signedHeaders: signedHeaders, payloadHash: Example.emptyHash)
        let stringToSign = StringToSign(
            algorithm: SigV4AKey.algorithm,
            time: Example.time,
            scope: "20130524/s3/aws4_request",
            tail: [canonical.hash]
        )
        let scope = credential ?? "\(Example.accessKeyID)/20130524/s3/aws4_request"
        let signature = key.signature(for: stringToSign.text)
        return request.adding(
            "Authorization",
            "AWS4-ECDSA-P256-SHA256 Credential=\(scope), SignedHeaders=\(signedHeaders.joined(separator: ";")), "
                + "Signature=\(signature)"
        )
    }

    func verify(
        _ request: SigV4Request,
        region: ExpectedRegion = .exactly("eu-west-1")
    ) throws(S3Error) -> SigV4Authentication {
        try SigV4Verifier().verify(request, region: region, credentials: Example.credentials, now: Example.time)
    }

    @Test(arguments: ["*", "eu-west-1", "us-east-1, eu-west-1"])
    func acceptsARegionSetThatIncludesTheEndpoint(_ regionSet: String) throws {
        let verified = try verify(try Self.signed(regionSet: regionSet))
        #expect(verified.algorithm == .ecdsaP256SHA256)
        #expect(verified.regionSet?.isEmpty == false)
        #expect(verified.identity == Example.identity)
    }

    @Test func refusesARegionSetWithoutTheEndpoint() throws {
        let request = try Self.signed(regionSet: "us-east-1,us-west-2")
        let error = #expect(throws: S3Error.authorizationHeaderMalformed) { try verify(request) }
        #expect(error?.detail("Region") == "eu-west-1")
    }

    @Test func refusesATamperedRequest() throws {
        var request = try Self.signed(regionSet: "*")
        request.path = "/a%20c"
        #expect(throws: S3Error.signatureDoesNotMatch) { try verify(request) }
    }

    @Test func refusesASigV4ScopeWithSigV4A() throws {
        let request = try Self.signed(
            regionSet: "*",
            credential: "\(Example.accessKeyID)/20130524/eu-west-1/s3/aws4_request"
        )
        #expect(throws: S3Error.authorizationHeaderMalformed) { try verify(request) }
    }

    @Test func refusesAMissingRegionSet() throws {
        let request = try Self.signed(regionSet: "*").removing("x-amz-region-set")
        #expect(throws: S3Error.authorizationHeaderMalformed) { try verify(request) }
    }
}
