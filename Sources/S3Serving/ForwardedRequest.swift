import AccessPointCore
package import S3HTTP

/// What of a client's request a bucket store is handed once the server in front of it has authenticated it: the
/// object's own header fields (not the connection's or the signature's) and the query without a presigned URL's
/// signature parameters. Shared by the router and `aprouter store serve`, so a store sees the same request
/// whichever of them it stands behind.
package enum ForwardedRequest {
    /// Header fields that describe the client's connection or authentication, not the object. Among them
    /// `x-amz-sdk-checksum-algorithm`, which names the algorithm of a checksum the client sent in a header (kept, and
    /// checked again by an S3 store) or in its aws-chunked trailer, which the server in front checked and the body
    /// handed on no longer has: S3 refuses the field without either ("x-amz-sdk-checksum-algorithm specified, but no
    /// corresponding x-amz-checksum-* or x-amz-trailer headers were found"), so botocore's default upload,
    /// forwarded with it, would be refused by an S3 store behind the router.
    static let droppedHeaders: Set<String> = [
        "authorization", "host", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token",
        "x-amz-decoded-content-length", "content-length", "expect", "connection", "keep-alive", "transfer-encoding",
        "te", "upgrade", "proxy-authorization", "proxy-connection", "x-amz-trailer", "x-amz-copy-source",
        "x-amz-region-set", "x-amz-sdk-checksum-algorithm",
        // Checked by the router against the lab's owners; a store behind it has owners of its own.
        "x-amz-expected-bucket-owner", "x-amz-source-expected-bucket-owner",
    ]

    /// `droppedHeaders` by the length of the name: a client's field is compared in place with the few names of
    /// its length (`S3Headers.name(_:matches:)`, A-Z folded), where it was lowercased and hashed per request.
    static let droppedByLength: [[String]] = {
        var table = [[String]](repeating: [], count: (droppedHeaders.map(\.utf8.count).max() ?? 0) + 1)
        for name in droppedHeaders { table[name.utf8.count].append(name) }
        return table
    }()

    /// Whether `name` is one of `droppedHeaders`, whatever its case. Field names are ASCII tokens (an HTTP/1
    /// parser lets no other byte through), so a name of another length is none of them.
    package static func isDropped(_ name: String) -> Bool {
        let length = name.utf8.count
        guard length < droppedByLength.count else { return false }
        for candidate in droppedByLength[length] where S3Headers.name(name, matches: candidate) { return true }
        return false
    }

    /// The object's header fields, with the decoded body's `Content-Length` and the copy source the store reads.
    package static func headers(_ headers: S3Headers, body: S3Body, copySource: String?) -> S3Headers {
        var forwarded: S3Headers = [:]
        forwarded.reserveCapacity(headers.fields.count + 2)
        for field in headers {
            if isDropped(field.name) { continue }
            if S3Headers.name(field.name, matches: "content-encoding") {
                // aws-chunked is the framing the server removed; any other coding describes the object.
                let codings = field.value.split(separator: ",").map { $0.trimmingSpaces }.filter {
                    $0.lowercased() != "aws-chunked" && !$0.isEmpty
                }
                if !codings.isEmpty { forwarded.add(name: field.name, value: codings.joined(separator: ",")) }
                continue
            }
            forwarded.add(field, from: headers)
        }
        if let length = body.length { forwarded.add(name: "Content-Length", value: String(length)) }
        if let copySource { forwarded.add(name: "x-amz-copy-source", value: copySource) }
        return forwarded
    }

    /// The query without a presigned URL's signature parameters.
    package static func query(_ raw: String) -> String {
        guard query(raw, contains: "X-Amz-") else { return raw }
        // On UTF-8 bytes, one pass, no array of pieces: a presigned URL's query is ASCII, and this runs on every
        // request (`split` and its pieces were 0.7% of a small GET's CPU time). Pieces end at `&`, so what is kept
        // is still valid UTF-8.
        return raw.withUTF8Bytes { bytes in
            let prefix = "X-Amz-".utf8
            var kept: [UInt8] = []
            var start = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.count
                let piece = bytes[start..<end]
                if !piece.isEmpty, !piece.starts(with: prefix) {
                    if !kept.isEmpty { kept.append(UInt8(ascii: "&")) }
                    kept.append(contentsOf: piece)
                }
                start = end + 1
            }
            return String(decoding: kept, as: UTF8.self)
        }
    }

    /// Whether `needle` (ASCII) appears anywhere in the raw query `raw`, compared on bytes: `String.contains(_:)`
    /// compares Characters through generic code, about 2% of a small GET's CPU time where the router used it.
    package static func query(_ raw: String, contains needle: StaticString) -> Bool {
        raw.withUTF8Bytes { bytes in
            needle.withUTF8Buffer { needle in
                guard needle.count <= bytes.count else { return false }
                return (0...(bytes.count - needle.count)).contains { start in
                    (0..<needle.count).allSatisfy { bytes[start + $0] == needle[$0] }
                }
            }
        }
    }

    /// A request target split at its `?`: the path and the raw query.
    package static func split(_ target: String) -> (path: String, query: String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
