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

    /// A body of several chunks, arriving in pieces of every size from one byte up: the decoded bytes are handed
    /// on as slices of the pieces (no copy), in order, whatever the split, and the trailer is checked at the end.
    @Test(arguments: [1, 2, 3, 5, 8, 13, 64, 1_000])
    func anAWSChunkedBodyDecodesTheSameWhateverTheSplit(pieceSize: Int) async throws {
        let chunks = ["The ", "quick brown ", "f", "ox jumps over the lazy dog"]
        let content = chunks.joined()
        let encoded =
            chunks.map { String($0.utf8.count, radix: 16) + "\r\n" + $0 + "\r\n" }.joined()
            + "0\r\nx-amz-checksum-crc32:\(ChecksumAlgorithm.crc32.checksum(of: Array(content.utf8)))\r\n\r\n"
        let bytes = Array(encoded.utf8)
        let pieces = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
            var start = 0
            while start < bytes.count {
                continuation.yield(ByteBuffer(bytes: bytes[start..<min(start + pieceSize, bytes.count)]))
                start += pieceSize
            }
            continuation.finish()
        }
        let configuration = AWSChunkedConfiguration(
            framing: .unsignedChunksWithTrailer,
            signatures: nil,
            trailerChecksum: .crc32,
            decodedContentLength: content.utf8.count,
            maxChunkSize: 1 << 20
        )
        let body = S3Body.verified(
            S3Body(length: nil, stream: pieces),
            payload: .awsChunked(configuration),
            declaredLength: nil
        )
        var decoded: [UInt8] = []
        for try await buffer in body { decoded += buffer.readableBytesView }
        #expect(String(decoding: decoded, as: UTF8.self) == content)
        #expect(body.trailers?.fields.map(\.name) == ["x-amz-checksum-crc32"])
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
