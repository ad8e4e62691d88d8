import AccessPointCore
import Foundation
import S3Auth
import Testing

/// The aws-chunked decoder (spec §5.5): the S3 streaming example, every split of small bodies, and each way a body
/// can be wrong.
struct AWSChunkedStateMachineTests {
    static let hello = Array("hello world".utf8)

    /// The S3 API reference streaming example: 66560 bytes of `a` in chunks of 65536, 1024 and 0.
    static let exampleBody: [UInt8] = {
        let signatures = [
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
            "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
        ]
        var body: [UInt8] = []
        for (size, signature) in zip([65536, 1024, 0], signatures) {
            body += Array("\(String(size, radix: 16));chunk-signature=\(signature)\r\n".utf8)
            body += [UInt8](repeating: UInt8(ascii: "a"), count: size) + Array("\r\n".utf8)
        }
        return body
    }()

    static let exampleHeaders: [(name: String, value: String)] = [
        ("Host", "s3.amazonaws.com"), ("x-amz-date", "20130524T000000Z"),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"), ("x-amz-content-sha256", PayloadHash.streamingSigned),
        ("Content-Encoding", "aws-chunked"), ("x-amz-decoded-content-length", "66560"), ("Content-Length", "66824"),
    ]

    @Test func verifiesTheSeedSignatureOfTheExample() throws {
        let signedHeaders =
            "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
            + "x-amz-decoded-content-length;x-amz-storage-class"
        let request = SigV4Request(method: "PUT", path: "/examplebucket/chunkObject.txt", headers: Self.exampleHeaders)
            .adding(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(Example.accessKeyID)/\(Example.scope), SignedHeaders=\(signedHeaders), "
                    + "Signature=\(ChunkedBodies.seed)"
            )
        let verified = try SigV4Verifier().verify(
            request,
            region: .exactly("us-east-1"),
            credentials: Example.credentials,
            now: Example.time
        )
        guard case .awsChunked(let configuration) = verified.payload else {
            Issue.record("expected an aws-chunked payload")
            return
        }
        #expect(configuration.framing == .signedChunks)
        #expect(configuration.decodedContentLength == 66560)
        #expect(Self.exampleBody.count == 66824)
        let expected = [UInt8](repeating: UInt8(ascii: "a"), count: 66560)
        for cuts in [[], [1], [90], [100, 65_626, 65_700], Array(stride(from: 4096, to: 66_824, by: 4096))] {
            #expect(ChunkedBodies.decode(Self.exampleBody, configuration, cuts: cuts) == .decoded(expected))
        }
    }

    @Test func reproducesTheExampleChunkSignatures() {
        let body = ChunkedBodies.signed([
            [UInt8](repeating: UInt8(ascii: "a"), count: 65536), [UInt8](repeating: UInt8(ascii: "a"), count: 1024),
        ])
        #expect(body == Self.exampleBody)
    }

    /// Bodies small enough to cut at every point, and what each must decode to.
    static let splitCases: [(String, [UInt8], AWSChunkedConfiguration, ChunkedBodies.Outcome)] = [
        (
            "botocore unsigned trailer",
            Array("b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n".utf8),
            ChunkedBodies.configuration(.unsignedChunksWithTrailer, length: 11, trailer: .crc32), .decoded(hello)
        ),
        (
            "signed chunks",
            ChunkedBodies.signed([Array("hello ".utf8), Array("world".utf8)]),
            ChunkedBodies.configuration(.signedChunks, length: 11), .decoded(hello)
        ),
        (
            "signed trailer",
            ChunkedBodies.signed([hello], trailer: ("x-amz-checksum-crc32", "DUoRhQ==")),
            ChunkedBodies.configuration(.signedChunksWithTrailer, length: 11, trailer: .crc32), .decoded(hello)
        ),
        (
            "empty body, unsigned trailer",
            ChunkedBodies.unsigned([], trailer: ["x-amz-checksum-crc32:AAAAAA=="]),
            ChunkedBodies.configuration(.unsignedChunksWithTrailer, length: 0, trailer: .crc32), .decoded([])
        ),
        (
            "wrong crc32",
            ChunkedBodies.unsigned([hello], trailer: ["x-amz-checksum-crc32:AAAAAA=="]),
            ChunkedBodies.configuration(.unsignedChunksWithTrailer, length: 11, trailer: .crc32),
            .failed(code: "BadDigest")
        ),
        (
            "decoded length too short",
            ChunkedBodies.signed([hello]),
            ChunkedBodies.configuration(.signedChunks, length: 12), .failed(code: "IncompleteBody")
        ),
        (
            "forged signed trailer",
            Array(
                String(
                    decoding: ChunkedBodies.signed([hello], trailer: ("x-amz-checksum-crc32", "DUoRhQ==")),
                    as: UTF8.self
                )
                .replacingOccurrences(of: "x-amz-checksum-crc32:DUoRhQ==", with: "x-amz-checksum-crc32:DUoRhA==")
                .utf8
            ),
            ChunkedBodies.configuration(.signedChunksWithTrailer, length: 11, trailer: .crc32),
            .failed(code: "BadDigest")
        ),
    ]

    @Test(arguments: 0..<Self.splitCases.count)
    func givesTheSameResultAtEverySplit(_ index: Int) {
        let (_, body, configuration, expected) = Self.splitCases[index]
        for cut in 0...body.count {
            #expect(ChunkedBodies.decode(body, configuration, cuts: [cut]) == expected, "cut at \(cut)")
        }
        #expect(ChunkedBodies.decode(body, configuration, cuts: Array(0...body.count)) == expected, "byte by byte")
    }

    @Test func reportsEveryTruncationAsIncomplete() {
        let body = ChunkedBodies.signed([Self.hello], trailer: ("x-amz-checksum-crc32", "DUoRhQ=="))
        let configuration = ChunkedBodies.configuration(.signedChunksWithTrailer, length: 11, trailer: .crc32)
        for end in 0..<body.count {
            guard case .failed = ChunkedBodies.decode(Array(body[..<end]), configuration) else {
                Issue.record("a body cut at \(end) of \(body.count) was accepted")
                continue
            }
        }
    }

    @Test func holdsBackAChunkWhoseSignatureFails() {
        var body = ChunkedBodies.signed([Array("hello ".utf8), Array("world".utf8)])
        guard let index = body.lastIndex(of: UInt8(ascii: "w")) else { return }
        body[index] = UInt8(ascii: "W")
        for cut in 0...body.count {
            let (outcome, forwarded) = ChunkedBodies.decodeForwarding(
                body,
                ChunkedBodies.configuration(.signedChunks, length: 11),
                cuts: [cut]
            )
            #expect(outcome == .failed(code: "SignatureDoesNotMatch"))
            #expect(!forwarded.contains(UInt8(ascii: "W")), "cut at \(cut)")
        }
    }

    static let malformed: [(String, String, String)] = [
        ("size not hex", "zz\r\nhello world\r\n0\r\n\r\n", "InvalidRequest"),
        ("size empty", "\r\nhello world\r\n0\r\n\r\n", "InvalidRequest"),
        ("bare LF", "b\nhello world\r\n0\r\n\r\n", "InvalidRequest"),
        ("chunk longer than its size", "a\r\nhello world\r\n0\r\n\r\n", "IncompleteBody"),
        ("chunk longer than decoded length", "c\r\nhello world!\r\n0\r\n\r\n", "InvalidRequest"),
        ("huge size", "ffffffffffffffff\r\n", "InvalidRequest"),
        ("oversized chunk", "1000001\r\n", "EntityTooLarge"),
        ("data after the end", "b\r\nhello world\r\n0\r\n\r\nextra", "InvalidRequest"),
        ("undeclared trailer", "b\r\nhello world\r\n0\r\nx-amz-checksum-sha1:abc=\r\n\r\n", "InvalidRequest"),
        ("trailer without colon", "b\r\nhello world\r\n0\r\nnonsense\r\n\r\n", "InvalidRequest"),
        ("endless header line", String(repeating: "1", count: 5000), "InvalidRequest"),
    ]

    @Test(arguments: Self.malformed)
    func refusesMalformedFraming(_ label: String, _ body: String, _ code: String) {
        let configuration = ChunkedBodies.configuration(.unsignedChunksWithTrailer, length: 11)
        guard case .failed(let got) = ChunkedBodies.decode(Array(body.utf8), configuration) else {
            Issue.record("\(label) was accepted")
            return
        }
        #expect(got == code, "\(label)")
    }

    @Test func refusesAnUnsignedChunkInASignedBody() {
        let outcome = ChunkedBodies.decode(
            Array("b\r\nhello world\r\n0\r\n\r\n".utf8),
            ChunkedBodies.configuration(.signedChunks, length: 11)
        )
        #expect(outcome == .failed(code: "InvalidRequest"))
    }
}
