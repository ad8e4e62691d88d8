import Crypto

/// The string to sign of SigV4 (spec §5.3): algorithm, request time, scope and the hash of the canonical request.
///
/// Chunk and trailer signatures of aws-chunked bodies use the same four-line head with another algorithm name and
/// more lines; ``text`` renders every form.
public struct StringToSign: Hashable, Sendable {
    /// The header-signature algorithm.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// The first line, e.g. `AWS4-HMAC-SHA256`.
    public var algorithm: String
    /// The request time, rendered as `x-amz-date`.
    public var time: AmzDate
    /// The rendered credential scope.
    public var scope: String
    /// The remaining lines: the canonical request hash, or the previous signature and the hashes of a chunk.
    public var tail: [String]

    /// The string to sign for a canonical request.
    public init(time: AmzDate, scope: CredentialScope, canonicalRequest: CanonicalRequest) {
        self.init(algorithm: Self.algorithm, time: time, scope: scope.string, tail: [canonicalRequest.hash])
    }

    /// A string to sign from its parts; used for chunk, trailer and SigV4A signatures.
    public init(algorithm: String, time: AmzDate, scope: String, tail: [String]) {
        self.algorithm = algorithm
        self.time = time
        self.scope = scope
        self.tail = tail
    }

    /// The lines joined with `\n`, no final line end.
    public var text: String {
        ([algorithm, time.iso8601Basic, scope] + tail).joined(separator: "\n")
    }

    /// Appends the bytes of the ``text`` of the string to sign for a canonical request that hashes to
    /// `canonicalRequestHash`: `algorithm`, `time`, `scope` and the hash in lower-case hex, one per line.
    static func append(
        algorithm: String,
        time: AmzDate,
        scope: CredentialScope,
        canonicalRequestHash: SHA256Value,
        to out: inout [UInt8]
    ) {
        // Written on the stack and appended at once; a time whose year is outside 0...9999 takes the long way.
        let capacity =
            algorithm.utf8.count + 1 + 16 + 1 + scope.date.utf8.count + 1 + scope.region.utf8.count + 1
            + scope.service.utf8.count + 13 + 1 + 2 * SHA256Value.byteCount
        let written: Bool = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var writer = ByteWriter(buffer.baseAddress.unsafelyUnwrapped)
            writer.string(algorithm)
            writer.byte(UInt8(ascii: "\n"))
            guard time.writeISO8601Basic(to: writer.base + writer.count) else { return false }
            writer.count += 16
            writer.byte(UInt8(ascii: "\n"))
            writer.string(scope.date)
            writer.byte(UInt8(ascii: "/"))
            writer.string(scope.region)
            writer.byte(UInt8(ascii: "/"))
            writer.string(scope.service)
            writer.literal("/aws4_request")
            writer.byte(UInt8(ascii: "\n"))
            canonicalRequestHash.withUnsafeBytes { writer.hex($0) }
            out.append(contentsOf: UnsafeBufferPointer(start: writer.base, count: writer.count))
            return true
        }
        if written { return }
        out.append(contentsOf: algorithm.utf8)
        out.append(UInt8(ascii: "\n"))
        time.appendISO8601Basic(to: &out)
        out.append(UInt8(ascii: "\n"))
        scope.append(to: &out)
        out.append(UInt8(ascii: "\n"))
        canonicalRequestHash.withUnsafeBytes { Hex.append($0, to: &out) }
    }
}
