import AccessPointCore
import S3Auth
import Testing

struct PayloadSHA256CheckerTests {
    static let body = Array("Welcome to Amazon S3.".utf8)
    static let hash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"

    @Test(arguments: [[], [1], [5, 6, 20], Array(0...21)])
    func acceptsTheBodyInAnyPieces(cuts: [Int]) throws {
        var checker = PayloadSHA256Checker(expected: Self.hash.uppercased())
        var start = 0
        for end in cuts + [Self.body.count] where end >= start {
            checker.update(Self.body[start..<end])
            start = end
        }
        #expect(checker.byteCount == Self.body.count)
        try checker.finish()
    }

    @Test func namesBothHashesOnMismatch() {
        var checker = PayloadSHA256Checker(expected: Self.hash)
        checker.update(Array("Welcome to Amazon S3!".utf8))
        let error = #expect(throws: S3Error.xAmzContentSHA256Mismatch) { try checker.finish() }
        #expect(error?.detail("ClientComputedContentSHA256") == Self.hash)
        #expect(
            error?.detail("S3ComputedContentSHA256") == PayloadHash.sha256Hex(of: Array("Welcome to Amazon S3!".utf8))
        )
    }
}
