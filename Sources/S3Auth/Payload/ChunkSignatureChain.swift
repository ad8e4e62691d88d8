/// The chain of signatures of a signed aws-chunked body (spec §5.5): each chunk's signature covers its data and the
/// signature before it, starting from the seed signature of the request headers, so chunks cannot be dropped,
/// reordered or replaced.
///
/// Chunk string to sign: `AWS4-HMAC-SHA256-PAYLOAD\n{time}\n{scope}\n{previous}\n{sha256("")}\n{sha256(data)}`;
/// trailer string to sign: `AWS4-HMAC-SHA256-TRAILER\n{time}\n{scope}\n{previous}\n{sha256(trailer lines)}`.
public struct ChunkSignatureChain: Sendable {
    /// The hex SHA-256 of the empty string, the fifth line of every chunk string to sign.
    public static let emptyHash = PayloadHash.empty

    private let key: SigV4SigningKey
    /// The request time of the seed signature.
    public let time: AmzDate
    /// The credential scope of the seed signature.
    public let scope: CredentialScope
    /// The signature the next chunk or trailer chains from.
    public private(set) var previousSignature: String

    /// A chain that starts at `seedSignature`, the signature of the request headers.
    public init(key: SigV4SigningKey, time: AmzDate, scope: CredentialScope, seedSignature: String) {
        self.key = key
        self.time = time
        self.scope = scope
        self.previousSignature = seedSignature
    }

    /// The string to sign for the next chunk, whose data hashes to `dataHash` (lower-case hex SHA-256).
    public func chunkStringToSign(dataHash: String) -> StringToSign {
        StringToSign(
            algorithm: "AWS4-HMAC-SHA256-PAYLOAD",
            time: time,
            scope: scope.string,
            tail: [previousSignature, Self.emptyHash, dataHash]
        )
    }

    /// The string to sign for the trailer, whose lines (`name:value\n` each) hash to `trailerHash`.
    public func trailerStringToSign(trailerHash: String) -> StringToSign {
        StringToSign(
            algorithm: "AWS4-HMAC-SHA256-TRAILER",
            time: time,
            scope: scope.string,
            tail: [previousSignature, trailerHash]
        )
    }

    /// Checks `signature` against `stringToSign` in constant time and, when it holds, makes it the previous
    /// signature. Returns whether it held.
    public mutating func advance(verifying signature: String, of stringToSign: StringToSign) -> Bool {
        guard key.isValidSignature(signature, for: stringToSign.text) else { return false }
        previousSignature = signature
        return true
    }

    /// Signs `stringToSign` and makes the result the previous signature; what a client (or ``SigV4Signer``) does.
    public mutating func advance(signing stringToSign: StringToSign) -> String {
        let signature = key.signature(for: stringToSign)
        previousSignature = signature
        return signature
    }
}
