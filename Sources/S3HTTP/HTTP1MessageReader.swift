public import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an HTTP/1.1 message could not be read; the description names the broken rule.
public struct HTTP1Malformed: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public let kind: Kind

    /// What a server answers a request that could not be read with, in S3's error codes.
    public enum Kind: Sendable {
        /// 400 BadRequest.
        case malformed
        /// 400 RequestHeaderSectionTooLarge.
        case headTooLarge
        /// 501 NotImplemented: a transfer coding no server here decodes.
        case notImplemented
    }

    public init(_ description: String, kind: Kind = .malformed) {
        self.description = description
        self.kind = kind
    }
}

/// What the requests of a client's connection and the responses of a store's connection have in common on the wire
/// (RFC 9112): where a head ends, its lines, its fields, and a body delimited by a length, by chunks or by the
/// connection's end. `HTTPRequestParser` (the servers) and `StoreResponseParser` (the store client) each add their
/// start line and their rules for which body a message has.
///
/// Strict where leniency would let one message be read two ways (request smuggling and response splitting,
/// RFC 9112 §11.2): every line ends in CR LF, no obs-fold, no white space between a field's name and its colon,
/// field values without control characters, never both `Content-Length` and `Transfer-Encoding`, one
/// `Content-Length`, chunk sizes in hex with extensions only after `;`. Bodies are handed on as slices of the bytes
/// read, never copied.
public struct HTTP1MessageReader: Sendable {
    /// How the body after a head is delimited.
    public enum BodyFraming: Equatable, Sendable {
        /// No body.
        case none
        /// This many bytes (more than zero).
        case length(Int)
        case chunked
        /// Until the connection closes.
        case untilClose
    }

    /// The most a head (start line and fields) may take.
    public let maximumHeadSize: Int
    /// The most a chunk's size line, or the trailer section, may take.
    public static let maximumChunkLineSize = 4 * 1024

    private enum BodyState {
        /// Body bytes still to come of a `Content-Length` body.
        case length(Int)
        case chunkSize
        case chunkData(Int)
        /// The CR LF after a chunk's data.
        case chunkEnd
        case trailers
        case untilClose
    }

    private var body: BodyState?
    /// Bytes of a head or line not complete yet; for a head, how far they were searched for its end (just past the
    /// last LF found) and how many LFs that was.
    private var pending: ByteBuffer?
    private var searched = 0
    private var newlinesSearched = 0
    private var trailerBytes = 0

    public init(maximumHeadSize: Int = 64 * 1024) {
        self.maximumHeadSize = maximumHeadSize
    }

    /// Whether a body is being read (between a head that has one and the body's end).
    public var isReadingBody: Bool { body != nil }

    /// Whether bytes of a head or line not complete yet are kept for the next read.
    public var hasKeptBytes: Bool { pending != nil }

    /// Puts the bytes kept from the last read in front of `bytes`.
    public mutating func join(_ bytes: inout ByteBuffer) {
        guard var kept = pending else { return }
        pending = nil
        kept.writeBuffer(&bytes)
        bytes = kept
    }

    /// Forgets the bytes kept and the body under way: the next bytes start a message.
    public mutating func reset() {
        body = nil
        pending = nil
        searched = 0
        newlinesSearched = 0
    }

    /// Keeps the rest of `bytes` for the next read.
    public mutating func keep(_ bytes: inout ByteBuffer) {
        pending = bytes
        bytes.moveReaderIndex(forwardBy: bytes.readableBytes)
    }

    // MARK: Heads

    /// The head at the front of `bytes`, consumed, without the empty line that ends it, and how many lines it has
    /// (the start line and a line per field); nil, with the bytes kept, while its end has not arrived.
    public mutating func takeHead(_ bytes: inout ByteBuffer) throws(HTTP1Malformed) -> (head: ByteBuffer, lines: Int)? {
        // The LFs are counted as they are found: one per line, which sizes the fields once.
        let (end, next, newlines) = try bytes.withUnsafeReadableBytes {
            (raw) throws(HTTP1Malformed) -> (end: Int?, next: Int, newlines: Int) in
            var next = searched
            var newlines = newlinesSearched
            while let index = HTTP1Syntax.newline(in: raw, from: next) {
                next = index + 1
                newlines += 1
                guard index > 0, raw[index - 1] == UInt8(ascii: "\r") else {
                    throw HTTP1Malformed("a line of the head ends in a bare LF, not CR LF")
                }
                if index >= 3, raw[index - 2] == UInt8(ascii: "\n") { return (index + 1, next, newlines) }
            }
            return (nil, next, newlines)
        }
        guard let end else {
            guard bytes.readableBytes <= maximumHeadSize else { throw tooLong }
            searched = next
            newlinesSearched = newlines
            keep(&bytes)
            return nil
        }
        guard end <= maximumHeadSize else { throw tooLong }
        searched = 0
        newlinesSearched = 0
        let head = bytes.readSlice(length: end - 2)!
        bytes.moveReaderIndex(forwardBy: 2)
        return (head, newlines - 1)
    }

    private var tooLong: HTTP1Malformed {
        HTTP1Malformed("the head is longer than \(maximumHeadSize) bytes", kind: .headTooLarge)
    }

    // MARK: Bodies

    /// The body that follows the head just taken.
    public mutating func startBody(_ framing: BodyFraming) {
        trailerBytes = 0
        switch framing {
        case .none: body = nil
        case .length(let length): body = length > 0 ? .length(length) : nil
        case .chunked: body = .chunkSize
        case .untilClose: body = .untilClose
        }
    }

    /// Reads what it can of the body from `bytes`, telling `emit` each slice of it: true once the body ended (what
    /// is left of `bytes` then follows the message), false when `bytes` ran out first.
    public mutating func readBody(
        _ bytes: inout ByteBuffer,
        _ emit: (ByteBuffer) -> Void
    ) throws(HTTP1Malformed) -> Bool {
        while let state = body {
            switch state {
            case .length(let left):
                guard bytes.readableBytes > 0 else { return false }
                let slice = bytes.readSlice(length: min(left, bytes.readableBytes))!
                emit(slice)
                body = left == slice.readableBytes ? nil : .length(left - slice.readableBytes)
            case .untilClose:
                if bytes.readableBytes > 0 { emit(bytes.readSlice(length: bytes.readableBytes)!) }
                return false
            case .chunkSize:
                guard let line = try takeLine(&bytes, limit: Self.maximumChunkLineSize, what: "a chunk size line")
                else {
                    return false
                }
                let size = try HTTP1Syntax.chunkSize(line)
                body = size == 0 ? .trailers : .chunkData(size)
            case .chunkData(let left):
                guard bytes.readableBytes > 0 else { return false }
                let slice = bytes.readSlice(length: min(left, bytes.readableBytes))!
                emit(slice)
                body = left == slice.readableBytes ? .chunkEnd : .chunkData(left - slice.readableBytes)
            case .chunkEnd:
                guard bytes.readableBytes >= 2 else {
                    guard bytes.readableBytes == 0 || bytes.readableBytesView.first == UInt8(ascii: "\r") else {
                        throw HTTP1Malformed("a chunk's data is not followed by CR LF")
                    }
                    keep(&bytes)
                    return false
                }
                guard bytes.readInteger(as: UInt16.self) == 0x0D0A else {
                    throw HTTP1Malformed("a chunk's data is not followed by CR LF")
                }
                body = .chunkSize
            case .trailers:
                let limit = Self.maximumChunkLineSize - trailerBytes
                guard let line = try takeLine(&bytes, limit: limit, what: "the trailer section") else { return false }
                trailerBytes += line.readableBytes + 2
                if line.readableBytes == 0 {
                    body = nil
                } else {
                    // Trailer fields are read past, not passed on (neither side asks for them), but they must still
                    // be fields.
                    _ = try line.withUnsafeReadableBytes { (raw) throws(HTTP1Malformed) in try HTTP1Syntax.field(raw) }
                }
            }
        }
        return true
    }

    /// The connection closed: whether that ended the body under way (one delimited by the close). Any other body
    /// still under way was cut short.
    public mutating func connectionClosed() -> Bool {
        defer { reset() }
        if case .untilClose? = body { return true }
        return false
    }

    /// The line at the front of `bytes` without its CR LF, consumed; nil (the bytes kept) while its end has not
    /// arrived.
    private mutating func takeLine(
        _ bytes: inout ByteBuffer,
        limit: Int,
        what: String
    ) throws(HTTP1Malformed) -> ByteBuffer? {
        guard let newline = bytes.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            guard bytes.readableBytes <= limit else { throw HTTP1Malformed("\(what) is longer than \(limit) bytes") }
            keep(&bytes)
            return nil
        }
        let length = newline - bytes.readerIndex
        guard length > 0, bytes.getInteger(at: newline - 1, as: UInt8.self) == UInt8(ascii: "\r") else {
            throw HTTP1Malformed("\(what) ends in a bare LF, not CR LF")
        }
        guard length + 1 <= limit else { throw HTTP1Malformed("\(what) is longer than \(limit) bytes") }
        let line = bytes.readSlice(length: length - 1)!
        bytes.moveReaderIndex(forwardBy: 2)
        return line
    }
}

/// The fields of a head, and what they say about the message's framing and connection.
public struct HTTP1Fields: Sendable {
    /// Every field, in the order and spelling sent.
    public var fields: S3Headers
    public var contentLength: Int?
    public var transferEncoding = TransferEncoding.none
    /// How many transfer codings were named, `chunked` included.
    public var codings = 0
    /// `Connection: close` was sent.
    public var closes = false
    /// `Connection: keep-alive` was sent.
    public var keepsAlive = false
    public var hostCount = 0
    /// `Expect: 100-continue` was sent.
    public var expectsContinue = false

    /// What the `Transfer-Encoding` fields of a head say about its body.
    public enum TransferEncoding: Equatable, Sendable {
        case none
        /// The last coding is `chunked`.
        case chunked
        /// Some other coding is last.
        case other
    }

    /// Reads the field lines of a head (`lines`, a line per field, each ended by CR LF), leaving room for `extra`
    /// fields more.
    public static func read(_ lines: inout HTTP1HeadLines, extra: Int) throws(HTTP1Malformed) -> HTTP1Fields {
        try read(&lines, extra: extra, keeping: { _ in true })
    }

    /// The same, keeping in `fields` only those whose name `keep` accepts: the others are still checked and still
    /// set the framing, but no strings are made for them (a forwarder drops hop-by-hop fields so).
    public static func read(
        _ lines: inout HTTP1HeadLines,
        extra: Int,
        keeping keep: (UnsafeRawBufferPointer) -> Bool
    ) throws(HTTP1Malformed) -> HTTP1Fields {
        var read = HTTP1Fields(fields: S3Headers())
        // A field per line, and room for those the caller adds: no growing as fields are added.
        read.fields.reserveCapacity(lines.remaining + extra)
        while let line = lines.next() {
            let (name, value) = try HTTP1Syntax.field(line)
            // Only the few names that matter to framing are compared, each against names of its own length.
            switch name.count {
            case 4 where HTTP1Syntax.isName(name, "host"):
                read.hostCount += 1
            case 6 where HTTP1Syntax.isName(name, "expect"):
                if HTTP1Syntax.isName(value, "100-continue") { read.expectsContinue = true }
            case 10 where HTTP1Syntax.isName(name, "connection"):
                HTTP1Syntax.forEachItem(of: value) { option in
                    if HTTP1Syntax.isName(option, "close") { read.closes = true }
                    if HTTP1Syntax.isName(option, "keep-alive") { read.keepsAlive = true }
                }
            case 14 where HTTP1Syntax.isName(name, "content-length"):
                guard read.contentLength == nil else { throw HTTP1Malformed("Content-Length is given twice") }
                read.contentLength = try HTTP1Syntax.contentLength(value)
            case 17 where HTTP1Syntax.isName(name, "transfer-encoding"):
                try HTTP1Syntax.forEachItem(of: value) { (coding) throws(HTTP1Malformed) in
                    guard !coding.isEmpty else { return }
                    read.codings += 1
                    // RFC 9112 §6.1: chunked, when present, is the last coding, and is applied once.
                    guard read.transferEncoding != .chunked else {
                        throw HTTP1Malformed("chunked is not the last transfer coding")
                    }
                    read.transferEncoding = HTTP1Syntax.isName(coding, "chunked") ? .chunked : .other
                }
            default:
                break
            }
            guard keep(name) else { continue }
            // A token (`HTTP1Syntax.field` checked it): ASCII.
            read.fields.add(
                token: HTTP1FieldNames.known(name) ?? String(decoding: name, as: UTF8.self),
                value: String(decoding: value, as: UTF8.self)
            )
        }
        if read.contentLength != nil, read.transferEncoding != .none {
            throw HTTP1Malformed("the message has both Content-Length and Transfer-Encoding")
        }
        return read
    }
}

/// The lines of a head, each without its CR LF.
public struct HTTP1HeadLines {
    private let head: UnsafeRawBufferPointer
    private var start = 0
    /// Lines not read yet.
    public private(set) var remaining: Int

    /// `head`: lines each ended by CR LF, `lines` of them (as `HTTP1MessageReader.takeHead` counted).
    public init(_ head: UnsafeRawBufferPointer, lines: Int) {
        self.head = head
        self.remaining = lines
    }

    public mutating func next() -> UnsafeRawBufferPointer? {
        guard let index = HTTP1Syntax.newline(in: head, from: start) else { return nil }
        defer {
            start = index + 1
            remaining -= 1
        }
        return UnsafeRawBufferPointer(rebasing: head[start..<(index - 1)])
    }
}

/// The byte-level rules of RFC 9112 both sides read by.
public enum HTTP1Syntax {
    /// The index of the first LF at or after `start` (`memchr`: a head is searched a word at a time, not a byte).
    public static func newline(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
            let found = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start)
        else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// The index of the first `byte` in `bytes` (`memchr`).
    public static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress, let found = memchr(base, Int32(byte), bytes.count) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Whether every byte is visible ASCII (0x21 to 0x7E), eight at a time: what a request target may hold.
    public static func isVisibleASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        HTTPFieldSyntax.allPass(bytes, lowest: 0x21) { $0 > 0x20 && $0 < 0x7F }
    }

    /// `name ":" OWS value OWS`, the name a token, the value without control characters: the name's and the
    /// trimmed value's bytes.
    public static func field(
        _ line: UnsafeRawBufferPointer
    ) throws(HTTP1Malformed) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer) {
        if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            throw HTTP1Malformed("a field is folded over two lines (obs-fold)")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw HTTP1Malformed("a line of the head is not a field")
        }
        let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
        guard !name.isEmpty, HTTPFieldSyntax.isValidName(name) else {
            throw HTTP1Malformed("the field name '\(String(decoding: name, as: UTF8.self))' is not a token")
        }
        let value = trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
        guard HTTPFieldSyntax.isValidValue(value) else {
            throw HTTP1Malformed("the value of '\(String(decoding: name, as: UTF8.self))' has a control character")
        }
        return (name, value)
    }

    /// `bytes` without the spaces and tabs around it.
    public static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// Whether `bytes` are `lowercased`, ignoring ASCII case.
    public static func isName(_ bytes: UnsafeRawBufferPointer, _ lowercased: StaticString) -> Bool {
        bytes.count == lowercased.utf8CodeUnitCount
            && isFolded(bytes, UnsafeRawBufferPointer(start: lowercased.utf8Start, count: lowercased.utf8CodeUnitCount))
    }

    /// Whether `bytes`, with `A-Z` made lower case, are `lowercased` (of the same length).
    @inlinable
    public static func isFolded(_ bytes: UnsafeRawBufferPointer, _ lowercased: UnsafeRawBufferPointer) -> Bool {
        for index in 0..<lowercased.count {
            let byte = bytes[index]
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            guard folded == lowercased[index] else { return false }
        }
        return true
    }

    /// Calls `body` with each item of a comma-separated list, trimmed (empty items too), without making an array.
    public static func forEachItem<E: Error>(
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
    public static func contentLength(_ value: UnsafeRawBufferPointer) throws(HTTP1Malformed) -> Int {
        guard !value.isEmpty, value.count <= 18, value.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else {
            throw HTTP1Malformed("Content-Length '\(String(decoding: value, as: UTF8.self))' is not a length")
        }
        return value.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// A chunk size line's size: hex digits, then any chunk extensions (`*( BWS ";" … )`, RFC 9112 §7.1.1), which are
    /// read past.
    static func chunkSize(_ line: ByteBuffer) throws(HTTP1Malformed) -> Int {
        try line.withUnsafeReadableBytes { (raw) throws(HTTP1Malformed) -> Int in
            var size = 0
            var index = 0
            while index < raw.count, let digit = hexValue(raw[index]) {
                guard size <= (Int.max - 15) / 16 else { throw HTTP1Malformed("a chunk size is too large") }
                size = size * 16 + digit
                index += 1
            }
            guard index > 0 else { throw HTTP1Malformed("a chunk size is not hexadecimal") }
            var rest = UnsafeRawBufferPointer(rebasing: raw[index...])
            while let first = rest.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst())
            }
            let extensions = rest.first == UInt8(ascii: ";") && rest.allSatisfy(HTTPFieldSyntax.isValueByte)
            guard index == raw.count || extensions else {
                throw HTTP1Malformed("a chunk size is not hexadecimal")
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
