import APRouterTestSupport
import AccessPointCore
import NIOCore
import NIOEmbedded
import NIOHTTP1
import S3HTTP
import Testing

@testable import UpstreamStore

/// The store client's response reader, table-driven: each response fed whole, one byte at a time, and cut in two at
/// every byte, with the same result. For every response it accepts, NIOHTTP1's response decoder (llhttp) is the
/// judge: it must read the same status, fields and body.
struct StoreResponseParserTests {
    /// What the parser read from one response.
    struct Read: Equatable, CustomStringConvertible {
        var status: Int?
        var fields: [String] = []
        var contentLength: Int?
        var body: [UInt8] = []
        var ended = false
        var keepsAlive = false

        var description: String {
            "status \(status.map(String.init) ?? "-") fields \(fields) length \(contentLength.map(String.init) ?? "-") "
                + "body \(String(decoding: body, as: UTF8.self).debugDescription) ended \(ended) keepsAlive \(keepsAlive)"
        }
    }

    struct Accepted: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: String
        var head = false
        var status: Int
        var fields: [String]
        var contentLength: Int?
        var body: String = ""
        /// The body ends only when the connection closes.
        var untilClose = false
        var keepsAlive = true

        var testDescription: String { name }
    }

    static let accepted: [Accepted] = [
        Accepted(
            name: "Content-Length",
            bytes: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"x\"\r\n\r\nhello",
            status: 200,
            fields: ["Content-Length: 5", "ETag: \"x\""],
            contentLength: 5,
            body: "hello"
        ),
        Accepted(
            name: "chunked, with an extension and a trailer",
            bytes: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n"
                + "A\r\n0123456789\r\n0\r\nx-amz-checksum-crc32: AAAAAA==\r\n\r\n",
            status: 200,
            fields: ["Transfer-Encoding: chunked"],
            body: "hello world0123456789"
        ),
        Accepted(
            name: "HEAD: a length but no body",
            bytes: "HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n",
            head: true,
            status: 200,
            fields: ["Content-Length: 1024"]
        ),
        Accepted(
            name: "204 has no body",
            bytes: "HTTP/1.1 204 No Content\r\nx-amz-request-id: 1\r\n\r\n",
            status: 204,
            fields: ["x-amz-request-id: 1"]
        ),
        Accepted(
            name: "304 has no body whatever its length says",
            bytes: "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
            status: 304,
            fields: ["Content-Length: 10"]
        ),
        Accepted(
            name: "an interim 100 is read past",
            bytes: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            status: 200,
            fields: ["Content-Length: 2"],
            contentLength: 2,
            body: "ok"
        ),
        Accepted(
            name: "no length: the body ends with the connection",
            bytes: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close",
            status: 200,
            fields: ["Content-Type: text/plain"],
            body: "until close",
            untilClose: true,
            keepsAlive: false
        ),
        Accepted(
            name: "a transfer coding other than chunked: until close",
            bytes: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzzz",
            status: 200,
            fields: ["Transfer-Encoding: gzip"],
            body: "zzz",
            untilClose: true,
            keepsAlive: false
        ),
        Accepted(
            name: "HTTP/1.0 closes",
            bytes: "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
            status: 200,
            fields: ["Content-Length: 2"],
            contentLength: 2,
            body: "ok",
            keepsAlive: false
        ),
        Accepted(
            name: "HTTP/1.0 with keep-alive",
            bytes: "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok",
            status: 200,
            fields: ["Connection: Keep-Alive", "Content-Length: 2"],
            contentLength: 2,
            body: "ok"
        ),
        Accepted(
            name: "Connection: close",
            bytes: "HTTP/1.1 403 Forbidden\r\nConnection: upgrade, close\r\nContent-Length: 0\r\n\r\n",
            status: 403,
            fields: ["Connection: upgrade, close", "Content-Length: 0"],
            contentLength: 0,
            keepsAlive: false
        ),
        Accepted(
            name: "an empty reason phrase",
            bytes: "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n",
            status: 200,
            fields: ["Content-Length: 0"],
            contentLength: 0
        ),
        Accepted(
            name: "white space around a value, obs-text in one",
            bytes: "HTTP/1.1 200 OK\r\nETag:  \t\"abc\" \t\r\nx-amz-meta-cafe: caf\u{e9}\r\nContent-Length: 0\r\n\r\n",
            status: 200,
            fields: ["ETag: \"abc\"", "x-amz-meta-cafe: caf\u{e9}", "Content-Length: 0"],
            contentLength: 0
        ),
    ]

    struct Rejected: Sendable, CustomTestStringConvertible {
        let bytes: String
        let reason: String

        var testDescription: String { reason }
    }

    static let rejected: [Rejected] = [
        Rejected(bytes: "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", reason: "a line of the head ends in a bare LF"),
        Rejected(
            bytes: "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello",
            reason: "the field name 'Content-Length '"
        ),
        Rejected(bytes: "HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\n\r\n", reason: "obs-fold"),
        Rejected(bytes: "HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", reason: "a line of the head is not a field"),
        Rejected(
            bytes: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            reason: "both Content-Length and Transfer-Encoding"
        ),
        Rejected(
            bytes: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            reason: "Content-Length is given twice"
        ),
        Rejected(
            bytes: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab",
            reason: "Content-Length is given twice"
        ),
        Rejected(bytes: "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc", reason: "Content-Length '3, 3'"),
        Rejected(bytes: "HTTP/1.1 200 OK\r\nContent-Length: 5a\r\n\r\n", reason: "Content-Length '5a' is not a length"),
        Rejected(bytes: "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", reason: "Content-Length '-1' is not a length"),
        Rejected(
            bytes: "HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n",
            reason: "Content-Length '1234567890123456789' is not a length"
        ),
        Rejected(
            bytes: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
            reason: "chunked is not the last transfer coding"
        ),
        Rejected(
            bytes: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            reason: "a chunk size is not hexadecimal"
        ),
        Rejected(
            bytes: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n",
            reason: "a chunk size is not hexadecimal"
        ),
        Rejected(
            bytes: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n0\r\n\r\n",
            reason: "a chunk size is not hexadecimal"
        ),
        Rejected(
            bytes: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
            reason: "a chunk's data is not followed by CR LF"
        ),
        Rejected(
            bytes: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n",
            reason: "a chunk size is too large"
        ),
        Rejected(bytes: "HTTP/2.0 200 OK\r\n\r\n", reason: "the status line is not 'HTTP/1.x NNN reason'"),
        Rejected(bytes: "HTTP/1.1 20 OK\r\n\r\n", reason: "the status is not three digits"),
        Rejected(
            bytes: "ICY 200 OK\r\nContent-Length: 0\r\n\r\n",
            reason: "the status line is not 'HTTP/1.x NNN reason'"
        ),
        Rejected(bytes: "not http at all\r\n\r\n", reason: "the status line is not 'HTTP/1.x NNN reason'"),
        Rejected(bytes: "HTTP/1.1 101 Switching Protocols\r\n\r\n", reason: "switched protocols unasked"),
        Rejected(
            bytes: "HTTP/1.1 200 OK\r\nX-A: a\u{1}b\r\n\r\n",
            reason: "the value of 'X-A' has a control character"
        ),
        Rejected(bytes: "HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n", reason: "the value of 'X-A' has a control character"),
    ]

    // MARK: Feeding

    /// Feeds `pieces` in order, as reads of a connection, then closes it when `close`.
    static func parse(
        _ pieces: [[UInt8]],
        head: Bool = false,
        close: Bool = true
    ) throws(StoreResponseParser.Malformed) -> Read {
        var parser = StoreResponseParser()
        parser.expectResponse(toHEAD: head)
        var read = Read()
        func note(_ event: StoreResponseParser.Event) {
            switch event {
            case .head(let head):
                read.status = head.status
                read.fields = head.fields.map { "\($0.name): \($0.value)" }
                read.contentLength = head.contentLength
            case .body(let buffer):
                read.body += buffer.readableBytesView
            case .end:
                read.ended = true
            }
        }
        for piece in pieces {
            var buffer = ByteBuffer(bytes: piece)
            try parser.feed(&buffer, note)
            #expect(buffer.readableBytes == 0 || read.ended, "a piece was left unread before the end")
        }
        if close, !read.ended, parser.connectionClosed() { read.ended = true }
        read.keepsAlive = parser.keepsAlive
        return read
    }

    // MARK: Tests

    @Test(arguments: accepted)
    func readsAResponse(_ response: Accepted) throws {
        let expected = Read(
            status: response.status,
            fields: response.fields,
            contentLength: response.contentLength,
            body: Array(response.body.utf8),
            ended: true,
            keepsAlive: response.keepsAlive
        )
        for pieces in Arrivals.everyWay(Array(response.bytes.utf8)) {
            let read = try Self.parse(pieces, head: response.head)
            #expect(read == expected, "in \(pieces.count) pieces")
            if read != expected { break }
        }
        if response.untilClose {
            let open = try Self.parse([Array(response.bytes.utf8)], head: response.head, close: false)
            #expect(!open.ended, "a close-delimited body ended before the close")
        }
        try Self.expectNIOReads(response)
    }

    @Test(arguments: rejected)
    func refusesAResponse(_ response: Rejected) {
        for pieces in Arrivals.everyWay(Array(response.bytes.utf8)) {
            #expect(throws: StoreResponseParser.Malformed.self, "in \(pieces.count) pieces") {
                try Self.parse(pieces)
            }
        }
        do {
            _ = try Self.parse([Array(response.bytes.utf8)])
        } catch {
            #expect(error.description.contains(response.reason), "\(error.description)")
        }
    }

    @Test func refusesAHeadLongerThanTheLimit() {
        let long =
            "HTTP/1.1 200 OK\r\n"
            + String(repeating: "x-amz-meta-a: \(String(repeating: "a", count: 1000))\r\n", count: 70)
        #expect(throws: StoreResponseParser.Malformed("the head is longer than 65536 bytes", kind: .headTooLarge)) {
            try Self.parse([Array(long.utf8)])
        }
        #expect(throws: StoreResponseParser.Malformed("the head is longer than 65536 bytes", kind: .headTooLarge)) {
            try Self.parse(Arrivals.inReads(of: 4096, Array(long.utf8)))
        }
    }

    @Test func refusesAChunkLineLongerThanTheLimit() {
        let bytes = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;" + String(repeating: "e", count: 5000)
        #expect(throws: StoreResponseParser.Malformed("a chunk size line is longer than 4096 bytes")) {
            try Self.parse([Array(bytes.utf8)])
        }
    }

    /// The parser stops at the end of a response: bytes after it are not read as part of it, nor as the next one.
    @Test func stopsAtTheEndOfAResponse() throws {
        var parser = StoreResponseParser()
        parser.expectResponse(toHEAD: false)
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n")
        var events = 0
        try parser.feed(&buffer) { _ in events += 1 }
        #expect(events == 3)
        #expect(String(buffer: buffer) == "HTTP/1.1 200 OK\r\n\r\n")
        // Nothing is expected now: whatever comes is left unread.
        try parser.feed(&buffer) { _ in events += 1 }
        #expect(events == 3)
        #expect(buffer.readableBytes == 19)
    }

    /// A response cut short by the close has not ended; only a close-delimited body ends with the connection.
    @Test func aCloseEndsOnlyAResponseDelimitedByIt() throws {
        var parser = StoreResponseParser()
        parser.expectResponse(toHEAD: false)
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
        try parser.feed(&buffer) { _ in }
        let ended = parser.connectionClosed()
        #expect(!ended)
    }

    /// Mutated responses (seeded) never trap the parser, and each is read the same whole as in random reads.
    @Test func mutatedResponsesReadTheSameHoweverTheyArrive() {
        let seeds = (Self.accepted.map(\.bytes) + Self.rejected.map(\.bytes)).map { Array($0.utf8) }
        for (round, mutation) in Arrivals.mutations(of: seeds, count: 4_000).enumerated() {
            let whole = Self.outcome([mutation.bytes])
            let split = Self.outcome(mutation.reads)
            #expect(
                whole == split,
                "round \(round): \(String(decoding: mutation.bytes, as: UTF8.self).debugDescription)"
            )
            if whole != split { return }
        }
    }

    /// What the parser makes of one response arriving in `reads`, then the close, without judging it: what it read
    /// (bytes after the response's end are left, as a connection leaves them), or the error that stopped it.
    static func outcome(_ reads: [[UInt8]]) -> String {
        var parser = StoreResponseParser()
        parser.expectResponse(toHEAD: false)
        var read = Read()
        do {
            for piece in reads where !read.ended {
                var buffer = ByteBuffer(bytes: piece)
                try parser.feed(&buffer) { event in
                    switch event {
                    case .head(let head):
                        read.status = head.status
                        read.fields = head.fields.map { "\($0.name): \($0.value)" }
                        read.contentLength = head.contentLength
                    case .body(let buffer): read.body += buffer.readableBytesView
                    case .end: read.ended = true
                    }
                }
            }
        } catch {
            return "error \(error)"
        }
        if !read.ended, parser.connectionClosed() { read.ended = true }
        read.keepsAlive = parser.keepsAlive
        return read.description
    }

    // MARK: The judge

    /// NIOHTTP1's response decoder reads `response` the same way: status, fields and body.
    static func expectNIOReads(_ response: Accepted) throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        let method: HTTPMethod = response.head ? .HEAD : .GET
        try channel.writeOutbound(
            HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: method, uri: "/"))
        )
        try channel.writeOutbound(HTTPClientRequestPart.end(nil))
        try channel.writeInbound(ByteBuffer(string: response.bytes))
        if response.untilClose { channel.pipeline.fireChannelInactive() }
        var read = Read()
        while let part = try channel.readInbound(as: HTTPClientResponsePart.self) {
            switch part {
            case .head(let head) where head.status.code >= 200:
                read.status = Int(head.status.code)
                // llhttp keeps white space after a value, which RFC 9110 §5.5 says is not part of it.
                read.fields = head.headers.map {
                    "\($0.name): \(Arrivals.trimmingTrailingWhitespace($0.value))"
                }
            case .head:
                continue
            case .body(let buffer):
                read.body += buffer.readableBytesView
            case .end:
                read.ended = true
            }
        }
        _ = try? channel.finish()
        #expect(read.status == response.status, "NIOHTTP1: \(read)")
        #expect(read.fields == response.fields, "NIOHTTP1: \(read)")
        #expect(read.body == Array(response.body.utf8), "NIOHTTP1: \(read)")
        #expect(read.ended, "NIOHTTP1: \(read)")
    }
}

/// The request line and fields the client writes, read back by NIOHTTP1's request decoder as the judge.
struct StoreRequestEncodingTests {
    @Test func writesTheRequestLineAndFieldsInOrder() throws {
        let request = StoreRequest(
            method: "PUT",
            target: "/remote/a%20b?tagging=",
            fields: [
                HTTPField(name: "Host", value: "127.0.0.1:9000"), HTTPField(name: "x-amz-meta-a", value: "caf\u{e9}"),
                HTTPField(name: "Content-Length", value: "3"),
            ],
            body: .buffer(ByteBuffer(string: "abc"))
        )
        var bytes = request.encodedHead(allocator: ByteBufferAllocator(), extraCapacity: 3)
        #expect(
            String(buffer: bytes)
                == "PUT /remote/a%20b?tagging= HTTP/1.1\r\nHost: 127.0.0.1:9000\r\nx-amz-meta-a: caf\u{e9}\r\n"
                + "Content-Length: 3\r\n\r\n"
        )
        #expect(bytes.writableBytes >= 3, "no room left for the body")
        bytes.writeString("abc")

        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
        try channel.writeInbound(bytes)
        guard case .head(let head) = try channel.readInbound(as: HTTPServerRequestPart.self) else {
            Issue.record("NIOHTTP1 read no head")
            return
        }
        #expect(head.method == .PUT && head.uri == "/remote/a%20b?tagging=")
        #expect(head.headers.map { "\($0.name): \($0.value)" } == request.fields.map { "\($0.name): \($0.value)" })
        guard case .body(let body) = try channel.readInbound(as: HTTPServerRequestPart.self) else {
            Issue.record("NIOHTTP1 read no body")
            return
        }
        #expect(String(buffer: body) == "abc")
        _ = try? channel.finish()
    }

    /// What `StoreClient.execute` refuses before writing a byte: a method that is not a token, a target with a
    /// space or a control character (either would change the request line the store reads).
    @Test(arguments: [
        ("GET", "/remote/key", true), ("DELETE", "/remote/key?uploadId=1", true), ("G ET", "/k", false),
        ("GET", "/a b", false), ("GET", "/a\r\nHost: evil", false), ("GET", "", false), ("", "/k", false),
        ("GET", "/caf\u{e9}", false),
    ])
    func checksTheRequestLine(method: String, target: String, valid: Bool) {
        #expect(StoreRequest.isValidRequestLine(method: method, target: target) == valid)
    }
}
