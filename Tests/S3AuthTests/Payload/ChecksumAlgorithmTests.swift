import S3Auth
import Testing

/// The CRCs are written here (swift-crypto has none), so they are checked against the catalogue's check values
/// and against what botocore sends.
struct ChecksumAlgorithmTests {
    static let table: [(ChecksumAlgorithm, String, String)] = [
        // CRC check values of "123456789": crc32 cbf43926, crc32c e3069283, crc64nvme ae8b14860a799888.
        (.crc32, "123456789", "y/Q5Jg=="),
        (.crc32c, "123456789", "4waSgw=="),
        (.crc64nvme, "123456789", "rosUhgp5mIg="),
        (.crc32, "hello world", "DUoRhQ=="),
        (.crc32, "", "AAAAAA=="),
        (.sha1, "hello world", "Kq5sNclPz7QV2+lfQIuc6R7oRu0="),
        (.sha256, "hello world", "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="),
    ]

    @Test(arguments: Self.table)
    func computes(_ algorithm: ChecksumAlgorithm, _ input: String, _ expected: String) {
        #expect(algorithm.checksum(of: Array(input.utf8)) == expected)
    }

    @Test(arguments: [
        "x-amz-checksum-crc32", "X-Amz-Checksum-CRC32C", "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1",
    ])
    func parsesHeaderNames(_ name: String) {
        #expect(ChecksumAlgorithm(headerName: name)?.headerName == name.lowercased())
    }

    @Test func refusesUnknownNames() {
        #expect(ChecksumAlgorithm(headerName: "x-amz-checksum-md5") == nil)
    }
}
