import AccessPointCore
import S3Auth
import Testing

/// The checksum a request declares in a header, and the check of the body against it.
struct DeclaredChecksumTests {
    @Test(
        arguments: [
            ([], nil, nil),
            ([("x-amz-checksum-crc32", "DUoRhQ==")], "x-amz-checksum-crc32", nil),
            ([("X-Amz-Checksum-SHA256", "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")], "x-amz-checksum-sha256", nil),
            ([("x-amz-checksum-crc64nvme", "rosUhgp5mIg=")], "x-amz-checksum-crc64nvme", nil),
            // Neither of these declares a checksum of the body.
            ([("x-amz-checksum-mode", "ENABLED"), ("x-amz-checksum-algorithm", "CRC32")], nil, nil),
            ([("x-amz-content-sha256", "UNSIGNED-PAYLOAD"), ("x-amz-sdk-checksum-algorithm", "CRC32")], nil, nil),
            (
                [("x-amz-checksum-crc32", "DUoRhQ=="), ("x-amz-checksum-sha1", "Kq5sNclPz7QV2+lfQIuc6R7oRu0=")], nil,
                "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
            ),
            ([("x-amz-checksum-crc32", "not base64")], nil, "Value for x-amz-checksum-crc32 header is invalid."),
            // The base64 of eight bytes, where a CRC-32 has four.
            ([("x-amz-checksum-crc32", "rosUhgp5mIg=")], nil, "Value for x-amz-checksum-crc32 header is invalid."),
        ] as [([(String, String)], String?, String?)]
    )
    func readsTheDeclaration(_ fields: [(String, String)], algorithm: String?, refusal: String?) {
        let declared = Result { () throws(S3Error) in
            try DeclaredChecksum.declared(in: fields.map { HTTPField(name: $0.0, value: $0.1) })
        }
        switch declared {
        case .success(let checksum):
            #expect(refusal == nil)
            #expect(checksum?.algorithm.headerName == algorithm)
            #expect(checksum?.value == fields.first { $0.0.lowercased() == algorithm }?.1)
        case .failure(let error):
            #expect(error == .invalidRequest)
            #expect(error.message == refusal)
        }
    }

    /// `x-amz-sdk-checksum-algorithm` must name the checksum a header declares or the trailer announced, as S3
    /// checks it (versitygw's issues 1593 and 1659 record S3's answers).
    @Test(
        arguments: [
            ([("x-amz-sdk-checksum-algorithm", "CRC32"), ("x-amz-checksum-crc32", "DUoRhQ==")], nil, nil),
            ([("x-amz-sdk-checksum-algorithm", "crc32")], ChecksumAlgorithm.crc32, nil),
            ([("x-amz-checksum-crc32", "DUoRhQ==")], nil, nil),
            (
                [("x-amz-sdk-checksum-algorithm", "CRC32")], nil,
                "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer "
                    + "headers were found."
            ),
            (
                [("x-amz-sdk-checksum-algorithm", "SHA1")], .crc64nvme,
                "Value for x-amz-sdk-checksum-algorithm header is invalid."
            ),
            (
                [("x-amz-sdk-checksum-algorithm", "MD5"), ("x-amz-checksum-crc32", "DUoRhQ==")], nil,
                "Value for x-amz-sdk-checksum-algorithm header is invalid."
            ),
        ] as [([(String, String)], ChecksumAlgorithm?, String?)]
    )
    func theSDKAlgorithmMustNameTheChecksumSent(
        _ fields: [(String, String)],
        trailer: ChecksumAlgorithm?,
        refusal: String?
    ) {
        let payload: PayloadRequirement =
            trailer.map {
                .awsChunked(
                    AWSChunkedConfiguration(
                        framing: .unsignedChunksWithTrailer,
                        signatures: nil,
                        trailerChecksum: $0,
                        decodedContentLength: 11,
                        maxChunkSize: 1 << 20
                    )
                )
            } ?? .unsigned
        let declared = Result { () throws(S3Error) in
            try DeclaredChecksum.declared(in: fields.map { HTTPField(name: $0.0, value: $0.1) }, payload: payload)
        }
        switch declared {
        case .success:
            #expect(refusal == nil)
        case .failure(let error):
            #expect(error == .invalidRequest)
            #expect(error.message == refusal)
        }
    }

    @Test(arguments: ChecksumAlgorithmTests.table)
    func acceptsTheBodyItDeclaresAndNoOther(_ algorithm: ChecksumAlgorithm, _ input: String, _ expected: String) {
        let declared = DeclaredChecksum(algorithm: algorithm, value: expected)
        var checker = DeclaredChecksumChecker(declared)
        // In two pieces, as a body arrives.
        let bytes = Array(input.utf8)
        bytes.prefix(3).withUnsafeBytes { checker.update($0) }
        bytes.dropFirst(3).withUnsafeBytes { checker.update($0) }
        #expect(throws: Never.self) { try checker.finish() }

        var other = DeclaredChecksumChecker(declared)
        Array((input + "!").utf8).withUnsafeBytes { other.update($0) }
        let refusal = #expect(throws: S3Error.self) { try other.finish() }
        #expect(refusal == .badDigest)
        #expect(refusal?.message.hasSuffix("you specified did not match the calculated checksum.") == true)
        #expect(refusal?.detail("ClientComputedChecksum") == expected)
    }
}
