import AccessPointCore

/// Header-name matching without allocating, for the verifier's and signer's hot paths.
///
/// SigV4 matches names by `name.lowercased() == wanted` (String equality). Every name an HTTP/1 parser lets through is
/// ASCII, and for ASCII both sides reduce to comparing bytes with `A-Z` folded; a name with any other byte takes the
/// String route, so the answer is the same for every input (U+212A KELVIN SIGN lower-cases to an ASCII `k`).
enum HeaderName {
    /// Whether `name.lowercased() == wanted`, for a `wanted` that is ASCII (the lower-case names SigV4 signs).
    static func matches(_ name: String, _ wanted: String) -> Bool {
        // Both read in place (a small string from a stack copy); `nil` when `name` is not ASCII.
        let folded: Bool?? = name.utf8.withContiguousStorageIfAvailable { name in
            wanted.utf8.withContiguousStorageIfAvailable { matches(name, $0) } ?? nil
        }
        guard case .some(.some(let answer)) = folded else { return name.lowercased() == wanted }
        return answer
    }

    /// Whether `name` equals `wanted` with `A-Z` folded, or `nil` when `name` is not ASCII.
    private static func matches(_ name: UnsafeBufferPointer<UInt8>, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool? {
        if name.count == wanted.count {
            // Equal after folding means every byte of `name` was ASCII, since `wanted` is.
            for index in 0..<name.count where lowercased(name[index]) != wanted[index] {
                return isASCII(UnsafeRawBufferPointer(name)) ? false : nil
            }
            return true
        }
        // An ASCII first byte lower-cases on its own (whatever follows it), so it alone can rule a name out.
        if let first = name.first, first < 0x80, lowercased(first) != wanted.first { return false }
        return isASCII(UnsafeRawBufferPointer(name)) ? false : nil
    }

    /// Whether `name`, lower-cased, starts with `prefix` (ASCII, lower-case): `name.lowercased().hasPrefix(prefix)`
    /// for an ASCII `name`; callers send other names the String way.
    static func hasASCIIPrefix(_ name: String, _ prefix: StaticString) -> Bool {
        name.withUTF8Bytes { name in
            prefix.withUTF8Buffer { prefix in
                name.count >= prefix.count && (0..<prefix.count).allSatisfy { lowercased(name[$0]) == prefix[$0] }
            }
        }
    }

    /// Whether `String(decoding: bytes, as: UTF8.self) == text` for an ASCII `text`: on bytes unless `bytes` are not
    /// ASCII, where String equality (canonical equivalence) decides.
    static func equals(_ bytes: [UInt8], _ text: String) -> Bool {
        if bytes.count == text.utf8.count {
            if text.withUTF8Bytes({ text in bytes.withUnsafeBufferPointer { sameBytes($0, text) } }) { return true }
        }
        return !bytes.withUnsafeBytes(isASCII) && String(decoding: bytes, as: UTF8.self) == text
    }

    /// Whether `bytes` are exactly the bytes of `literal`.
    @inline(__always)
    static func same(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount
            && literal.withUTF8Buffer { literal in sameBytes(bytes, literal) }
    }

    /// Whether two buffers of the same length hold the same bytes.
    static func sameBytes(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        let left = UnsafeRawBufferPointer(lhs)
        let right = UnsafeRawBufferPointer(rhs)
        var index = 0
        // Eight bytes at a time, then the rest one by one.
        while index + 8 <= lhs.count {
            guard
                left.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    == right.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            else { return false }
            index += 8
        }
        while index < lhs.count {
            guard lhs[index] == rhs[index] else { return false }
            index += 1
        }
        return true
    }

    /// Whether every byte of `text` is ASCII.
    static func isASCII(_ text: some StringProtocol) -> Bool {
        if let ascii = text.utf8.withContiguousStorageIfAvailable({ isASCII(UnsafeRawBufferPointer($0)) }) {
            return ascii
        }
        return String(text).withUTF8Bytes { isASCII(UnsafeRawBufferPointer($0)) }
    }

    /// Whether `name` is ASCII without an upper-case letter.
    static func isLowercaseASCII(_ name: String) -> Bool {
        name.utf8.allSatisfy { $0 < 0x80 && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
    }

    /// Whether every byte is ASCII (``AccessPointCore/ASCIIBytes``).
    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        ASCIIBytes.isASCII(bytes)
    }

    /// `byte` with `A-Z` folded to `a-z`.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }
}
