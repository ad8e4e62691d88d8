import X509

extension Certificate.SerialNumber {
    /// 16 bytes from `generator`, positive and without a leading zero byte (DER INTEGER rules), so 126 bits
    /// survive: more than the 64 random bits the CA/Browser Forum asks for, and every serial the lab mints differs.
    static func random(using generator: inout some RandomNumberGenerator) -> Certificate.SerialNumber {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for _ in 0..<2 {
            withUnsafeBytes(of: generator.next().bigEndian) { bytes.append(contentsOf: $0) }
        }
        bytes[0] = (bytes[0] & 0x7F) | 0x40
        return Certificate.SerialNumber(bytes: bytes)
    }
}
