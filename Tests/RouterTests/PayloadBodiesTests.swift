import AccessPointCore
import NIOCore
import S3Auth
import S3HTTP
import Testing

@testable import S3Serving

/// The bodies a store is handed: an aws-chunked body hands its trailer over once it has been read to its end and
/// checked, and only then; a header's checksum is checked as the bytes pass.
struct PayloadBodiesTests {
    static func chunked(trailer: String) -> S3Body {
        let raw = S3Body(string: "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:\(trailer)\r\n\r\n")
        let configuration = AWSChunkedConfiguration(
            framing: .unsignedChunksWithTrailer,
            signatures: nil,
            trailerChecksum: .crc32,
            decodedContentLength: 11,
            maxChunkSize: 1 << 20
        )
        return S3Body.verified(raw, payload: .awsChunked(configuration), declaredLength: nil)
    }

    @Test func anAWSChunkedBodyHandsItsCheckedTrailerOverAtTheEnd() async throws {
        let body = Self.chunked(trailer: "DUoRhQ==")
        #expect(body.trailers?.fields == [])
        let content = try await body.collected(upTo: 100)
        #expect(content.map { String(buffer: $0) } == "hello world")
        #expect(body.trailers?.fields == [HTTPField(name: "x-amz-checksum-crc32", value: "DUoRhQ==")])
    }

    @Test func aWrongTrailerIsBadDigestAndHandsNothingOver() async throws {
        let body = Self.chunked(trailer: "AAAAAA==")
        await #expect(throws: S3Error.badDigest) { _ = try await body.collected(upTo: 100) }
        #expect(body.trailers?.fields == [])
    }

    @Test(arguments: [("DUoRhQ==", nil), ("AAAAAA==", S3Error.badDigest)] as [(String, S3Error?)])
    func aHeadersChecksumIsCheckedAsTheBytesPass(value: String, refusal: S3Error?) async throws {
        let body = S3Body.verified(
            S3Body(string: "hello world"),
            payload: .unsigned,
            declaredLength: 11,
            checksum: DeclaredChecksum(algorithm: .crc32, value: value)
        )
        if let refusal {
            await #expect(throws: refusal) { _ = try await body.collected(upTo: 100) }
        } else {
            #expect(try await body.collected(upTo: 100).map { String(buffer: $0) } == "hello world")
        }
    }
}
