package import NIOCore
package import NIOHTTP1
package import S3HTTP

/// A client's request head, as ``HTTPRequestParser`` read it.
package struct RequestHead: Sendable, Equatable {
    package var method: HTTPMethod
    /// The request target as sent (origin form for an S3 client: the path, then `?` and the query, still
    /// percent-encoded).
    package var target: String
    package var version: HTTPVersion
    /// Every field, in the order and spelling the client sent.
    package var fields: S3Headers
    /// Whether the connection may carry another request after this one (RFC 9112 §9.3).
    package var isKeepAlive: Bool
    /// An HTTP/1.1 client sent `Expect: 100-continue`: it waits to be told before it sends the body. An HTTP/1.0
    /// client's is ignored (RFC 9110 §10.1.1).
    package var expectsContinue: Bool
    /// The body's length as the head declares it (RFC 9112 §6.3): `Content-Length`'s value, 0 when the head
    /// declares no body (neither `Content-Length` nor `Transfer-Encoding`), nil when it is chunked.
    package var bodyLength: Int?

    package init(
        method: HTTPMethod,
        target: String,
        version: HTTPVersion = .http1_1,
        fields: S3Headers = [:],
        isKeepAlive: Bool = true,
        expectsContinue: Bool = false,
        bodyLength: Int? = nil
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.fields = fields
        self.isKeepAlive = isKeepAlive
        self.expectsContinue = expectsContinue
        self.bodyLength = bodyLength
    }
}

/// Reads the HTTP/1.1 requests (RFC 9112) of a client's connection as its bytes arrive, one after another: each
/// request's head, its body as slices of the bytes read (never copied), then its end.
///
/// Why not NIOHTTP1's `HTTPRequestDecoder` (llhttp), which the servers used before: it made an `HTTPHeaders` and an
/// `HTTPRequestHead` the servers then copied field by field into their own, and handed each part on wrapped in
/// `NIOAny` through a `ByteToMessageHandler`: the decoder alone was about 2% of a small GET's samples and 4 of its
/// allocations, the copies after it more. The store client reads its responses by the same rules
/// (`StoreResponseParser`).
///
/// Strict as ``HTTP1MessageReader`` is, where leniency would let one request be read two ways (request smuggling,
/// RFC 9112 §11.2), and §6.3's rules for a request's body: chunked when `Transfer-Encoding` is `chunked`, its only
/// coding; `Content-Length` bytes; otherwise none. A request that breaks a rule ends the connection's requests:
/// nothing after it is read. Further rules of its own:
/// - the request line is `method SP request-target SP HTTP-version`: single spaces, the method a token, the target
///   visible ASCII, as in llhttp (RFC 3986 has every other byte percent-encoded);
/// - only HTTP/1.0 and HTTP/1.1;
/// - at most one `Host` (§3.2); a request without one is left to the server, whose S3 error says what it needs;
/// - `Transfer-Encoding` only in HTTP/1.1, and with `chunked` last (400, §6.1), and no other coding before it
///   (501: no server here decodes one);
/// - empty lines before a request line are read past (§2.2), as llhttp does.
package struct HTTPRequestParser: Sendable {
    package enum Part: Sendable, Equatable {
        case head(RequestHead)
        case body(ByteBuffer)
        case end
    }

    /// The most a request's head (request line and fields) may take.
    package static let maximumHeadSize = 64 * 1024

    private var reader: HTTP1MessageReader
    /// A request could not be read: nothing after it is.
    private var failed = false

    package init(maximumHeadSize: Int = Self.maximumHeadSize) {
        reader = HTTP1MessageReader(maximumHeadSize: maximumHeadSize)
    }

    /// Reads what it can of `bytes`, telling `emit` each part; whatever is left of an incomplete head or line is
    /// kept for the next call. After an error, every later call reads nothing.
    package mutating func feed(_ bytes: inout ByteBuffer, _ emit: (Part) -> Void) throws(HTTP1Malformed) {
        guard !failed else { return }
        do {
            try read(&bytes, emit)
        } catch {
            failed = true
            reader.reset()
            throw error
        }
    }

    /// Whether no part of a request has arrived since the last one ended (or since the connection opened).
    package var isBetweenRequests: Bool { !reader.isReadingBody && !reader.hasKeptBytes }

    /// The connection closed: whether a request was cut short (part of a head or of a body had arrived).
    package mutating func connectionClosed() -> Bool {
        defer { reader.reset() }
        return !isBetweenRequests
    }

    private mutating func read(_ bytes: inout ByteBuffer, _ emit: (Part) -> Void) throws(HTTP1Malformed) {
        reader.join(&bytes)
        while bytes.readableBytes > 0 {
            if reader.isReadingBody {
                guard try reader.readBody(&bytes, { emit(.body($0)) }) else { return }
                emit(.end)
                continue
            }
            guard skipEmptyLines(&bytes), let (head, lines) = try reader.takeHead(&bytes) else { return }
            let request = try head.withUnsafeReadableBytes { (raw) throws(HTTP1Malformed) in
                try parseHead(HTTP1HeadLines(raw, lines: lines))
            }
            emit(.head(request))
            if !reader.isReadingBody { emit(.end) }
        }
    }

    /// Reads past the CR LFs in front of a request line; false, with a lone CR kept, when `bytes` ran out.
    private mutating func skipEmptyLines(_ bytes: inout ByteBuffer) -> Bool {
        while let first = bytes.readableBytesView.first, first == UInt8(ascii: "\r") {
            guard bytes.readableBytes >= 2 else {
                reader.keep(&bytes)
                return false
            }
            // A CR that is not the start of a CR LF is left to the request line, which refuses it.
            guard bytes.getInteger(at: bytes.readerIndex + 1, as: UInt8.self) == UInt8(ascii: "\n") else { break }
            bytes.moveReaderIndex(forwardBy: 2)
        }
        return bytes.readableBytes > 0
    }

    private mutating func parseHead(_ head: HTTP1HeadLines) throws(HTTP1Malformed) -> RequestHead {
        var lines = head
        guard let requestLine = lines.next() else { throw HTTP1Malformed("the request has no request line") }
        let (method, target, version) = try Self.requestLine(requestLine)
        let read = try HTTP1Fields.read(&lines, extra: 0)
        guard read.hostCount <= 1 else { throw HTTP1Malformed("Host is given \(read.hostCount) times") }
        let http11 = version.minor == 1

        // RFC 9112 §6.3.
        let framing: HTTP1MessageReader.BodyFraming
        let bodyLength: Int?
        switch read.transferEncoding {
        case .none:
            framing = read.contentLength.map { .length($0) } ?? .none
            bodyLength = read.contentLength ?? 0
        case .chunked:
            guard http11 else { throw HTTP1Malformed("an HTTP/1.0 request has Transfer-Encoding") }
            guard read.codings == 1 else {
                throw HTTP1Malformed("a transfer coding other than chunked is not implemented", kind: .notImplemented)
            }
            framing = .chunked
            bodyLength = nil
        case .other:
            throw HTTP1Malformed("chunked is not the last transfer coding")
        }
        reader.startBody(framing)
        return RequestHead(
            method: method,
            target: target,
            version: version,
            fields: read.fields,
            isKeepAlive: !read.closes && (http11 || read.keepsAlive),
            expectsContinue: http11 && read.expectsContinue,
            bodyLength: bodyLength
        )
    }

    /// `method SP request-target SP HTTP-version`.
    private static func requestLine(
        _ line: UnsafeRawBufferPointer
    ) throws(HTTP1Malformed) -> (HTTPMethod, String, HTTPVersion) {
        let malformed = HTTP1Malformed("the request line is not 'METHOD target HTTP/1.x'")
        // The version is the last nine bytes (` HTTP/1.1`); the target, everything between the method's space and
        // them. A presigned URL's target runs to hundreds of bytes: it is checked a word at a time, not searched.
        guard line.count >= 11, line[line.count - 9] == UInt8(ascii: " "),
            let space = HTTP1Syntax.index(of: UInt8(ascii: " "), in: line), space > 0, space < line.count - 10
        else { throw malformed }
        let method = UnsafeRawBufferPointer(rebasing: line[..<space])
        guard HTTPFieldSyntax.isValidName(method) else {
            throw HTTP1Malformed("the method '\(String(decoding: method, as: UTF8.self))' is not a token")
        }
        let target = UnsafeRawBufferPointer(rebasing: line[(space + 1)..<(line.count - 9)])
        guard HTTP1Syntax.isVisibleASCII(target) else {
            // A space in it (a third word, or two spaces in a row) breaks the line's shape; anything else, the
            // target's.
            guard target.contains(UInt8(ascii: " ")) else {
                throw HTTP1Malformed("the request target has a byte that is not visible ASCII")
            }
            throw malformed
        }
        let version = try Self.version(UnsafeRawBufferPointer(rebasing: line[(line.count - 8)...]))
        return (Self.method(method), String(decoding: target, as: UTF8.self), version)
    }

    /// `HTTP/1.0` or `HTTP/1.1`.
    private static func version(_ bytes: UnsafeRawBufferPointer) throws(HTTP1Malformed) -> HTTPVersion {
        // `HTTP/` then a digit, a dot and a digit: eight bytes, the first five compared as one word.
        let prefix = UInt64(bytes.loadUnaligned(as: UInt32.self)) | UInt64(bytes[4]) << 32
        let expected = UInt64(0x5054_5448) | UInt64(UInt8(ascii: "/")) << 32  // "HTTP" little-endian, then "/"
        guard prefix == expected, bytes[6] == UInt8(ascii: "."), bytes[5] &- UInt8(ascii: "0") < 10,
            bytes[7] &- UInt8(ascii: "0") < 10
        else { throw HTTP1Malformed("the request line is not 'METHOD target HTTP/1.x'") }
        let major = Int(bytes[5] - UInt8(ascii: "0"))
        let minor = Int(bytes[7] - UInt8(ascii: "0"))
        guard major == 1, minor <= 1 else {
            throw HTTP1Malformed("HTTP/\(major).\(minor) is not supported; use HTTP/1.1")
        }
        return HTTPVersion(major: major, minor: minor)
    }

    /// The method, without making a String for the common ones.
    private static func method(_ bytes: UnsafeRawBufferPointer) -> HTTPMethod {
        func `is`(_ name: StaticString) -> Bool {
            let expected = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            return bytes.elementsEqual(expected)
        }
        switch bytes.count {
        case 3 where `is`("GET"): return .GET
        case 3 where `is`("PUT"): return .PUT
        case 4 where `is`("HEAD"): return .HEAD
        case 4 where `is`("POST"): return .POST
        case 6 where `is`("DELETE"): return .DELETE
        default: return HTTPMethod(rawValue: String(decoding: bytes, as: UTF8.self))
        }
    }
}
