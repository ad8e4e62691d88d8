import AccessPointCore
import Crypto

/// The canonical request of SigV4 (spec §5.2): `METHOD\nURI\nQUERY\nHEADERS\n\nSIGNEDHEADERS\nPAYLOADHASH`.
///
/// Each part is kept apart so that a failed verification can show the client what the server signed, and so that
/// tests compare every intermediate string on its own, as Envoy's SigV4 corpus does. The S3 flavour applies: the
/// path is the raw request path, never encoded twice nor normalised (`//`, `.` and `..` stay).
public struct CanonicalRequest: Hashable, Sendable {
    /// The method, verbatim.
    public var method: String
    /// The raw request path; `/` when the request had none.
    public var uri: String
    /// The canonical query string (``CanonicalQuery``).
    public var query: String
    /// One `name:value` entry per signed header, in `signedHeaders` order, without line ends.
    public var headerLines: [String]
    /// Lower-case signed header names, sorted.
    public var signedHeaders: [String]
    /// The `x-amz-content-sha256` value, or `UNSIGNED-PAYLOAD` for presigned URLs.
    public var payloadHash: String

    /// A canonical request from parts that are already canonical.
    public init(
        method: String,
        uri: String,
        query: String,
        headerLines: [String],
        signedHeaders: [String],
        payloadHash: String
    ) {
        self.method = method
        self.uri = uri.isEmpty ? "/" : uri
        self.query = query
        self.headerLines = headerLines
        self.signedHeaders = signedHeaders
        self.payloadHash = payloadHash
    }

    /// The canonical request of `request` over `signedHeaders` (lower-case and sorted, as in the `Authorization`
    /// header), leaving the query parameters in `omittingQuery` out (presigned URLs omit `X-Amz-Signature`).
    ///
    /// A signed header the request lacks contributes an empty value; the verifier refuses such requests earlier.
    public init(
        request: SigV4Request,
        signedHeaders: [String],
        payloadHash: String,
        omittingQuery: Set<String> = []
    ) {
        var grouped: [String: [String]] = [:]
        let wanted = Set(signedHeaders)
        for header in request.headers {
            let name = header.name.lowercased()
            guard wanted.contains(name) else { continue }
            grouped[name, default: []].append(Self.canonicalValue(header.value))
        }
        self.init(
            method: request.method,
            uri: request.path,
            query: CanonicalQuery.canonicalize(request.queryParts, omitting: omittingQuery),
            headerLines: signedHeaders.map { "\($0):\(grouped[$0, default: []].joined(separator: ","))" },
            signedHeaders: signedHeaders,
            payloadHash: payloadHash
        )
    }

    /// The text whose SHA-256 goes into the string to sign.
    public var text: String {
        var lines = [method, uri, query]
        lines.append(contentsOf: headerLines)
        lines.append("")
        lines.append(signedHeaders.joined(separator: ";"))
        lines.append(payloadHash)
        return lines.joined(separator: "\n")
    }

    /// Lower-case hex SHA-256 of ``text``.
    public var hash: String {
        Hex.encode(SHA256.hash(data: Array(text.utf8)))
    }

    /// A header value trimmed, with every run of spaces and tabs inside it collapsed to one space.
    ///
    /// Works on bytes (spaces and tabs are ASCII, and UTF-8 never uses ASCII bytes inside other characters), and
    /// returns the value itself when it is already canonical, the usual case.
    public static func canonicalValue(_ value: String) -> String {
        value.withUTF8Bytes { bytes in
            if isCanonical(bytes) { return value }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            appendCanonicalValue(bytes, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Appends the bytes of ``canonicalValue(_:)`` of `bytes`.
    static func appendCanonicalValue(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        // Most values are canonical already: one copy.
        if isCanonical(bytes) {
            out.append(contentsOf: bytes)
            return
        }
        let start = out.count
        var pendingSpace = false
        for byte in bytes {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                pendingSpace = out.count > start
                continue
            }
            if pendingSpace {
                out.append(UInt8(ascii: " "))
                pendingSpace = false
            }
            out.append(byte)
        }
    }

    /// No tab, no leading or trailing space, no two spaces in a row.
    static func isCanonical(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var previousSpace = true
        var index = 0
        while index < bytes.count {
            // Eight bytes at a time while none is below `!` (spaces and tabs are): then none is a space either.
            if index + 8 <= bytes.count {
                let word = UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if (word &- 0x2121_2121_2121_2121) & ~word & 0x8080_8080_8080_8080 == 0 {
                    previousSpace = false
                    index += 8
                    continue
                }
            }
            let byte = bytes[index]
            index += 1
            guard byte <= UInt8(ascii: " ") else {
                previousSpace = false
                continue
            }
            if byte == UInt8(ascii: "\t") { return false }
            let space = byte == UInt8(ascii: " ")
            if space && previousSpace { return false }
            previousSpace = space
        }
        return !previousSpace || bytes.isEmpty
    }
}
