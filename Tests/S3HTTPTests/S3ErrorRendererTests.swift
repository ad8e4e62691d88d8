import AccessPointCore
import NIOCore
import Testing

@testable import S3HTTP

struct S3ErrorRendererTests {
    static let id = S3RequestID(requestID: "4442587FB7D0A2F9", hostID: "host-id")

    static let table: [(S3Error, S3ErrorDocument.Envelope, Int, String)] = [
        (
            .noSuchAccessPoint.adding("AccessPointName", "my-ap"), .control, 404,
            #"<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Code>NoSuchAccessPoint</Code>"#
                + "<Message>The specified accesspoint does not exist</Message><AccessPointName>my-ap</AccessPointName>"
                + "</Error><RequestId>4442587FB7D0A2F9</RequestId><HostId>host-id</HostId></ErrorResponse>"
        ),
        (
            .accessDenied, .s3, 403,
            #"<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message>"#
                + "<RequestId>4442587FB7D0A2F9</RequestId><HostId>host-id</HostId></Error>"
        ),
        (
            .accessPointAlreadyOwnedByYou, .control, 409,
            #"<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Code>AccessPointAlreadyOwnedByYou</Code>"#
                + "<Message>Your previous request to create the named accesspoint succeeded and you already own it."
                + "</Message></Error><RequestId>4442587FB7D0A2F9</RequestId><HostId>host-id</HostId></ErrorResponse>"
        ),
    ]

    @Test(arguments: Self.table)
    func rendersStatusHeadersAndBody(error: S3Error, envelope: S3ErrorDocument.Envelope, status: Int, body: String) {
        let response = S3ErrorRenderer(envelope: envelope).response(for: error, id: Self.id)
        #expect(response.status == status)
        #expect(response.headers["content-type"] == "application/xml")
        #expect(response.headers["X-Amz-Request-Id"] == "4442587FB7D0A2F9")
        #expect(response.headers["x-amz-id-2"] == "host-id")
        #expect(String(buffer: response.body.buffer ?? ByteBuffer()) == body)
    }

    @Test func randomRequestIDsAreShapedLikeS3s() {
        let id = RandomS3RequestIDGenerator().next()
        #expect(id.requestID.count == 16)
        #expect(id.requestID.allSatisfy { $0.isHexDigit && !$0.isLowercase })
        #expect(id.hostID.count == 76)
        #expect(RandomS3RequestIDGenerator().next() != id)
    }

    @Test func oneGeneratorNeverRepeatsAnIdentifier() {
        let generator = RandomS3RequestIDGenerator()
        let ids = Set((0..<10_000).map { _ in generator.next().requestID })
        #expect(ids.count == 10_000)
    }

    /// Each draw gives `64 / bits` characters, its low bits first, as the per-character loop that was replaced did.
    @Test(arguments: [(16, 4), (76, 6), (0, 4), (1, 6), (10, 6), (11, 6), (17, 4), (33, 4)])
    func textTakesEachDrawsLowBitsFirst(count: Int, bits: Int) {
        let alphabet = (0..<(1 << bits)).map { UInt8(0x21 + $0) }
        var rng = Xoshiro256StarStar(seed: 5, 6, 7, 8)
        let text = RandomS3RequestIDGenerator.text(count: count, from: alphabet, bitsPerCharacter: bits, using: &rng)
        var reference = Xoshiro256StarStar(seed: 5, 6, 7, 8)
        var expected: [UInt8] = []
        var word: UInt64 = 0
        var left = 0
        for _ in 0..<count {
            if left == 0 {
                word = reference.next()
                left = 64 / bits
            }
            expected.append(alphabet[Int(word & UInt64(alphabet.count - 1))])
            word >>= UInt64(bits)
            left -= 1
        }
        #expect(Array(text.utf8) == expected)
    }

    /// The first outputs of the authors' reference C code (prng.di.unimi.it/xoshiro256starstar.c) seeded with
    /// {1, 2, 3, 4}.
    @Test func xoshiroMatchesTheReferenceImplementation() {
        var rng = Xoshiro256StarStar(seed: 1, 2, 3, 4)
        let expected: [UInt64] = [
            11520, 0, 1_509_978_240, 1_215_971_899_390_074_240, 1_216_172_134_540_287_360, 607_988_272_756_665_600,
        ]
        #expect((0..<6).map { _ in rng.next() } == expected)
    }
}
