import Crypto

/// The ECDSA P-256 key of an access key for SigV4A, the signature of Multi-Region Access Points (spec §5.6).
///
/// SigV4A derives one key pair per access key, independent of date and region, with the NIST SP 800-108
/// counter KDF over HMAC-SHA256: for c = 1, 2, …,
/// `k0 = HMAC("AWS4A" + secret, 0x00000001 ‖ "AWS4-ECDSA-P256-SHA256" ‖ 0x00 ‖ AKID ‖ c ‖ 0x00000100)`, and the
/// first `k0 ≤ n − 2` gives the private scalar `d = k0 + 1`. Signatures are randomised, so they are verified,
/// never recomputed.
public struct SigV4AKey: Sendable {
    /// The algorithm name in headers, query parameters and strings to sign.
    public static let algorithm = "AWS4-ECDSA-P256-SHA256"

    /// The order of P-256 minus two, big-endian.
    private static let orderMinusTwo: [UInt8] =
        Hex.decode(
            "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254f",
            count: 32
        ) ?? []

    private let privateKey: P256.Signing.PrivateKey

    /// The key of `accessKeyID` and `secretAccessKey`; `nil` only if 254 counters all fail, which happens with
    /// probability below 2^-8000.
    public init?(accessKeyID: String, secretAccessKey: String) {
        let inputKey = SymmetricKey(data: Array("AWS4A\(secretAccessKey)".utf8))
        for counter in UInt8(1)...UInt8(254) {
            var fixedInput: [UInt8] = [0, 0, 0, 1]
            fixedInput += Array(Self.algorithm.utf8)
            fixedInput.append(0)
            fixedInput += Array(accessKeyID.utf8)
            fixedInput.append(counter)
            fixedInput += [0, 0, 1, 0]
            let k0 = Array(HMAC<SHA256>.authenticationCode(for: fixedInput, using: inputKey))
            guard k0 == Self.orderMinusTwo || k0.lexicographicallyPrecedes(Self.orderMinusTwo) else { continue }
            guard let key = try? P256.Signing.PrivateKey(rawRepresentation: Self.incremented(k0)) else { continue }
            self.privateKey = key
            return
        }
        return nil
    }

    /// The private scalar `d` as lower-case hex, for test vectors.
    public var privateScalarHex: String { Hex.encode(privateKey.rawRepresentation) }

    /// The public point as lower-case hex `(x, y)`.
    public var publicKeyHex: (x: String, y: String) {
        let raw = Array(privateKey.publicKey.rawRepresentation)
        return (Hex.encode(raw.prefix(32)), Hex.encode(raw.suffix(32)))
    }

    /// Whether `signature` (hex DER) is a valid ECDSA signature over the SHA-256 of `text`.
    public func isValidSignature(_ signature: String, for text: String) -> Bool {
        guard let der = Hex.decode(signature),
            let parsed = try? P256.Signing.ECDSASignature(derRepresentation: der)
        else { return false }
        return privateKey.publicKey.isValidSignature(parsed, for: Array(text.utf8))
    }

    /// A fresh hex DER signature of `text`, as a SigV4A client makes one.
    public func signature(for text: String) -> String {
        guard let signature = try? privateKey.signature(for: Array(text.utf8)) else {
            preconditionFailure("P-256 signing with a valid key cannot fail")
        }
        return Hex.encode(signature.derRepresentation)
    }

    /// `bytes + 1` as a 32-byte big-endian number; never overflows because `bytes ≤ n − 2`.
    private static func incremented(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        for index in result.indices.reversed() {
            let (sum, overflow) = result[index].addingReportingOverflow(1)
            result[index] = sum
            if !overflow { break }
        }
        return result
    }
}
