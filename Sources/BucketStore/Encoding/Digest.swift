internal import Crypto

/// MD5 of bytes in memory (Content-MD5 of XML bodies, the multipart ETag).
enum Digest {
    static func md5(_ bytes: [UInt8]) -> [UInt8] {
        var hash = Insecure.MD5()
        bytes.withUnsafeBytes { hash.update(bufferPointer: $0) }
        return Array(hash.finalize())
    }
}
