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
            let name = percentDecode(piece[..<(equals ?? piece.endIndex)])
            if presignParameters.contains(String(decoding: name, as: UTF8.self).lowercased()) { continue }
            var encoded = CanonicalQuery.uriEncode(name)
            if let equals {
                encoded += "=" + CanonicalQuery.uriEncode(percentDecode(piece[piece.index(after: equals)...]))
            }
            pieces.append(encoded)
        }
        return pieces.joined(separator: "&")
    }

    /// `bytes` with each valid `%XX` replaced by its byte; anything else, a stray `%` included, is kept as it is,
    /// which is how ``CanonicalQuery`` reads it too.
    static func percentDecode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(input[index])
                index += 1
            }
        }
        return out
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
