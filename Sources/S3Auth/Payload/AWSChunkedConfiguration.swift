/// How an aws-chunked body is framed and what it must prove, as its request headers declared (spec §5.5).
public struct AWSChunkedConfiguration: Sendable {
    /// The `x-amz-content-sha256` literal that chose the framing.
    public enum Framing: Hashable, Sendable {
        /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: signed chunks, no trailer.
        case signedChunks
        /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks, then a trailer with its own signature.
        case signedChunksWithTrailer
        /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: plain chunks, then a checksum trailer.
        case unsignedChunksWithTrailer
    }

    /// The framing.
    public var framing: Framing
    /// The chain that signed chunks are checked against; `nil` exactly when the framing is unsigned.
    public var signatures: ChunkSignatureChain?
    /// The checksum the trailer must carry (`x-amz-trailer`), or `nil` when none was declared.
    public var trailerChecksum: ChecksumAlgorithm?
    /// `x-amz-decoded-content-length`: the length of the data once the framing is removed.
    public var decodedContentLength: Int
    /// The longest chunk accepted. Signed chunks are held until their signature is checked, so this bounds memory.
    public var maxChunkSize: Int

    /// A configuration; the verifier builds one from the headers of each aws-chunked request.
    public init(
        framing: Framing,
        signatures: ChunkSignatureChain?,
        trailerChecksum: ChecksumAlgorithm?,
        decodedContentLength: Int,
        maxChunkSize: Int = 16 * 1024 * 1024
    ) {
        self.framing = framing
        self.signatures = signatures
        self.trailerChecksum = trailerChecksum
        self.decodedContentLength = decodedContentLength
        self.maxChunkSize = maxChunkSize
    }

    /// Whether a trailer section follows the final chunk.
    var hasTrailer: Bool { framing != .signedChunks }
}
