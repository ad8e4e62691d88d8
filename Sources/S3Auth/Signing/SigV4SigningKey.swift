import AccessPointCore
import Crypto

/// The key that signs every string to sign of one access key, day, region and service (spec §5.3):
/// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
///
/// Deriving it costs four HMACs, so verifiers keep it in a ``SigningKeyCache``; it is as secret as the secret
/// access key for its scope.
public struct SigV4SigningKey: Sendable {
    private let key: SymmetricKey
    /// SHA-256 after the inner pad (`key` XOR 0x36, one block) and after the outer pad (XOR 0x5c): each signature
    /// copies them instead of starting over. Plain values (``SHA256State``): a copy is 112 bytes, not an object.
    private let inner: SHA256State
    private let outer: SHA256State

    /// The key derived from `secretAccessKey` for `scope`.
    public init(secretAccessKey: String, scope: CredentialScope) {
        // The four HMACs through the same pads and updates as the signatures.
        var key = Array("AWS4\(secretAccessKey)".utf8)
        for step in [scope.date, scope.region, scope.service, "aws4_request"] {
            let digest = key.withUnsafeBytes { key in
                let (inner, outer) = Self.pads(key)
                return step.withUTF8Bytes { Self.mac(inner, outer, UnsafeRawBufferPointer($0)) }
            }
            key = digest.withUnsafeBytes { Array($0) }
        }
        self.key = SymmetricKey(data: key)
        (inner, outer) = key.withUnsafeBytes { Self.pads($0) }
    }

    /// SHA-256 after HMAC's inner and outer pads of `key` (hashed first when longer than a block).
    private static func pads(_ key: UnsafeRawBufferPointer) -> (SHA256State, SHA256State) {
        if key.count > SHA256State.blockByteCount {
            return SHA256State.digest(of: key).withUnsafeBytes { pads($0) }
        }
        var inner = SHA256State()
        var outer = SHA256State()
        // The key zero-padded to a block, XOR 0x36 and XOR 0x5c.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: SHA256State.blockByteCount) { pad in
            for index in 0..<pad.count { pad[index] = (index < key.count ? key[index] : 0) ^ 0x36 }
            inner.update(UnsafeRawBufferPointer(pad))
            for index in 0..<pad.count { pad[index] = (index < key.count ? key[index] : 0) ^ 0x5c }
            outer.update(UnsafeRawBufferPointer(pad))
        }
        return (inner, outer)
    }

    /// HMAC-SHA256 of `bytes` from the pads' states: `SHA256(outer pad ‖ SHA256(inner pad ‖ bytes))`.
    private static func mac(
        _ inner: SHA256State,
        _ outer: SHA256State,
        _ bytes: UnsafeRawBufferPointer
    )
        -> SHA256Value
    {
        var inner = inner
        inner.update(bytes)
        let innerHash = inner.finalize()
        var outer = outer
        innerHash.withUnsafeBytes { outer.update($0) }
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
        authenticationCode(for: Array(text.utf8)).withUnsafeBytes { Hex.encode($0) }
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
    func authenticationCode(for bytes: [UInt8]) -> SHA256Value {
        bytes.withUnsafeBytes { authenticationCode(for: $0) }
    }

    /// The HMAC-SHA256 of `bytes` with this key.
    func authenticationCode(for bytes: UnsafeRawBufferPointer) -> SHA256Value {
        Self.mac(inner, outer, bytes)
    }
}
