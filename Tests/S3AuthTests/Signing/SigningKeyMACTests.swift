import Crypto
import Testing

@testable import S3Auth

/// The signing key's HMAC, from its own padded SHA-256 states, answers as swift-crypto's `HMAC<SHA256>` with the
/// same key, at every message length around the block boundaries.
struct SigningKeyMACTests {
    static let key = SigV4SigningKey(
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        scope: CredentialScope(date: "20261126", region: "us-west-2")
    )

    @Test(arguments: [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 133, 200, 1000])
    func answersAsHMAC(_ length: Int) throws {
        let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let keyBytes = try #require(Hex.decode(Self.key.hex))
        let expected = Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: keyBytes)))
        #expect(Self.key.authenticationCode(for: message).withUnsafeBytes { Array($0) } == expected)
        let text = String(decoding: message.map { $0 & 0x7f }, as: UTF8.self)
        let textMAC = HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: keyBytes))
        #expect(Self.key.signature(for: text) == Hex.encode(Array(textMAC)))
        #expect(Self.key.isValidSignature(Hex.encode(Array(textMAC)), for: text))
        #expect(SHA256State.digest(of: message).withUnsafeBytes { Array($0) } == Array(SHA256.hash(data: message)))
    }

    /// `SHA256State` answers as swift-crypto's `SHA256` for a message fed in two parts split anywhere, and a copy
    /// taken part-way goes on by itself (the pads' states are copied so).
    @Test(arguments: [0, 1, 63, 64, 65, 130])
    func stateAnswersAsSHA256(_ length: Int) {
        let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }
        let expected = Array(SHA256.hash(data: message))
        for split in 0...length {
            var state = SHA256State()
            message[..<split].withUnsafeBytes { state.update($0) }
            var copy = state
            message[split...].withUnsafeBytes { state.update($0) }
            #expect(state.finalize().withUnsafeBytes { Array($0) } == expected, "split at \(split)")
            copy.update(UnsafeRawBufferPointer(start: nil, count: 0))
            message[split...].withUnsafeBytes { copy.update($0) }
            #expect(copy.finalize().withUnsafeBytes { Array($0) } == expected, "copy at \(split)")
        }
    }

    /// The derivation answers as four `HMAC<SHA256>`s, for secrets that make the first key shorter than a block,
    /// exactly a block and longer (hashed first).
    @Test(arguments: [0, 1, 40, 59, 60, 61, 100])
    func derivesAsHMAC(_ length: Int) {
        let secret = String((0..<length).map { Character(UnicodeScalar(UInt8(0x21 + $0 % 90))) })
        let scope = CredentialScope(date: "20261126", region: "us-west-2")
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for step in [scope.date, scope.region, scope.service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(step.utf8), using: key)))
        }
        let expected = key.withUnsafeBytes { Hex.encode($0) }
        let derived = SigV4SigningKey(secretAccessKey: secret, scope: scope)
        #expect(derived.hex == expected)
        let mac = HMAC<SHA256>.authenticationCode(for: Array("text".utf8), using: key)
        #expect(derived.signature(for: "text") == Hex.encode(Array(mac)))
    }
}
