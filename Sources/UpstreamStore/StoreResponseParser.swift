import NIOCore
import S3HTTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A store's response head, as ``StoreResponseParser`` read it.
struct StoreResponseHead: Sendable {
    var status: Int
    /// Every field, in the order and spelling the store sent.
    var fields: S3Headers
    /// The body's length when the store framed it with `Content-Length`; nil for a chunked or close-delimited body
    /// and for a response without one.
    var contentLength: Int?
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
/// Strict where leniency would let one response be read two ways (response splitting, RFC 9112 §11.2): every line
/// ends in CR LF, no obs-fold, no white space between a field's name and its colon, field values without control
/// characters, never both `Content-Length` and `Transfer-Encoding`, and every `Content-Length` the same number. A
/// response that breaks a rule fails its request (the forwarder answers 503) and closes its connection. The rules
/// for where a body ends are §6.3's: none after a HEAD request or for 1xx, 204 and 304; chunked when the last
/// transfer coding is `chunked`; `Content-Length` bytes; otherwise (or after another transfer coding) until the
/// store closes the connection, which then cannot be reused.
struct StoreResponseParser {
    enum Event {
        case head(StoreResponseHead)
        case body(ByteBuffer)
        case end
    }

    /// Why a response could not be read; the description names the broken rule.
    struct Malformed: Error, CustomStringConvertible, Equatable {
        let description: String

        init(_ description: String) { self.description = description }
    }

    /// The most a head (status line and fields) may take, and the most a chunk's size line or the trailer section
    /// may.
    static let maximumHeadSize = 64 * 1024
    static let maximumChunkLineSize = 4 * 1024

    private enum State {
        /// No response is expected: bytes now are the store speaking unasked.
        case idle
        case head
        /// Body bytes still to come of a `Content-Length` body.
        case length(Int)
        case chunkSize
        case chunkData(Int)
        /// The CR LF after a chunk's data.
        case chunkEnd
        case trailers
        case untilClose
    }

    private var state = State.idle
    /// The request was a HEAD: its response has no body whatever its fields say.
    private var requestWasHEAD = false
    /// Bytes of a head or line not complete yet; for a head, how far they were searched for its end (just past the
    /// last LF found) and how many LFs that was.
    private var pending: ByteBuffer?
    private var searched = 0
    private var newlinesSearched = 0
    private var trailerBytes = 0
    /// Whether the connection can carry another request after the current response (known from its head).
    private(set) var keepsAlive = true

    /// A request was sent: its response is next. Call only between responses.
    mutating func expectResponse(toHEAD: Bool) {
        state = .head
        requestWasHEAD = toHEAD
        pending = nil
        searched = 0
        newlinesSearched = 0
        keepsAlive = true
    }

    /// Reads what it can of `bytes`, telling `emit` each part. It stops after the end of a response: whatever is
    /// left in `bytes` then (or everything, when no response was expected) is not part of one.
    mutating func feed(_ bytes: inout ByteBuffer, _ emit: (Event) -> Void) throws(Malformed) {
        if var kept = pending {
            pending = nil
            kept.writeBuffer(&bytes)
            bytes = kept
        }
        while bytes.readableBytes > 0 {
            switch state {
            case .idle:
                return
            case .head:
                guard let head = try takeHead(&bytes) else { return }
                if (100..<200).contains(head.status) {
                    // An interim response (100 Continue unasked, 103 Early Hints): the final one follows.
                    guard head.status != 101 else { throw Malformed("the store switched protocols unasked (101)") }
                    continue
                }
                emit(.head(head))
                if case .idle = state {
                    emit(.end)
                    return
                }
            case .length(let left):
                let slice = bytes.readSlice(length: min(left, bytes.readableBytes))!
                emit(.body(slice))
                if left == slice.readableBytes {
                    state = .idle
                    emit(.end)
                    return
                }
                state = .length(left - slice.readableBytes)
            case .untilClose:
                emit(.body(bytes.readSlice(length: bytes.readableBytes)!))
            case .chunkSize:
                guard let line = try takeLine(&bytes, limit: Self.maximumChunkLineSize, what: "a chunk size line")
                else {
                    return
                }
                let size = try Self.chunkSize(line)
                state = size == 0 ? .trailers : .chunkData(size)
                trailerBytes = 0
            case .chunkData(let left):
                let slice = bytes.readSlice(length: min(left, bytes.readableBytes))!
                emit(.body(slice))
                state = left == slice.readableBytes ? .chunkEnd : .chunkData(left - slice.readableBytes)
            case .chunkEnd:
                guard bytes.readableBytes >= 2 else {
                    guard bytes.readableBytes == 0 || bytes.readableBytesView.first == UInt8(ascii: "\r") else {
                        throw Malformed("a chunk's data is not followed by CR LF")
                    }
                    keep(&bytes)
                    return
                }
                guard bytes.readInteger(as: UInt16.self) == 0x0D0A else {
                    throw Malformed("a chunk's data is not followed by CR LF")
                }
                state = .chunkSize
            case .trailers:
                let limit = Self.maximumChunkLineSize - trailerBytes
                guard let line = try takeLine(&bytes, limit: limit, what: "the trailer section") else { return }
                trailerBytes += line.readableBytes + 2
                if line.readableBytes == 0 {
                    state = .idle
                    emit(.end)
                    return
                }
                // Trailer fields are read past, not passed on (the forwarder sends no `TE: trailers`), but they must
                // still be fields.
                _ = try line.withUnsafeReadableBytes { (raw) throws(Malformed) in try Self.field(raw) }
            }
        }
    }

    /// The connection closed: whether that ended the response under way (a body delimited by the close). Any
    /// other response still under way was cut short.
    mutating func connectionClosed() -> Bool {
        defer { state = .idle }
        if case .untilClose = state { return true }
        return false
    }

    // MARK: Lines and heads

    /// Keeps the rest of `bytes` for the next read.
    private mutating func keep(_ bytes: inout ByteBuffer) {
        pending = bytes
        bytes.moveReaderIndex(forwardBy: bytes.readableBytes)
    }

    /// The head at the front of `bytes`, consumed; nil (the bytes kept) while its end has not arrived.
    private mutating func takeHead(_ bytes: inout ByteBuffer) throws(Malformed) -> StoreResponseHead? {
        // The LFs are counted as they are found: one per line, which sizes the fields once.
        let (end, next, newlines) = try bytes.withUnsafeReadableBytes {
            (raw) throws(Malformed) -> (end: Int?, next: Int, newlines: Int) in
            var next = searched
            var newlines = newlinesSearched
            while let index = Self.newline(in: raw, from: next) {
                next = index + 1
                newlines += 1
                guard index > 0, raw[index - 1] == UInt8(ascii: "\r") else {
                    throw Malformed("a line of the head ends in a bare LF, not CR LF")
                }
                if index >= 3, raw[index - 2] == UInt8(ascii: "\n") { return (index + 1, next, newlines) }
            }
            return (nil, next, newlines)
        }
        guard let end else {
            guard bytes.readableBytes <= Self.maximumHeadSize else {
                throw Malformed("the head is longer than \(Self.maximumHeadSize) bytes")
            }
            searched = next
            newlinesSearched = newlines
            keep(&bytes)
            return nil
        }
        guard end <= Self.maximumHeadSize else {
            throw Malformed("the head is longer than \(Self.maximumHeadSize) bytes")
        }
        searched = 0
        newlinesSearched = 0
        let head = bytes.readSlice(length: end)!
        return try head.withUnsafeReadableBytes { (raw) throws(Malformed) in
            // Without the empty line that ends the head: the status line and a line per field.
            try parseHead(UnsafeRawBufferPointer(rebasing: raw[..<(raw.count - 2)]), lines: newlines - 1)
        }
    }

    /// The line at the front of `bytes` without its CR LF, consumed; nil (the bytes kept) while its end has not
    /// arrived.
    private mutating func takeLine(
        _ bytes: inout ByteBuffer,
        limit: Int,
        what: String
    ) throws(Malformed) -> ByteBuffer? {
        guard let newline = bytes.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            guard bytes.readableBytes <= limit else { throw Malformed("\(what) is longer than \(limit) bytes") }
            keep(&bytes)
            return nil
        }
        let length = newline - bytes.readerIndex
        guard length > 0, bytes.getInteger(at: newline - 1, as: UInt8.self) == UInt8(ascii: "\r") else {
            throw Malformed("\(what) ends in a bare LF, not CR LF")
        }
        guard length + 1 <= limit else { throw Malformed("\(what) is longer than \(limit) bytes") }
        let line = bytes.readSlice(length: length - 1)!
        bytes.moveReaderIndex(forwardBy: 2)
        return line
    }

    /// The status line and fields, `lines` lines each ended by CR LF (the empty line that ends the head not
    /// included), and the framing they set.
    private mutating func parseHead(_ head: UnsafeRawBufferPointer, lines: Int) throws(Malformed) -> StoreResponseHead {
        var lineStart = 0
        /// The next line without its CR LF; nil after the last.
        func nextLine() -> UnsafeRawBufferPointer? {
            // Every line of `head` ends in CR LF.
            guard let index = Self.newline(in: head, from: lineStart) else { return nil }
            defer { lineStart = index + 1 }
            return UnsafeRawBufferPointer(rebasing: head[lineStart..<(index - 1)])
        }
        guard let statusLine = nextLine() else { throw Malformed("the response has no status line") }
        let (http11, status) = try Self.statusLine(statusLine)

        var fields = S3Headers()
        // A field per line after the status line, and room for the two identifiers the forwarder adds: no growing
        // as fields are added.
        fields.reserveCapacity(lines + 1)
        var contentLength: Int?
        var transferEncoding = TransferEncoding.none
        var connection = ConnectionOptions()
        while let line = nextLine() {
            let (name, value) = try Self.field(line)
            if Self.isName(name, "content-length") {
                guard contentLength == nil else { throw Malformed("Content-Length is given twice") }
                contentLength = try Self.contentLength(value)
            } else if Self.isName(name, "transfer-encoding") {
                try transferEncoding.add(value)
            } else if Self.isName(name, "connection") {
                connection.add(value)
            }
            fields.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
        if contentLength != nil, transferEncoding != .none {
            throw Malformed("the response has both Content-Length and Transfer-Encoding")
        }
        keepsAlive = !connection.close && (http11 || connection.keepAlive)

        var bodyLength: Int?
        if (100..<200).contains(status) {
            state = .head
        } else if requestWasHEAD || status == 204 || status == 304 {
            state = .idle
        } else if transferEncoding == .chunked {
            state = .chunkSize
        } else if transferEncoding == .other {
            state = .untilClose
            keepsAlive = false
        } else if let contentLength {
            bodyLength = contentLength
            state = contentLength == 0 ? .idle : .length(contentLength)
        } else {
            state = .untilClose
            keepsAlive = false
        }
        return StoreResponseHead(status: status, fields: fields, contentLength: bodyLength)
    }

    /// What the `Transfer-Encoding` fields of a head say about its body.
    private enum TransferEncoding: Equatable {
        case none
        /// The last coding is `chunked`.
        case chunked
        /// Some other coding is last: the body ends with the connection.
        case other

        /// Adds one field's comma-separated codings; `chunked` anywhere but last is an error (RFC 9112 §6.1).
        mutating func add(_ value: UnsafeRawBufferPointer) throws(Malformed) {
            try StoreResponseParser.forEachItem(of: value) { (coding) throws(Malformed) in
                guard !coding.isEmpty else { return }
                guard self != .chunked else { throw Malformed("chunked is not the last transfer coding") }
                self = StoreResponseParser.isName(coding, "chunked") ? .chunked : .other
            }
        }
    }

    /// The `Connection` options that matter to reuse.
    private struct ConnectionOptions {
        var close = false
        var keepAlive = false

        mutating func add(_ value: UnsafeRawBufferPointer) {
            StoreResponseParser.forEachItem(of: value) { option in
                if StoreResponseParser.isName(option, "close") { close = true }
                if StoreResponseParser.isName(option, "keep-alive") { keepAlive = true }
            }
        }
    }

    /// The index of the first LF at or after `start` (`memchr`: a head is searched a word at a time, not a byte).
    private static func newline(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
            let found = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start)
        else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
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

    /// `name ":" OWS value OWS`, the name a token, the value without control characters: the name's and the
    /// trimmed value's bytes.
    private static func field(
        _ line: UnsafeRawBufferPointer
    ) throws(Malformed) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer) {
        if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            throw Malformed("a field is folded over two lines (obs-fold)")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw Malformed("a line of the head is not a field")
        }
        let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
        guard !name.isEmpty, name.allSatisfy(HTTPFieldSyntax.isTokenByte) else {
            throw Malformed("the field name '\(String(decoding: name, as: UTF8.self))' is not a token")
        }
        let value = trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
        guard value.allSatisfy(HTTPFieldSyntax.isValueByte) else {
            throw Malformed("the value of '\(String(decoding: name, as: UTF8.self))' has a control character")
        }
        return (name, value)
    }

    /// `bytes` without the spaces and tabs around it.
    private static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// Whether `bytes` are `lowercased`, ignoring ASCII case.
    private static func isName(_ bytes: UnsafeRawBufferPointer, _ lowercased: StaticString) -> Bool {
        guard bytes.count == lowercased.utf8CodeUnitCount else { return false }
        let expected = UnsafeRawBufferPointer(start: lowercased.utf8Start, count: lowercased.utf8CodeUnitCount)
        for index in 0..<bytes.count {
            let byte = bytes[index]
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            guard folded == expected[index] else { return false }
        }
        return true
    }

    /// Calls `body` with each item of a comma-separated list, trimmed (empty items too), without making an array.
    private static func forEachItem<E: Error>(
        of list: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer) throws(E) -> Void
    ) throws(E) {
        var start = 0
        for index in 0...list.count where index == list.count || list[index] == UInt8(ascii: ",") {
            try body(trimmed(UnsafeRawBufferPointer(rebasing: list[start..<index])))
            start = index + 1
        }
    }

    /// A `Content-Length` value: one decimal number. RFC 9110 §8.6 lets a recipient take a list of the same number
    /// as that number; llhttp does not, and neither does this parser.
    private static func contentLength(_ value: UnsafeRawBufferPointer) throws(Malformed) -> Int {
        guard !value.isEmpty, value.count <= 18, value.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else {
            throw Malformed("Content-Length '\(String(decoding: value, as: UTF8.self))' is not a length")
        }
        return value.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// A chunk size line's size: hex digits, then any chunk extensions (`*( BWS ";" … )`, RFC 9112 §7.1.1), which are
    /// read past.
    private static func chunkSize(_ line: ByteBuffer) throws(Malformed) -> Int {
        try line.withUnsafeReadableBytes { (raw) throws(Malformed) -> Int in
            var size = 0
            var index = 0
            while index < raw.count, let digit = hexValue(raw[index]) {
                guard size <= (Int.max - 15) / 16 else { throw Malformed("a chunk size is too large") }
                size = size * 16 + digit
                index += 1
            }
            guard index > 0 else { throw Malformed("a chunk size is not hexadecimal") }
            var rest = UnsafeRawBufferPointer(rebasing: raw[index...])
            while let first = rest.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst())
            }
            let extensions = rest.first == UInt8(ascii: ";") && rest.allSatisfy(HTTPFieldSyntax.isValueByte)
            guard index == raw.count || extensions else {
                throw Malformed("a chunk size is not hexadecimal")
            }
            return size
        }
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
