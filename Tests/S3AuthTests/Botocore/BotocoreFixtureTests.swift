import AccessPointCore
import Foundation
import S3Auth
import Testing

/// Requests signed by botocore 1.43 (its pure-Python and its CRT signers) for an access point in us-west-2, and
/// with SigV4A (awscrt) for a Multi-Region Access Point: special characters in keys and queries, presigned URLs,
/// signed payloads and aws-chunked uploads. A third-party
/// client must agree with our verifier; our own signer agreeing with our verifier would prove little.
struct BotocoreFixtureTests {
    static let fixtures = BotocoreFixture.all()

    func verify(_ fixture: BotocoreFixture, at time: AmzDate? = nil) throws -> SigV4Authentication {
        let now = try #require(time ?? fixture.time)
        return try SigV4Verifier().verify(
            fixture.sigV4Request,
            region: .exactly(fixture.region),
            credentials: Example.credentials,
            now: now
        )
    }

    @Test func coversBothSignersAndEveryCase() {
        #expect(Self.fixtures.count == 35)
        #expect(Self.fixtures.filter { $0.signer == "crt" }.count == 15)
        #expect(Self.fixtures.filter { $0.signer == "sigv4a" }.count == 5)
    }

    @Test(arguments: Self.fixtures.map(\.name))
    func verifies(_ name: String) throws {
        let fixture = try #require(Self.fixtures.first { $0.name == name })
        let verified = try verify(fixture)
        #expect(verified.identity == Example.identity)
        #expect(verified.algorithm == (fixture.signer == "sigv4a" ? .ecdsaP256SHA256 : .hmacSHA256))
        #expect(verified.location == (fixture.expect.location == "query" ? .query : .header))
        switch verified.payload {
        case .sha256(let hash):
            #expect(fixture.expect.payload == "sha256")
            var checker = PayloadSHA256Checker(expected: hash)
            checker.update(fixture.body)
            try checker.finish()
        case .unsigned:
            #expect(fixture.expect.payload == "unsigned")
        case .awsChunked(let configuration):
            #expect(fixture.expect.payload == "awsChunked")
            for cut in 0...fixture.body.count {
                #expect(
                    ChunkedBodies.decode(fixture.body, configuration, cuts: [cut]) == .decoded(fixture.decoded ?? [])
                )
            }
        }
    }

    @Test(arguments: Self.fixtures.filter { $0.canonicalRequest != nil }.map(\.name))
    func buildsTheSameCanonicalRequestAsBotocore(_ name: String) throws {
        let fixture = try #require(Self.fixtures.first { $0.name == name })
        let verified = try verify(fixture)
        let request = fixture.sigV4Request
        let canonical = CanonicalRequest(
            request: request,
            signedHeaders: verified.signedHeaders,
            payloadHash: request.value(of: "x-amz-content-sha256") ?? PayloadHash.unsignedPayload,
            omittingQuery: ["X-Amz-Signature"]
        )
        #expect(canonical.text == fixture.canonicalRequest)
        let stringToSign = StringToSign(time: verified.requestTime, scope: verified.scope, canonicalRequest: canonical)
        #expect(stringToSign.text == fixture.stringToSign)
    }

    @Test(arguments: Self.fixtures.map(\.name))
    func refusesTheRequestSixteenMinutesLater(_ name: String) throws {
        let fixture = try #require(Self.fixtures.first { $0.name == name })
        let later = try #require(fixture.time).adding(seconds: 16 * 60 + (fixture.expect.expires ?? 0))
        let expected: S3Error = fixture.expect.location == "query" ? .accessDenied : .requestTimeTooSkewed
        #expect(throws: expected) { try verify(fixture, at: later) }
    }

    @Test(arguments: Self.fixtures.map(\.name))
    func refusesATamperedPath(_ name: String) throws {
        let fixture = try #require(Self.fixtures.first { $0.name == name })
        var request = fixture.sigV4Request
        request.path += "x"
        #expect(throws: S3Error.signatureDoesNotMatch) {
            try SigV4Verifier().verify(
                request,
                region: .exactly(fixture.region),
                credentials: Example.credentials,
                now: try #require(fixture.time)
            )
        }
    }
}
