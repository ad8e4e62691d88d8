public import AccessPointCore

/// What an HTTP/1.1 field may hold on the wire, checked before one is written: a name that is a token (RFC 9110
/// §5.1) and a value of visible characters, spaces, tabs and obs-text (§5.5), the rules of NIOHTTP1's validators.
/// Anything else, a CR LF above all, would let a value written from outside input split the message.
///
/// Every check promises the optimizer that it releases nothing (`@_effects(releasenone)`, as swift-collections marks
/// its hash-table and bit-set primitives): each only reads the bytes it is given, or the string's own (a string
/// whose bytes are not contiguous, which only Objective-C bridging makes, is read byte by byte without copying). A
/// caller in another module that loops over fields held in an array then checks each without retaining and releasing
/// its strings around the call, two of each per field otherwise.
public enum HTTPFieldSyntax {
    @_effects(releasenone)
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && (name.utf8.withContiguousStorageIfAvailable { isValidName(UnsafeRawBufferPointer($0)) }
                ?? name.utf8.allSatisfy(isTokenByte))
    }

    /// Every byte a token byte (an empty name passes: the caller decides on that). Eight bytes at a time: a word of
    /// letters, digits and `-` (nearly every name sent) passes in one test, any other is looked at byte by byte;
    /// a name's last word overlaps the one before rather than leaving a tail.
    @_effects(releasenone)
    public static func isValidName(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        guard count >= 8 else {
            for index in 0..<count where !isTokenByte(bytes[index]) { return false }
            return true
        }
        var index = 0
        while true {
            if !isAlphanumericOrDash(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                for offset in index..<(index + 8) where !isTokenByte(bytes[offset]) { return false }
            }
            if index + 8 == count { return true }
            index = min(index + 8, count - 8)
        }
    }

    /// Whether all eight bytes of `word` are ASCII letters, digits or `-`. For a byte `x` below 0x80,
    /// `x + (0x80 - low)` sets its high bit when `x >= low`, and `x + (0x7F - high)` when `x > high`, neither
    /// carrying into the next byte.
    @inline(__always)
    static func isAlphanumericOrDash(_ word: UInt64) -> Bool {
        let highs: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        guard word & highs == 0 else { return false }
        @inline(__always) func within(_ low: UInt8, _ high: UInt8) -> UInt64 {
            (word &+ ones &* UInt64(0x80 - low)) & ~(word &+ ones &* UInt64(0x7F - high)) & highs
        }
        let passing =
            within(UInt8(ascii: "a"), UInt8(ascii: "z")) | within(UInt8(ascii: "A"), UInt8(ascii: "Z"))
            | within(UInt8(ascii: "0"), UInt8(ascii: "9")) | within(UInt8(ascii: "-"), UInt8(ascii: "-"))
        return passing == highs
    }

    @_effects(releasenone)
    public static func isValidValue(_ value: String) -> Bool {
        value.utf8.withContiguousStorageIfAvailable { isValidValue(UnsafeRawBufferPointer($0)) }
            ?? value.utf8.allSatisfy(isValueByte)
    }

    /// ``isValueByte`` for every byte, eight at a time (``allPass(_:lowest:_:)``). Every response field is checked
    /// as it is written, and every field forwarded to a store.
    @_effects(releasenone)
    public static func isValidValue(_ bytes: UnsafeRawBufferPointer) -> Bool {
        allPass(bytes, lowest: 0x20, isValueByte)
    }

    /// Whether every byte is ASCII (``AccessPointCore/ASCIIBytes``). Inlinable: it is asked of field names a few
    /// bytes long.
    @inlinable
    public static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        ASCIIBytes.isASCII(bytes)
    }

    /// Whether every byte passes `passes`, which every byte from `lowest` to 0x7E must pass, eight at a time: a word
    /// of such bytes passes in one test, and only a word that may hold another (0x80 or more, below `lowest`, or
    /// DEL) is looked at byte by byte. Header values and request targets are mostly such words.
    @inlinable @inline(__always)
    static func allPass(_ bytes: UnsafeRawBufferPointer, lowest: UInt8, _ passes: (UInt8) -> Bool) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        while index + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            // A byte below `lowest`, or equal to 0x7F, sets its high bit here (exact for words of ASCII).
            let below = (word &- ones &* UInt64(lowest)) & ~word & highs
            let delete = ((word ^ (ones &* 0x7F)) &- ones) & ~(word ^ (ones &* 0x7F)) & highs
            if (word & highs) | below | delete != 0 {
                for offset in index..<(index + 8) where !passes(bytes[offset]) { return false }
            }
            index += 8
        }
        while index < bytes.count {
            guard passes(bytes[index]) else { return false }
            index += 1
        }
        return true
    }

    /// `tchar`: letters, digits and ``!#$%&'*+-.^_`|~``. A bit per byte below 128, in two words: a shift and a
    /// test per byte, where a `switch` of ranges took a chain of comparisons.
    @inlinable
    public static func isTokenByte(_ byte: UInt8) -> Bool {
        // Bytes 0–63: `!#$%&'*+-.` and the digits; 64–127: the letters and `^_`|~`.
        let low: UInt64 = 0x03FF_6CFA_0000_0000
        let high: UInt64 = 0x57FF_FFFF_C7FF_FFFE
        return byte < 64 ? (low >> byte) & 1 != 0 : byte < 128 && (high >> (byte & 63)) & 1 != 0
    }

    /// Any byte but the control characters other than tab (NUL, CR and LF among them) and DEL.
    @inlinable
    public static func isValueByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\t") || (byte >= 0x20 && byte != 0x7F)
    }
}
