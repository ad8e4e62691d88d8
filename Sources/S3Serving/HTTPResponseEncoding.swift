package import AccessPointCore
package import NIOCore
package import NIOHTTP1
package import S3HTTP

/// HTTP/1.1 responses in their wire format, written straight from an `S3Response`'s fields.
///
/// Why not NIOHTTP1's `HTTPResponseEncoder` (its request decoder, llhttp, still parses every request): the
/// responders' fields are already an `S3Headers`, which that encoder wanted copied into an `HTTPHeaders` inside an
/// `HTTPResponseHead`, checked by a handler of its own (`NIOHTTPResponseHeadersValidator`), and written into a buffer
/// grown as it went; and it wrote the head and the body as separate buffers, which TLS seals as separate records.
/// Here the head is sized once and checked as it is written, and a small body joins it in the same buffer: one
/// write, one TLS record. The framing rules are the encoder's (RFC 9112 §6): no body for 1xx, 204 and 304;
/// `Content-Length` when the length is known; otherwise chunked in HTTP/1.1 and, in HTTP/1.0, a body that ends when
/// the connection closes.
package enum HTTPResponseEncoding {
    /// How a response's body is delimited on the wire.
    package enum Framing: Equatable, Sendable {
        /// No body bytes follow the head: a response to HEAD, or a status that has no body.
        case none
        /// `Content-Length` bytes follow.
        case length
        /// The body is sent in chunks, ended by a zero-length chunk.
        case chunked
        /// The body ends when the connection closes (HTTP/1.0 without a length).
        case untilClose
    }

    /// A response head on the wire, and what its body must look like.
    package struct Head {
        /// The status line and fields, ended by the empty line; room left for a small body to follow.
        package var bytes: ByteBuffer
        package var framing: Framing
        /// Whether the connection must close after this response (`Connection: close` was sent).
        package var closesConnection: Bool
    }

    /// A field that cannot go on the wire: a name that is not a token, or a value with a control character
    /// (CR or LF would split the response).
    package struct InvalidField: Error, Equatable {
        package let name: String

        package init(name: String) { self.name = name }
    }

    /// The head of a response to a request made with `method` in `version`.
    ///
    /// - Parameters:
    ///   - bodyLength: the body's length when known; written as `Content-Length` unless the fields have one.
    ///   - keepAlive: false sends `Connection: close` in place of any `Connection` field.
    ///   - bodyCapacity: extra room to leave in the buffer, for a small body to join the head.
    package static func head(
        status: Int,
        headers: S3Headers,
        bodyLength: Int?,
        version: HTTPVersion,
        method: HTTPMethod,
        keepAlive: Bool,
        bodyCapacity: Int = 0,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(InvalidField) -> Head {
        let mayHaveBody = !(100..<200).contains(status) && status != 204 && status != 304
        var hasLengthField = false
        var fieldsSize = 0
        for field in headers {
            fieldsSize += HTTP1HeadWriter.size(name: field.name, value: field.value)
            if !hasLengthField, isContentLength(field.name) { hasLengthField = true }
        }
        let http11 = version.major == 1 && version.minor >= 1
        // The framing, and the framing field this encoder adds (a HEAD response states what a GET's would).
        let framing: Framing
        var added: (name: StaticString, value: String)?
        if !mayHaveBody {
            framing = .none
        } else if hasLengthField || bodyLength != nil {
            framing = method == .HEAD ? .none : .length
            if !hasLengthField, let bodyLength { added = ("Content-Length: ", String(bodyLength)) }
        } else if http11 {
            framing = method == .HEAD ? .none : .chunked
            added = ("Transfer-Encoding: ", "chunked")
        } else {
            framing = method == .HEAD ? .none : .untilClose
        }
        let closes = !keepAlive || framing == .untilClose

        let code = String(status)
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        // `HTTP/1.x ` (9), the status, a space, the reason and CR LF; the fields; the added one; `Connection: close`
        // CR LF (19); the empty line (2). Fields left out only make it an overestimate.
        var size = 9 + code.utf8.count + 1 + reason.utf8.count + 2 + fieldsSize + 19 + 2
        if let added { size += added.name.utf8CodeUnitCount + added.value.utf8.count + 2 }
        var bytes = allocator.buffer(capacity: size + bodyCapacity)
        try bytes.writeHTTP1Head(capacity: size) { (head) throws(InvalidField) in
            head.write(http11 ? "HTTP/1.1 " : "HTTP/1.0 ")
            head.write(code)
            head.write(byte: UInt8(ascii: " "))
            head.write(reason)
            head.write("\r\n")
            for field in headers {
                // The framing is this encoder's to state: a transfer coding is never passed on (chunked is the one it
                // writes), a status without a body has no length either, and `Connection` gives way to `close`.
                if isTransferEncoding(field.name) || !mayHaveBody && isContentLength(field.name)
                    || closes && isConnection(field.name)
                {
                    continue
                }
                // Fields checked when they were added (a store's answer, as it was parsed) are copied as they are.
                if headers.areWireSafe {
                    head.writeField(name: field.name, value: field.value)
                } else if !head.writeCheckedField(name: field.name, value: field.value) {
                    throw InvalidField(name: field.name)
                }
            }
            if let added {
                head.write(added.name)
                head.write(added.value)
                head.write("\r\n")
            }
            if closes { head.write("Connection: close\r\n") }
            head.write("\r\n")
        }
        return Head(bytes: bytes, framing: framing, closesConnection: closes)
    }

    /// `HTTP/1.1 100 Continue`, the answer to `Expect: 100-continue` once the body is wanted.
    package static let continueHead = ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")

    /// The answer to a request that could not be read: an S3 error naming the broken rule, with identifiers of its
    /// own (no responder saw the request); the connection closes after it.
    package static func unreadableRequest(
        _ malformed: HTTP1Malformed,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) -> ByteBuffer {
        let error: S3Error =
            switch malformed.kind {
            case .malformed: .badRequest
            case .headTooLarge: .requestHeaderSectionTooLarge
            case .notImplemented: .notImplemented.adding("Header", "Transfer-Encoding")
            }
        let message = error.message.hasSuffix(".") ? String(error.message.dropLast()) : error.message
        return closingError(error.because("\(message): \(malformed.description)."), allocator: allocator)
    }

    /// An S3 error answered by the connection itself, not a responder (a request that could not be read, or that
    /// stalled), with identifiers of its own; the connection closes after it.
    package static func closingError(
        _ error: S3Error,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) -> ByteBuffer {
        let id = unreadableRequestIDs.next()
        let document = S3ErrorDocument(error, envelope: .s3, requestID: id.requestID, hostID: id.hostID)
        let body = ByteBuffer(string: document.render())
        // The fields are this encoder's own: valid by construction.
        var bytes =
            (try? head(
                status: error.status,
                headers: S3ErrorRenderer.headers(id: id, contentType: "application/xml"),
                bodyLength: body.readableBytes,
                version: .http1_1,
                method: .GET,
                keepAlive: false,
                bodyCapacity: body.readableBytes,
                allocator: allocator
            ).bytes) ?? ByteBuffer()
        bytes.writeImmutableBuffer(body)
        return bytes
    }

    private static let unreadableRequestIDs = RandomS3RequestIDGenerator()

    /// The chunk size line before `count` bytes of a chunked body (`1a2b\r\n`), and the line end that follows them.
    package static func chunk(_ data: ByteBuffer, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer
    {
        var framed = allocator.buffer(capacity: data.readableBytes + 20)
        framed.writeString(String(data.readableBytes, radix: 16))
        framed.writeStaticString("\r\n")
        framed.writeImmutableBuffer(data)
        framed.writeStaticString("\r\n")
        return framed
    }

    /// The last chunk of a chunked body, without trailers.
    package static let lastChunk = ByteBuffer(string: "0\r\n\r\n")

    private static func isContentLength(_ name: String) -> Bool {
        name.utf8.count == 14 && S3Headers.name(name, isToken: "content-length")
    }

    private static func isTransferEncoding(_ name: String) -> Bool {
        name.utf8.count == 17 && S3Headers.name(name, isToken: "transfer-encoding")
    }

    private static func isConnection(_ name: String) -> Bool {
        name.utf8.count == 10 && S3Headers.name(name, isToken: "connection")
    }
}
