import S3Auth

/// The query string sent upstream: the client's parameters in their order, each name and value re-encoded with
/// S3's URI encoding, and the presigned-URL parameters of the client's own signature left out.
///
/// SigV4 canonicalises the query by decoding and re-encoding every piece (``CanonicalQuery``), and servers rebuild
/// it from what they parse; Go servers (MinIO, rclone) read `+` as a space while our signer reads it as a plus. Sending
/// the query already in canonical encoding leaves nothing for either side to interpret differently.
enum UpstreamQuery {
    /// Query parameters a presigned client request carries for its own signature; they mean nothing upstream.
    static let presignParameters: Set<String> = [
        "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires", "x-amz-signedheaders",
        "x-amz-signature", "x-amz-security-token",
    ]

    /// `raw` (percent-encoded, without `?`) with every piece re-encoded; a piece without `=` keeps none
    /// (`uploads`, `tagging`).
    static func normalized(_ raw: String) -> String {
        var pieces: [String] = []
        for piece in raw.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = piece.firstIndex(of: UInt8(ascii: "="))
            let name = CanonicalQuery.percentDecode(piece[..<(equals ?? piece.endIndex)])
            if presignParameters.contains(String(decoding: name, as: UTF8.self).lowercased()) { continue }
            var encoded = CanonicalQuery.uriEncode(name)
            if let equals {
                encoded +=
                    "=" + CanonicalQuery.uriEncode(CanonicalQuery.percentDecode(piece[piece.index(after: equals)...]))
            }
            pieces.append(encoded)
        }
        return pieces.joined(separator: "&")
    }
}
