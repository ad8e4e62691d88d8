import AccessPointCore
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
    /// aws-chunked body the router has already decoded, and `x-amz-sdk-checksum-algorithm` the checksum of its
    /// trailer, which S3 refuses to see without the trailer (`ForwardedRequest.droppedHeaders`).
    static let notForwarded: Set<String> = [
        "host", "authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "expect",
        "content-length", "x-amz-decoded-content-length", "x-amz-trailer", "user-agent", "x-amz-sdk-checksum-algorithm",
    ]

    /// Response fields the router replaces with its own.
    static let notReturned: Set<String> = ["x-amz-request-id", "x-amz-id-2"]

    /// The client's fields to send upstream, `x-amz-copy-source` pointed at `remoteBucket` when it names
    /// `labBucket`.
    static func request(
        _ headers: S3Headers,
        labBucket: String,
        remoteBucket: String
    ) -> [HTTPField] {
        var out: [HTTPField] = []
        append(headers, labBucket: labBucket, remoteBucket: remoteBucket, to: &out)
        return out
    }

    /// ``request(_:labBucket:remoteBucket:)`` appended to `out`.
    static func append(
        _ headers: S3Headers,
        labBucket: String,
        remoteBucket: String,
        to out: inout [HTTPField]
    ) {
        for field in headers {
            switch requestField(field.name) {
            case .dropped:
                continue
            case .copySource:
                out.append(
                    HTTPField(
                        name: field.name,
                        value: copySource(field.value, labBucket: labBucket, remoteBucket: remoteBucket)
                    )
                )
            case .contentEncoding:
                // aws-chunked framing is gone once the router has decoded the body.
                let codings = field.value.split(separator: ",").map { $0.trimmingSpaces }
                    .filter { !$0.isEmpty && $0.lowercased() != "aws-chunked" }
                if !codings.isEmpty { out.append(HTTPField(name: field.name, value: codings.joined(separator: ","))) }
            case .kept:
                out.append(field)
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
        if let decided = name.withUTF8Bytes({ requestFieldASCII($0) }) { return decided }
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

    /// ``requestField(_:)`` for an ASCII name; nil for any other. Compared against the names of its own length
    /// only (`UpstreamHeadersTests` holds the switch to the sets).
    private static func requestFieldASCII(_ name: UnsafeBufferPointer<UInt8>) -> RequestField? {
        let name = UnsafeRawBufferPointer(name)
        guard HTTPFieldSyntax.isASCII(name) else { return nil }
        if isProxyPrefixed(name) { return .dropped }
        func named(_ lowercased: StaticString) -> Bool { HTTP1Syntax.isName(name, lowercased) }
        switch name.count {
        case 2: if named("te") { return .dropped }
        case 4: if named("host") { return .dropped }
        case 6: if named("expect") { return .dropped }
        case 7: if named("trailer") || named("upgrade") { return .dropped }
        case 10:
            if named("connection") || named("keep-alive") || named("x-amz-date") || named("user-agent") {
                return .dropped
            }
        case 13: if named("authorization") || named("x-amz-trailer") { return .dropped }
        case 14: if named("content-length") { return .dropped }
        case 16: if named("content-encoding") { return .contentEncoding }
        case 17:
            if named("transfer-encoding") { return .dropped }
            if named("x-amz-copy-source") { return .copySource }
        case 20: if named("x-amz-content-sha256") || named("x-amz-security-token") { return .dropped }
        case 28:
            if named("x-amz-decoded-content-length") || named("x-amz-sdk-checksum-algorithm") { return .dropped }
        default: break
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
        let decided: Bool? = name.withUTF8Bytes {
            HTTPFieldSyntax.isASCII(UnsafeRawBufferPointer($0)) ? returns(UnsafeRawBufferPointer($0)) : nil
        }
        if let decided { return decided }
        let lowered = name.lowercased()
        return !hopByHop.contains(lowered) && !notReturned.contains(lowered) && !lowered.hasPrefix("proxy-")
    }

    /// ``returns(_:)`` for an ASCII name (a parser's: a token). Compared against the names of its own length only
    /// (`UpstreamHeadersTests` holds the switch to the sets).
    static func returns(_ name: UnsafeRawBufferPointer) -> Bool {
        if isProxyPrefixed(name) { return false }
        func named(_ lowercased: StaticString) -> Bool { HTTP1Syntax.isName(name, lowercased) }
        switch name.count {
        case 2: return !named("te")
        case 7: return !(named("trailer") || named("upgrade"))
        case 10: return !(named("connection") || named("keep-alive") || named("x-amz-id-2"))
        case 16: return !named("x-amz-request-id")
        case 17: return !named("transfer-encoding")
        default: return true
        }
    }

    /// Whether an ASCII name starts with `proxy-`, any case (`Proxy-Connection`, `Proxy-Authorization`…).
    private static func isProxyPrefixed(_ name: UnsafeRawBufferPointer) -> Bool {
        name.count >= 6 && HTTP1Syntax.isName(UnsafeRawBufferPointer(rebasing: name[..<6]), "proxy-")
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
