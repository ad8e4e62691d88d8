/// Reflected CRCs for the checksums S3 offers (`x-amz-checksum-crc32`, `-crc32c`, `-crc64nvme`), computed as
/// bodies stream past.
///
/// swift-crypto has hashes and MACs but no CRCs, and the CRC libraries Debian ships do not cover S3's three (zlib
/// has CRC-32 only; ISA-L 2.30, bookworm's, lacks CRC-64/NVME, which arrived in 2.31), so they live here.
/// botocore puts a CRC-32 on every upload by default, so this is on the body's hot path: slicing-by-8 (eight
/// 256-entry tables, eight bytes per step, read unaligned from the body's own buffer), about eight times the rate of
/// the one-table loop it replaced (bench/README.md, session 18).
struct CRC32: Sendable {
    /// The reflected generator polynomials.
    enum Polynomial: UInt32, Sendable {
        case ieee = 0xEDB8_8320
        case castagnoli = 0x82F6_3B78
    }

    private static let ieeeTables = SlicingTables<UInt32>(polynomial: Polynomial.ieee.rawValue)
    private static let castagnoliTables = SlicingTables<UInt32>(polynomial: Polynomial.castagnoli.rawValue)

    private let tables: SlicingTables<UInt32>
    private var state: UInt32 = 0xFFFF_FFFF

    init(_ polynomial: Polynomial) {
        tables = polynomial == .ieee ? Self.ieeeTables : Self.castagnoliTables
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        state = tables.update(state, with: bytes)
    }

    /// The CRC of everything so far.
    var value: UInt32 { state ^ 0xFFFF_FFFF }

    /// The CRC as four big-endian bytes, the form S3 base64-encodes.
    var bigEndianBytes: [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
}

/// CRC-64/NVME (reflected polynomial `0x9A6C9329AC4BC9B5`), S3's `x-amz-checksum-crc64nvme`.
struct CRC64NVME: Sendable {
    private static let tables = SlicingTables<UInt64>(polynomial: 0x9A6C_9329_AC4B_C9B5)

    private var state: UInt64 = 0xFFFF_FFFF_FFFF_FFFF

    init() {}

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        state = Self.tables.update(state, with: bytes)
    }

    var value: UInt64 { state ^ 0xFFFF_FFFF_FFFF_FFFF }

    var bigEndianBytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) } }
}

/// The eight tables of a reflected CRC of width 32 or 64, flat: table `k` at `k * 256`, where table 0 is the
/// one-byte table and table `k` advances its entry by `k` more zero bytes.
struct SlicingTables<Word: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable {
    private let entries: [Word]

    init(polynomial: Word) {
        var entries = [Word](repeating: 0, count: 8 * 256)
        for index in 0..<256 {
            var crc = Word(index)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            entries[index] = crc
        }
        for table in 1..<8 {
            for index in 0..<256 {
                let previous = entries[(table - 1) * 256 + index]
                entries[table * 256 + index] = (previous >> 8) ^ entries[Int(truncatingIfNeeded: previous & 0xFF)]
            }
        }
        self.entries = entries
    }

    /// The running (not yet inverted) CRC `crc` advanced over `bytes`.
    @inline(__always)
    func update(_ crc: Word, with bytes: UnsafeRawBufferPointer) -> Word {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        return entries.withUnsafeBufferPointer { table in
            var crc = crc
            var offset = 0
            let count = bytes.count
            // Eight bytes per step: the word's low bytes (those the CRC register overlaps) go through the tables
            // that advance them furthest.
            while count - offset >= 8 {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                crc = Self.step(crc, word, table)
                offset += 8
            }
            while offset < count {
                let byte = Word(base.load(fromByteOffset: offset, as: UInt8.self))
                crc = table[Int(truncatingIfNeeded: (crc ^ byte) & 0xFF)] ^ (crc >> 8)
                offset += 1
            }
            return crc
        }
    }

    /// Eight bytes at once; the same for both widths: a 32-bit register overlaps the word's first four bytes and
    /// has nothing left after the step, a 64-bit one overlaps all eight.
    @inline(__always)
    private static func step(_ crc: Word, _ word: UInt64, _ tables: UnsafeBufferPointer<Word>) -> Word {
        let mixed = UInt64(truncatingIfNeeded: crc) ^ word
        @inline(__always)
        func entry(_ table: Int, _ shift: UInt64) -> Word {
            // `table` is 0...7 and the index a byte: always inside the 2,048 entries.
            tables[table &* 256 &+ Int(truncatingIfNeeded: (mixed &>> shift) & 0xFF)]
        }
        return entry(7, 0) ^ entry(6, 8) ^ entry(5, 16) ^ entry(4, 24) ^ entry(3, 32) ^ entry(2, 40)
            ^ entry(1, 48) ^ entry(0, 56)
    }
}
