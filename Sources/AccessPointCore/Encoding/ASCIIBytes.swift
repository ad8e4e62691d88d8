/// The one ASCII test on bytes that the HTTP field checks, the SigV4 code and the parsers share.
public enum ASCIIBytes {
    /// Whether every byte is below 0x80: eight bytes at a time, or'ed together and tested once at the end (names and
    /// values a few words long, where a test per word cost more than it saved). Inlinable: it is asked of field names
    /// a few bytes long, where a call would be most of the work.
    @inlinable
    public static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var bits: UInt64 = 0
        var index = 0
        while index + 8 <= bytes.count {
            bits |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            bits |= UInt64(bytes[index])
            index += 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }
}
