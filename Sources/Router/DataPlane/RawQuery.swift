import AccessPointCore
import Glibc

/// The raw query scans of every request, on contiguous UTF-8 with `memchr`: the same answers as
/// `ForwardedRequest.query(_:contains:)` and `ForwardedRequest.query(_:)` (QuerySplitTests hold them to it), which
/// compare through generic collection code and closures per position: the two scans of a presigned GET's query
/// (about 300 bytes) were about 7,000 instructions of `aprouter-bench router-request`'s 137,000.
enum RawQuery {
    /// What a presigned URL's SigV4 parameters start with.
    static let presignPrefix: StaticString = "X-Amz-"

    /// Whether `needle` (ASCII) appears anywhere in the raw query `raw`, compared on bytes.
    static func contains(_ raw: String, _ needle: StaticString) -> Bool {
        raw.withUTF8Bytes { bytes in
            needle.withUTF8Buffer { needle in firstIndex(of: needle, in: bytes) != nil }
        }
    }

    /// `raw` without the presigned URL's `X-Amz-` parameters: pieces end at `&`, empty pieces go, the rest keep
    /// their order; a query that does not contain `X-Amz-` at all is returned as it is.
    static func forwarded(_ raw: String) -> String {
        let kept = raw.withUTF8Bytes { bytes -> String? in
            guard presignPrefix.withUTF8Buffer({ firstIndex(of: $0, in: bytes) }) != nil else { return nil }
            // What is kept, counted first: a presigned GET keeps nothing, and then no storage is made.
            var length = 0
            forEachKeptPiece(bytes) { piece in length += (length == 0 ? 0 : 1) + piece.count }
            guard length > 0 else { return "" }
            return String(unsafeUninitializedCapacity: length) { out in
                var written = 0
                forEachKeptPiece(bytes) { piece in
                    if written > 0 {
                        out[written] = UInt8(ascii: "&")
                        written += 1
                    }
                    for byte in piece {
                        out[written] = byte
                        written += 1
                    }
                }
                return written
            }
        }
        return kept ?? raw
    }

    /// Each non-empty `&`-separated piece of `bytes` that does not start with `X-Amz-`; `memchr` finds the `&`s.
    private static func forEachKeptPiece(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>.SubSequence) -> Void
    ) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        while start < bytes.count {
            let end =
                memchr(base + start, Int32(UInt8(ascii: "&")), bytes.count - start).map {
                    base.distance(to: $0.assumingMemoryBound(to: UInt8.self))
                } ?? bytes.count
            let piece = bytes[start..<end]
            if !piece.isEmpty, !hasPresignPrefix(piece) { body(piece) }
            start = end + 1
        }
    }

    /// Whether `piece` starts with `X-Amz-`.
    static func hasPresignPrefix(_ piece: UnsafeBufferPointer<UInt8>.SubSequence) -> Bool {
        presignPrefix.withUTF8Buffer { prefix in
            guard piece.count >= prefix.count else { return false }
            var index = piece.startIndex
            for byte in prefix {
                guard piece[index] == byte else { return false }
                index += 1
            }
            return true
        }
    }

    /// The first position of `needle` in `bytes`; an empty needle is found at 0. `memchr` finds each candidate
    /// first byte.
    static func firstIndex(of needle: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        guard let first = needle.first else { return 0 }
        guard let base = bytes.baseAddress else { return nil }
        var start = 0
        let last = bytes.count - needle.count
        while start <= last {
            guard let found = memchr(base + start, Int32(first), last - start + 1) else { return nil }
            start = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            var matched = 1
            while matched < needle.count, bytes[start + matched] == needle[matched] { matched += 1 }
            if matched == needle.count { return start }
            start += 1
        }
        return nil
    }
}
