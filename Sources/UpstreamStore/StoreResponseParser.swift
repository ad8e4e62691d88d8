package import NIOCore
package import S3HTTP

/// A store's response head, as ``StoreResponseParser`` read it.
package struct StoreResponseHead: Sendable {
    package var status: Int
    /// The fields, in the order and spelling the store sent: every one, or for a parser made with
    /// `returnedFieldsOnly`, those that go back to the client (``UpstreamHeaders/returns(_:)``).
    package var fields: S3Headers
    /// The body's length when the store framed it with `Content-Length`; nil for a chunked or close-delimited body
    /// and for a response without one.
    package var contentLength: Int?
}

/// Reads the HTTP/1.1 responses (RFC 9112) of a store's connection as its bytes arrive, one response per request
/// sent: the head, then the body as slices of the bytes read (never copied), then the end.
///
/// Why not NIOHTTP1's `HTTPResponseDecoder`, which the client used before: it makes an `HTTPHeaders` the forwarder
/// then copied field by field into its own, learns whether a request was a HEAD from the request parts written
/// through its encoder (so the request head had to go through that encoder too), and hands each part on wrapped in
/// `NIOAny` through a `ByteToMessageHandler`. Reading a store's response is a smaller job: the forwarder sends one
/// request at a time, without `Expect` or `Upgrade`, and needs the status, the fields and the body's framing.
///
/// Strict as ``HTTP1MessageReader`` is, where leniency would let one response be read two ways (response splitting,
/// RFC 9112 §11.2). A response that breaks a rule fails its request (the forwarder answers 503) and closes its
/// connection. The rules for where a body ends are §6.3's: none after a HEAD request or for 1xx, 204 and 304;
/// chunked when the last transfer coding is `chunked`; `Content-Length` bytes; otherwise (or after another transfer
/// coding) until the store closes the connection, which then cannot be reused.
package struct StoreResponseParser {
    package enum Event {
        case head(StoreResponseHead)
        case body(ByteBuffer)
        case end
    }

    package typealias Malformed = HTTP1Malformed

    /// The most a head (status line and fields) may take.
    static let maximumHeadSize = 64 * 1024

    private enum State {
        /// No response is expected: bytes now are the store speaking unasked.
        case idle
        case head
        case body
    }

    private var state = State.idle
    private var reader = HTTP1MessageReader(maximumHeadSize: maximumHeadSize)
    /// The request was a HEAD: its response has no body whatever its fields say.
    private var requestWasHEAD = false
    /// Whether the connection can carry another request after the current response (known from its head).
    package private(set) var keepsAlive = true
    /// Whether heads keep only the fields that go back to the client.
    private let returnedFieldsOnly: Bool

    /// - Parameter returnedFieldsOnly: keep in each head only the fields the router returns to its client,
    ///   dropping hop-by-hop fields and the store's request identifiers as they are read, before any string is made
    ///   for them; false keeps every field.
    package init(returnedFieldsOnly: Bool = false) {
        self.returnedFieldsOnly = returnedFieldsOnly
    }

    /// A request was sent: its response is next. Call only between responses.
    package mutating func expectResponse(toHEAD: Bool) {
        state = .head
        requestWasHEAD = toHEAD
        reader.reset()
        keepsAlive = true
    }

    /// Reads what it can of `bytes`, telling `emit` each part. It stops after the end of a response: whatever is
    /// left in `bytes` then (or everything, when no response was expected) is not part of one.
    package mutating func feed(_ bytes: inout ByteBuffer, _ emit: (Event) -> Void) throws(Malformed) {
        reader.join(&bytes)
        while bytes.readableBytes > 0 {
            switch state {
            case .idle:
                return
            case .head:
                guard let (head, lines) = try reader.takeHead(&bytes) else { return }
                let response = try head.withUnsafeReadableBytes { (raw) throws(Malformed) in
                    try parseHead(HTTP1HeadLines(raw, lines: lines))
                }
                if (100..<200).contains(response.status) {
                    // An interim response (100 Continue unasked, 103 Early Hints): the final one follows.
                    guard response.status != 101 else {
                        throw Malformed("the store switched protocols unasked (101)")
                    }
                    continue
                }
                emit(.head(response))
                guard reader.isReadingBody else {
                    state = .idle
                    emit(.end)
                    return
                }
                state = .body
            case .body:
                guard try reader.readBody(&bytes, { emit(.body($0)) }) else { return }
                state = .idle
                emit(.end)
                return
            }
        }
    }

    /// The connection closed: whether that ended the response under way (a body delimited by the close). Any
    /// other response still under way was cut short.
    package mutating func connectionClosed() -> Bool {
        defer { state = .idle }
        guard case .body = state else { return false }
        return reader.connectionClosed()
    }

    /// The status line and fields, and the framing they set.
    private mutating func parseHead(_ head: HTTP1HeadLines) throws(Malformed) -> StoreResponseHead {
        var lines = head
        guard let statusLine = lines.next() else { throw Malformed("the response has no status line") }
        let (http11, status) = try Self.statusLine(statusLine)
        // Room for the two identifiers the forwarder adds.
        let read =
            returnedFieldsOnly
            ? try HTTP1Fields.read(&lines, extra: 1, keeping: UpstreamHeaders.returns)
            : try HTTP1Fields.read(&lines, extra: 1)
        keepsAlive = !read.closes && (http11 || read.keepsAlive)

        // RFC 9112 §6.3.
        var bodyLength: Int?
        let framing: HTTP1MessageReader.BodyFraming
        if (100..<200).contains(status) || requestWasHEAD || status == 204 || status == 304 {
            framing = .none
        } else if read.transferEncoding == .chunked {
            framing = .chunked
        } else if read.transferEncoding == .other {
            framing = .untilClose
        } else if let contentLength = read.contentLength {
            bodyLength = contentLength
            framing = .length(contentLength)
        } else {
            framing = .untilClose
        }
        if framing == .untilClose { keepsAlive = false }
        reader.startBody(framing)
        return StoreResponseHead(status: status, fields: read.fields, contentLength: bodyLength)
    }

    /// `HTTP/1.x SP 3DIGIT [SP reason]`: whether the version is 1.1, and the status.
    private static func statusLine(_ line: UnsafeRawBufferPointer) throws(Malformed) -> (Bool, Int) {
        let malformed = Malformed("the status line is not 'HTTP/1.x NNN reason'")
        guard line.count >= 12, line[8] == UInt8(ascii: " "),
            line[7] == UInt8(ascii: "0") || line[7] == UInt8(ascii: "1")
        else { throw malformed }
        for (index, byte) in "HTTP/1.".utf8.enumerated() where line[index] != byte { throw malformed }
        var status = 0
        for index in 9..<12 {
            let digit = line[index] &- UInt8(ascii: "0")
            guard digit < 10 else { throw Malformed("the status is not three digits") }
            status = status * 10 + Int(digit)
        }
        guard line.count == 12 || line[12] == UInt8(ascii: " "),
            UnsafeRawBufferPointer(rebasing: line[12...]).allSatisfy(HTTPFieldSyntax.isValueByte)
        else { throw malformed }
        return (line[7] == UInt8(ascii: "1"), status)
    }
}
