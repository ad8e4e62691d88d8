import AccessPointCore

/// The meaning of an `x-amz-content-sha256` value (spec §5.5), settled before the signature is checked so that a
/// nonsense value is refused as such.
enum PayloadMode: Sendable {
    case sha256(String)
    case unsigned
    case awsChunked(AWSChunkedConfiguration.Framing)

    static let unsignedPayload = PayloadHash.unsignedPayload

    init(payloadHash: String, location: SigV4Authentication.Location) throws(S3Error) {
        // The usual value, a lower-case SHA-256, first: no literal below is 64 bytes long.
        if Hex.isLowercaseHex(payloadHash, count: 32) {
            self = .sha256(payloadHash)
            return
        }
        switch payloadHash {
        case Self.unsignedPayload: self = .unsigned
        case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD": self = .awsChunked(.signedChunks)
        case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER": self = .awsChunked(.signedChunksWithTrailer)
        case "STREAMING-UNSIGNED-PAYLOAD-TRAILER": self = .awsChunked(.unsignedChunksWithTrailer)
        case "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER":
            throw S3Error.notImplemented.because("SigV4A-signed aws-chunked bodies are not supported yet.")
        default:
            // Lower-casing a value that is already lower-case hex (every SDK sends that) gives the value itself.
            let lowercased = Hex.isLowercaseHex(payloadHash, count: 32) ? payloadHash : payloadHash.lowercased()
            guard Hex.isLowercaseHex(lowercased, count: 32) else {
                throw S3Error.invalidArgument
                    .because(
                        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                            + "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER "
                            + "or a valid sha256 value."
                    )
                    .adding("ArgumentName", "x-amz-content-sha256")
                    .adding("ArgumentValue", String(payloadHash.prefix(256)))
            }
            self = .sha256(lowercased)
        }
        if case .awsChunked = self, location == .query {
            throw S3Error.invalidRequest.because("Presigned URLs cannot carry aws-chunked bodies.")
        }
    }

    /// What the body must prove; `chain` starts at the verified seed signature (`nil` for SigV4A, whose signed
    /// chunks this library does not decode yet).
    func requirement(
        request: SigV4Request,
        chain: ChunkSignatureChain?,
        maxChunkSize: Int
    ) throws(S3Error) -> PayloadRequirement {
        switch self {
        case .sha256(let hash): return .sha256(hash)
        case .unsigned: return .unsigned
        case .awsChunked(let framing):
            guard let lengthText = request.value(ofLowercased: "x-amz-decoded-content-length") else {
                throw S3Error.missingContentLength.because(
                    "You must provide the x-amz-decoded-content-length header for aws-chunked uploads."
                )
            }
            guard !lengthText.isEmpty, lengthText.utf8.count <= 15,
                lengthText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let length = Int(lengthText)
            else {
                throw S3Error.invalidArgument.because("x-amz-decoded-content-length must be a number.")
                    .adding("ArgumentName", "x-amz-decoded-content-length")
            }
            let signatures = framing == .unsignedChunksWithTrailer ? nil : chain
            guard framing == .unsignedChunksWithTrailer || signatures != nil else {
                throw S3Error.invalidRequest.because(
                    "Signed aws-chunked bodies need an AWS4-HMAC-SHA256 seed signature."
                )
            }
            var checksum: ChecksumAlgorithm?
            if let trailer = request.value(ofLowercased: "x-amz-trailer").map(CanonicalRequest.canonicalValue),
                !trailer.isEmpty
            {
                guard framing != .signedChunks, let algorithm = ChecksumAlgorithm(headerName: trailer) else {
                    throw S3Error.invalidRequest.because(
                        "The value specified in the x-amz-trailer header is not supported"
                    )
                }
                checksum = algorithm
            }
            return .awsChunked(
                AWSChunkedConfiguration(
                    framing: framing,
                    signatures: signatures,
                    trailerChecksum: checksum,
                    decodedContentLength: length,
                    maxChunkSize: maxChunkSize
                )
            )
        }
    }
}
