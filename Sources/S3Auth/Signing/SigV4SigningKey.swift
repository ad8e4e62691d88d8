import Crypto

/// The key that signs every string to sign of one access key, day, region and service (spec §5.3):
/// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
///
/// Deriving it costs four HMACs, so verifiers keep it in a ``SigningKeyCache``; it is as secret as the secret
/// access key for its scope.
public struct SigV4SigningKey: Sendable {
    private let key: SymmetricKey
    /// SHA-256 after the inner pad (`key` XOR 0x36, one block) and after the outer pad (XOR 0x5c): each signature
    /// copies them instead of starting over, and feeds them through the non-generic `update(bufferPointer:)`
    /// (`HMAC.update(data:)` runs as unspecialised `DataProtocol` code, about 400 instructions a call).
    private let inner: SHA256
    private let outer: SHA256

    /// The key derived from `secretAccessKey` for `scope`.
    public init(secretAccessKey: String, scope: CredentialScope) {
        // The four HMACs through the same non-generic updates as the signatures.
        var key = Array("AWS4\(secretAccessKey)".utf8)
        for step in [scope.date, scope.region, scope.service, "aws4_request"] {
            var step = step
            let digest = key.withUnsafeBytes { key in
                let (inner, outer) = Self.pads(key)
                return step.withUTF8 { Self.mac(inner, outer, UnsafeRawBufferPointer($0)) }
            }
            key = digest.withUnsafeBytes { Array($0) }
        }
        self.key = SymmetricKey(data: key)
        (inner, outer) = key.withUnsafeBytes { Self.pads($0) }
    }

    /// SHA-256 after HMAC's inner and outer pads of `key` (hashed first when longer than a block).
    private static func pads(_ key: UnsafeRawBufferPointer) -> (SHA256, SHA256) {
        if key.count > SHA256.blockByteCount {
            var hasher = SHA256()
            hasher.update(bufferPointer: key)
            return hasher.finalize().withUnsafeBytes { pads($0) }
        }
        var inner = SHA256()
        var outer = SHA256()
        // The key zero-padded to a block, XOR 0x36 and XOR 0x5c.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: SHA256.blockByteCount) { pad in
            for index in 0..<pad.count { pad[index] = (index < key.count ? key[index] : 0) ^ 0x36 }
            inner.update(bufferPointer: UnsafeRawBufferPointer(pad))
            for index in 0..<pad.count { pad[index] = (index < key.count ? key[index] : 0) ^ 0x5c }
            outer.update(bufferPointer: UnsafeRawBufferPointer(pad))
        }
        return (inner, outer)
    }

    /// HMAC-SHA256 of `bytes` from the pads' states: `SHA256(outer pad ‖ SHA256(inner pad ‖ bytes))`.
    private static func mac(_ inner: SHA256, _ outer: SHA256, _ bytes: UnsafeRawBufferPointer) -> SHA256.Digest {
        var inner = inner
        inner.update(bufferPointer: bytes)
        let innerHash = inner.finalize()
        var outer = outer
        innerHash.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }

    /// The key as lower-case hex, for test vectors.
    public var hex: String {
        key.withUnsafeBytes { Hex.encode($0) }
    }

    /// The lower-case hex signature of `stringToSign`.
    public func signature(for stringToSign: StringToSign) -> String {
        signature(for: stringToSign.text)
    }

    /// The lower-case hex signature of the UTF-8 bytes of `text`.
    public func signature(for text: String) -> String {
        Hex.encode(authenticationCode(for: Array(text.utf8)))
    }

    /// Whether `signature` (64 lower-case hex digits) signs `text`, compared in constant time.
    public func isValidSignature(_ signature: String, for text: String) -> Bool {
        isValidSignature(signature, for: Array(text.utf8))
    }

    /// Whether `signature` (64 lower-case hex digits) signs `bytes`, compared in constant time.
    func isValidSignature(_ signature: String, for bytes: [UInt8]) -> Bool {
        authenticationCode(for: bytes).withUnsafeBytes { Hex.constantTimeEquals(hex: signature, $0) }
    }

    /// The HMAC-SHA256 of `bytes` with this key.
    func authenticationCode(for bytes: [UInt8]) -> SHA256.Digest {
        bytes.withUnsafeBytes { authenticationCode(for: $0) }
    }

    /// The HMAC-SHA256 of `bytes` with this key.
    func authenticationCode(for bytes: UnsafeRawBufferPointer) -> SHA256.Digest {
        Self.mac(inner, outer, bytes)
    }
}

extension SHA256 {
    /// The SHA-256 of `bytes`, through the non-generic `update(bufferPointer:)` (`hash(data:)` is generic over
    /// `DataProtocol` and runs unspecialised).
    static func digest(of bytes: [UInt8]) -> SHA256.Digest {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return hasher.finalize()
    }
}
