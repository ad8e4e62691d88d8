public import AccessPointCore
import Crypto

/// Checks a raw body against the hex SHA-256 its `x-amz-content-sha256` header promised, as the body streams past.
///
/// Feed every piece to ``update(_:)`` and call ``finish()`` at the end; a mismatch is S3's
/// `XAmzContentSHA256Mismatch` with both hashes, so the client can see which bytes it really sent.
public struct PayloadSHA256Checker: Sendable {
    /// The lower-case hex hash the client promised.
    public let expected: String
    private var hasher = SHA256()
    /// The number of body bytes seen so far.
    public private(set) var byteCount = 0

    /// A checker for a body that must hash to `expected` (64 hex digits).
    public init(expected: String) {
        self.expected = expected.lowercased()
    }

    /// Adds the next piece of the body.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let array = Array(bytes)
        byteCount += array.count
        hasher.update(data: array)
    }

    /// The streaming form: hashes the bytes where they lie, without copying them.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        byteCount += bytes.count
        hasher.update(bufferPointer: bytes)
    }

    /// Whether the body seen so far matches; the error names both hashes when it does not.
    public func finish() throws(S3Error) {
        let computed = Hex.encode(hasher.finalize())
        guard constantTimeEquals(Array(computed.utf8), Array(expected.utf8)) else {
            throw S3Error.xAmzContentSHA256Mismatch
                .adding("ClientComputedContentSHA256", expected)
                .adding("S3ComputedContentSHA256", computed)
        }
    }
}
