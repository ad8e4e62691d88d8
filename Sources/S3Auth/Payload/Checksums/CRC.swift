/// Table-driven reflected CRCs for the checksum trailers of aws-chunked bodies (spec §5.5).
///
/// swift-crypto has hashes and MACs but no CRCs, so the three that S3 offers live here: CRC-32 (IEEE, the botocore
/// default), CRC-32C (Castagnoli) and CRC-64/NVME. One byte-at-a-time table each; bodies pass through once.
struct CRC32: Sendable {
    /// The reflected generator polynomials.
    enum Polynomial: UInt32, Sendable {
        case ieee = 0xEDB8_8320
        case castagnoli = 0x82F6_3B78
    }

    private static let ieeeTable = makeTable(Polynomial.ieee.rawValue)
    private static let castagnoliTable = makeTable(Polynomial.castagnoli.rawValue)

    private let table: [UInt32]
    private var state: UInt32 = 0xFFFF_FFFF

    init(_ polynomial: Polynomial) {
        table = polynomial == .ieee ? Self.ieeeTable : Self.castagnoliTable
    }

    mutating func update(_ bytes: some Sequence<UInt8>) {
        var crc = state
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8)
        }
        state = crc
    }

    /// The CRC of everything so far.
    var value: UInt32 { state ^ 0xFFFF_FFFF }

    /// The CRC as four big-endian bytes, the form S3 base64-encodes.
    var bigEndianBytes: [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }

    private static func makeTable(_ polynomial: UInt32) -> [UInt32] {
        (0..<256).map { index in
            var crc = UInt32(index)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            return crc
        }
    }
}

/// CRC-64/NVME (reflected polynomial `0x9A6C9329AC4BC9B5`), S3's `x-amz-checksum-crc64nvme`.
struct CRC64NVME: Sendable {
    private static let table: [UInt64] = (0..<256).map { index in
        var crc = UInt64(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x9A6C_9329_AC4B_C9B5 : crc >> 1 }
        return crc
    }

    private var state: UInt64 = 0xFFFF_FFFF_FFFF_FFFF

    init() {}

    mutating func update(_ bytes: some Sequence<UInt8>) {
        var crc = state
        for byte in bytes {
            crc = Self.table[Int((crc ^ UInt64(byte)) & 0xff)] ^ (crc >> 8)
        }
        state = crc
    }

    var value: UInt64 { state ^ 0xFFFF_FFFF_FFFF_FFFF }

    var bigEndianBytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) } }
}
