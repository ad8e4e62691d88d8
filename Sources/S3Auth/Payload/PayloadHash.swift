import Crypto

/// The values `x-amz-content-sha256` may take (spec §5.5), and the hash that fills it for a raw body.
public enum PayloadHash {
    /// The body is not signed.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// aws-chunked with signed chunks.
    public static let streamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    /// aws-chunked with signed chunks and a signed trailer.
    public static let streamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
    /// aws-chunked with unsigned chunks and a checksum trailer (botocore's default for PutObject over HTTPS).
    public static let streamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    /// The hash of an empty body.
    public static let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The lower-case hex SHA-256 of `bytes`, the header value for a raw body.
    public static func sha256Hex(of bytes: some Sequence<UInt8>) -> String {
        Hex.encode(SHA256.hash(data: Array(bytes)))
    }
}
