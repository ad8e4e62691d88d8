import APRouterTestSupport
import AccessPointCore
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

    /// The CRCs read eight bytes per step from wherever a piece of body starts: every length from 0 to 80 and every
    /// split into two pieces (so every alignment and every tail) gives what a bit-at-a-time CRC gives.
    @Test(arguments: [
        (ChecksumAlgorithm.crc32, UInt64(0xEDB8_8320), 32), (.crc32c, 0x82F6_3B78, 32),
        (.crc64nvme, 0x9A6C_9329_AC4B_C9B5, 64),
    ])
    func crcsAgreeWithABitwiseCRCAtEveryLengthAndSplit(_ algorithm: ChecksumAlgorithm, polynomial: UInt64, width: Int) {
        var generator = SplitMix64(seed: 18)
        let bytes = (0..<80).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for length in 0...bytes.count {
            let input = Array(bytes.prefix(length))
            let expected = Base64.encode(Self.bitwiseCRC(input, polynomial: polynomial, width: width))
            #expect(algorithm.checksum(of: input) == expected, "length \(length)")
            for split in 0...length {
                var checker = DeclaredChecksumChecker(DeclaredChecksum(algorithm: algorithm, value: expected))
                input[..<split].withUnsafeBytes { checker.update($0) }
                input[split...].withUnsafeBytes { checker.update($0) }
                #expect(throws: Never.self, "length \(length), split at \(split)") { try checker.finish() }
            }
        }
    }

    /// A reflected CRC one bit at a time, initial value and final XOR all ones: the catalogue's definition.
    static func bitwiseCRC(_ bytes: [UInt8], polynomial: UInt64, width: Int) -> [UInt8] {
        let mask: UInt64 = width == 64 ? .max : (1 << width) - 1
        var crc = mask
        for byte in bytes {
            crc ^= UInt64(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
        }
        crc ^= mask
        return (0..<(width / 8)).map { UInt8(truncatingIfNeeded: crc >> UInt64(width - 8 - 8 * $0)) }
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
