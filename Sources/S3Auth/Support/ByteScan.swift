/// Scans of byte buffers eight bytes (one word) at a time, for the query readers: a query is mostly runs of plain
/// bytes between a few delimiters, and a byte loop spends most of its time on the runs.
enum ByteScan {
    static let lanes: UInt64 = 0x0101_0101_0101_0101
    static let high: UInt64 = 0x8080_8080_8080_8080

    /// The top bit of each byte lane of `word` that is zero, exactly (no borrow between lanes).
    @inline(__always)
    static func zeroLanes(_ word: UInt64) -> UInt64 {
        ~(((word & ~high) &+ ~high) | word) & high
    }

    /// The top bit of each lane of `word` equal to `byte`.
    @inline(__always)
    static func lanes(of byte: UInt8, in word: UInt64) -> UInt64 {
        zeroLanes(word ^ (UInt64(byte) &* lanes))
    }

    /// The index of the first lane (in memory order) whose top bit is set in `mask`, which is not zero.
    @inline(__always)
    static func firstLane(_ mask: UInt64) -> Int {
        mask.trailingZeroBitCount >> 3
    }

    /// The eight bytes of `bytes` from `offset`, lane 0 the first.
    @inline(__always)
    static func word(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The index of the first `byte` in `bytes[start..<end]`, or `end`.
    static func firstIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int {
        var index = start
        while index + 8 <= end {
            let found = lanes(of: byte, in: word(bytes, index))
            if found != 0 { return index + firstLane(found) }
            index += 8
        }
        while index < end, bytes[index] != byte { index += 1 }
        return index
    }

    /// How many bytes of `bytes[start...]` are `byte`.
    static func count(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var count = 0
        var index = start
        while index + 8 <= bytes.count {
            count += lanes(of: byte, in: word(bytes, index)).nonzeroBitCount
            index += 8
        }
        while index < bytes.count {
            if bytes[index] == byte { count += 1 }
            index += 1
        }
        return count
    }

    /// The index of the first `first` or `second` in `bytes[start..<end]`, or `end`.
    static func firstIndex(
        of first: UInt8,
        or second: UInt8,
        in bytes: UnsafeRawBufferPointer,
        from start: Int,
        to end: Int
    ) -> Int {
        var index = start
        while index + 8 <= end {
            let current = word(bytes, index)
            let found = lanes(of: first, in: current) | lanes(of: second, in: current)
            if found != 0 { return index + firstLane(found) }
            index += 8
        }
        while index < end, bytes[index] != first, bytes[index] != second { index += 1 }
        return index
    }

    /// Whether `bytes` are ASCII without `%`: a query name that is its own decoding.
    static func isPlain(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index + 8 <= bytes.count {
            let current = word(bytes, index)
            guard current & high | lanes(of: UInt8(ascii: "%"), in: current) == 0 else { return false }
            index += 8
        }
        while index < bytes.count {
            guard bytes[index] < 0x80, bytes[index] != UInt8(ascii: "%") else { return false }
            index += 1
        }
        return true
    }

    /// The top bit of each lane of the ASCII `word` whose byte is in `low...top`; exact, since no lane of an ASCII
    /// word carries into the next.
    @inline(__always)
    static func lanes(of word: UInt64, within low: UInt8, _ top: UInt8) -> UInt64 {
        // Lane x: x + (0x80 - low) has its top bit set when x >= low; x + (0x7f - top) when x > top.
        let atLeast = word &+ UInt64(0x80 - low) &* lanes
        let above = word &+ UInt64(0x7f - top) &* lanes
        return atLeast & ~above & high
    }

    /// Whether every byte of `bytes` is `0-9` or `a-f`.
    static func isLowercaseHex(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index + 8 <= bytes.count {
            let current = word(bytes, index)
            guard current & high == 0,
                lanes(of: current, within: UInt8(ascii: "0"), UInt8(ascii: "9"))
                    | lanes(of: current, within: UInt8(ascii: "a"), UInt8(ascii: "f")) == high
            else { return false }
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            guard byte &- UInt8(ascii: "0") < 10 || byte &- UInt8(ascii: "a") < 6 else { return false }
            index += 1
        }
        return true
    }
}
