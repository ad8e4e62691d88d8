import APRouterTestSupport
import AccessPointCore
import NIOCore
import S3Auth
import S3HTTP
import Testing

@testable import UpstreamStore

/// An upload whose checksum came in its aws-chunked trailer is framed again for the store: exactly as long as the
/// `Content-Length` it is sent with, decoding to the same bytes and the same trailer, whatever pieces it arrived in.
struct AWSChunkedUploadTests {
    /// A decoded upload as the router hands it on: its bytes in pieces, then its checked trailer.
    struct DecodedUpload: AsyncSequence, Sendable, TrailerCarryingStream {
        let bytes: [UInt8]
        let pieceSize: Int
        let trailers: BodyTrailers?
        let trailer: [HTTPField]

        func makeAsyncIterator() -> Iterator { Iterator(upload: self) }

        struct Iterator: AsyncIteratorProtocol {
            let upload: DecodedUpload
            var offset = 0

            mutating func next() async throws -> ByteBuffer? {
                guard offset < upload.bytes.count else {
                    upload.trailers?.set(upload.trailer)
                    return nil
                }
                let end = Swift.min(offset + upload.pieceSize, upload.bytes.count)
                defer { offset = end }
                return ByteBuffer(bytes: upload.bytes[offset..<end])
            }
        }
    }

    @Test(arguments: [(0, 7), (1, 7), (65_535, 4_096), (65_536, 65_536), (65_537, 100_000), (200_000, 16_384)])
    func theFramingIsAsLongAsPromisedAndDecodesToTheUpload(length: Int, pieceSize: Int) async throws {
        var generator = SplitMix64(seed: UInt64(length))
        let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let checksum = ChecksumAlgorithm.crc32.checksum(of: bytes)
        let trailers = BodyTrailers(announcing: "x-amz-checksum-crc32")
        let body = S3Body(
            length: length,
            stream: DecodedUpload(
                bytes: bytes,
                pieceSize: pieceSize,
                trailers: trailers,
                trailer: [HTTPField(name: "x-amz-checksum-crc32", value: checksum)]
            )
        )
        let upload = try #require(AWSChunkedUpload(body))
        var headers = [HTTPField(name: "Content-Encoding", value: "gzip")]
        upload.announce(in: &headers)
        #expect(
            headers.map { "\($0.name): \($0.value)" } == [
                "Content-Encoding: aws-chunked,gzip", "x-amz-decoded-content-length: \(length)",
                "x-amz-trailer: x-amz-checksum-crc32",
            ]
        )

        let framed = upload.body
        var wire: [UInt8] = []
        for try await buffer in framed { wire += buffer.readableBytesView }
        #expect(wire.count == framed.length)
        var decoder = AWSChunkedStateMachine(
            configuration: AWSChunkedConfiguration(
                framing: .unsignedChunksWithTrailer,
                signatures: nil,
                trailerChecksum: .crc32,
                decodedContentLength: length,
                maxChunkSize: 1 << 20
            )
        )
        guard case .complete(let decoded) = decoder.receive(wire) else {
            Issue.record("the framing does not decode: \(String(decoding: wire.suffix(80), as: UTF8.self))")
            return
        }
        #expect(decoded == bytes)
        #expect(decoder.trailers.map { "\($0.name):\($0.value)" } == ["x-amz-checksum-crc32:\(checksum)"])
    }

    /// A body that ends without the checksum its trailer announced is abandoned, never sent short.
    @Test func aTrailerThatNeverCameAbandonsTheUpload() async throws {
        let body = S3Body(
            length: 3,
            stream: DecodedUpload(
                bytes: [1, 2, 3],
                pieceSize: 3,
                trailers: BodyTrailers(announcing: "x-amz-checksum-sha256"),
                trailer: []
            )
        )
        let upload = try #require(AWSChunkedUpload(body))
        await #expect(throws: S3Error.internalError) {
            for try await _ in upload.body {}
        }
    }

    @Test func otherBodiesAreSentAsTheyAre() {
        #expect(AWSChunkedUpload(S3Body.empty) == nil)
        #expect(AWSChunkedUpload(S3Body(string: "hello")) == nil)
        let unannounced = S3Body(
            length: 1,
            stream: DecodedUpload(bytes: [1], pieceSize: 1, trailers: BodyTrailers(), trailer: [])
        )
        #expect(AWSChunkedUpload(unannounced) == nil)
    }
}
