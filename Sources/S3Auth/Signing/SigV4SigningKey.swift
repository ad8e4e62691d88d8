import Crypto

/// The key that signs every string to sign of one access key, day, region and service (spec §5.3):
/// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
///
/// Deriving it costs four HMACs, so verifiers keep it in a ``SigningKeyCache``; it is as secret as the secret
/// access key for its scope.
public struct SigV4SigningKey: Sendable {
    private let key: SymmetricKey
    /// HMAC with `key`, its inner and outer pads already hashed: each signature copies it instead of starting over.
    private let mac: HMAC<SHA256>

    /// The key derived from `secretAccessKey` for `scope`.
    public init(secretAccessKey: String, scope: CredentialScope) {
        var key = SymmetricKey(data: Array("AWS4\(secretAccessKey)".utf8))
        for step in [scope.date, scope.region, scope.service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(step.utf8), using: key)))
        }
        self.key = key
        self.mac = HMAC(key: key)
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
    func authenticationCode(for bytes: [UInt8]) -> HashedAuthenticationCode<SHA256> {
        var mac = self.mac
        mac.update(data: bytes)
        return mac.finalize()
    }

    /// The HMAC-SHA256 of `bytes` with this key.
    func authenticationCode(for bytes: UnsafeRawBufferPointer) -> HashedAuthenticationCode<SHA256> {
        var mac = self.mac
        mac.update(data: bytes)
        return mac.finalize()
    }
}
