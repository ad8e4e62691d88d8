import S3HTTP

/// Which header fields cross the forwarder, in each direction.
///
/// Requests keep the client's S3 fields (content headers, conditionals, `Range`, metadata, copy, tagging,
/// checksums) and lose what belongs to one hop or to the client's own signature; the forwarder signs afresh.
/// Responses keep the store's fields and lose the hop-by-hop ones and the store's request identifiers, which the
/// router's replace.
enum UpstreamHeaders {
    /// RFC 9110 §7.6.1 connection-specific fields, and their older companions.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade",
    ]

    /// Fields the forwarder sets itself or that describe the client's request rather than the object.
    ///
    /// `Content-Length` comes from the body's length; `x-amz-decoded-content-length` and `x-amz-trailer` describe an
    /// aws-chunked body the router has already decoded.
    static let notForwarded: Set<String> = [
        "host", "authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "expect",
        "content-length", "x-amz-decoded-content-length", "x-amz-trailer", "user-agent",
    ]

    /// Response fields the router replaces with its own.
    static let notReturned: Set<String> = ["x-amz-request-id", "x-amz-id-2"]

    /// The client's fields to send upstream, `x-amz-copy-source` pointed at `remoteBucket` when it names
    /// `labBucket`.
    static func request(
        _ headers: S3Headers,
        labBucket: String,
        remoteBucket: String
    ) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        append(headers, labBucket: labBucket, remoteBucket: remoteBucket, to: &out)
        return out
    }

    /// ``request(_:labBucket:remoteBucket:)`` appended to `out`.
    static func append(
        _ headers: S3Headers,
        labBucket: String,
        remoteBucket: String,
        to out: inout [(name: String, value: String)]
    ) {
        for field in headers {
            switch requestField(field.name) {
            case .dropped:
                continue
            case .copySource:
                out.append((field.name, copySource(field.value, labBucket: labBucket, remoteBucket: remoteBucket)))
            case .contentEncoding:
                // aws-chunked framing is gone once the router has decoded the body.
                let codings = field.value.split(separator: ",").map { $0.trimmingSpaces }
                    .filter { !$0.isEmpty && $0.lowercased() != "aws-chunked" }
                if !codings.isEmpty { out.append((field.name, codings.joined(separator: ","))) }
            case .kept:
                out.append((field.name, field.value))
            }
        }
    }

    /// What happens to a request field on its way upstream.
    enum RequestField: Equatable {
        case dropped
        /// `x-amz-copy-source`: sent with the bucket renamed.
        case copySource
        /// `content-encoding`: sent without `aws-chunked`.
        case contentEncoding
        case kept
    }

    /// What happens to the request field `name`: an ASCII name is compared in place with `A-Z` folded, as
    /// ``returns(_:)`` compares; any other is lowercased and looked up in the sets.
    static func requestField(_ name: String) -> RequestField {
        var name = name
        if let decided = name.withUTF8({ requestFieldASCII($0) }) { return decided }
        let lowered = name.lowercased()
        if hopByHop.contains(lowered) || notForwarded.contains(lowered) || lowered.hasPrefix("proxy-") {
            return .dropped
        }
        switch lowered {
        case "x-amz-copy-source": return .copySource
        case "content-encoding": return .contentEncoding
        default: return .kept
        }
    }

    /// `hopByHop` and `notForwarded`, as bytes.
    private static let notSentBytes: [[UInt8]] = hopByHop.union(notForwarded).map { Array($0.utf8) }
    private static let copySourceBytes = Array("x-amz-copy-source".utf8)
    private static let contentEncodingBytes = Array("content-encoding".utf8)

    /// ``requestField(_:)`` for an ASCII name; nil for any other.
    private static func requestFieldASCII(_ name: UnsafeBufferPointer<UInt8>) -> RequestField? {
        var any: UInt8 = 0
        for byte in name { any |= byte }
        guard any & 0x80 == 0 else { return nil }
        if name.count >= proxyPrefix.count, equalFolded(name[..<proxyPrefix.count], proxyPrefix) { return .dropped }
        for dropped in notSentBytes where dropped.count == name.count {
            if equalFolded(name[...], dropped) { return .dropped }
        }
        if name.count == copySourceBytes.count, equalFolded(name[...], copySourceBytes) { return .copySource }
        if name.count == contentEncodingBytes.count, equalFolded(name[...], contentEncodingBytes) {
            return .contentEncoding
        }
        return .kept
    }

    /// `bucket/key` or `/bucket/key` (optionally `?versionId=…`) with the bucket renamed when it is `labBucket`.
    static func copySource(_ value: String, labBucket: String, remoteBucket: String) -> String {
        let slash = value.hasPrefix("/") ? "/" : ""
        let rest = value.dropFirst(slash.count)
        guard let end = rest.firstIndex(of: "/"), rest[..<end] == labBucket else { return value }
        return slash + remoteBucket + rest[end...]
    }

    /// Whether a response field from the store goes back to the client.
    ///
    /// An ASCII name (every name NIO's parser lets through) is compared in place with `A-Z` folded against the
    /// names that stay behind, of its length only: lowercasing it and hashing it into two sets was about 600
    /// instructions a field, 5,000 for nginx's answer to a GET.
    static func returns(_ name: String) -> Bool {
        var name = name
        if let decided = name.withUTF8({ returnsASCII($0) }) { return decided }
        let lowered = name.lowercased()
        return !hopByHop.contains(lowered) && !notReturned.contains(lowered) && !lowered.hasPrefix("proxy-")
    }

    /// `hopByHop` and `notReturned`, as bytes.
    private static let notReturnedBytes: [[UInt8]] = hopByHop.union(notReturned).map { Array($0.utf8) }
    private static let proxyPrefix = Array("proxy-".utf8)

    /// ``returns(_:)`` for an ASCII name; nil for any other.
    private static func returnsASCII(_ name: UnsafeBufferPointer<UInt8>) -> Bool? {
        var any: UInt8 = 0
        for byte in name { any |= byte }
        guard any & 0x80 == 0 else { return nil }
        if name.count >= proxyPrefix.count, equalFolded(name[..<proxyPrefix.count], proxyPrefix) { return false }
        for dropped in notReturnedBytes where dropped.count == name.count {
            if equalFolded(name[...], dropped) { return false }
        }
        return true
    }

    /// Whether the first `lowercase.count` of ASCII `bytes`, with `A-Z` made lower case, are `lowercase`.
    private static func equalFolded(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ lowercase: [UInt8]) -> Bool {
        lowercase.withUnsafeBytes {
            HTTP1Syntax.isFolded(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes)), $0)
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
