import APRouterTestSupport
import AccessPointCore
import NIOCore
import NIOEmbedded
import NIOHTTP1
import S3HTTP
import S3Serving
import Testing

/// The servers' request reader, table-driven: each connection's bytes fed whole, one byte at a time, and cut in two
/// at every byte, with the same result. NIOHTTP1's request decoder (llhttp) is the judge: for every request this
/// parser accepts, it must read the same method, target, fields, body and keep-alive; for every one this parser
/// refuses, the table says whether llhttp refuses it too, and where it does not, why this parser is stricter.
struct HTTPRequestParserTests {
    /// One request as read.
    struct Read: Equatable, CustomStringConvertible {
        var method: String
        var target: String
        var version = "HTTP/1.1"
        var fields: [String] = []
        var body = ""
        var keepAlive = true
        var expectsContinue = false

        var description: String {
            "\(method) \(target) \(version) \(fields) body \(body.debugDescription) keepAlive \(keepAlive)"
                + " continue \(expectsContinue)"
        }
    }

    struct Accepted: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: String
        let requests: [Read]

        var testDescription: String { name }
    }

    static let accepted: [Accepted] = [
        Accepted(
            name: "a presigned GET",
            bytes: "GET /k?X-Amz-Signature=abc&x-id=GetObject HTTP/1.1\r\nHost: ap.s3.lab.localhost\r\n\r\n",
            requests: [
                Read(
                    method: "GET",
                    target: "/k?X-Amz-Signature=abc&x-id=GetObject",
                    fields: ["Host: ap.s3.lab.localhost"]
                )
            ]
        ),
        Accepted(
            name: "a PUT with Content-Length",
            bytes: "PUT /a%20b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nx-amz-meta-a: caf\u{e9}\r\n\r\nhello",
            requests: [
                Read(
                    method: "PUT",
                    target: "/a%20b",
                    fields: ["Host: h", "Content-Length: 5", "x-amz-meta-a: caf\u{e9}"],
                    body: "hello"
                )
            ]
        ),
        Accepted(
            name: "a chunked PUT with an extension and a trailer",
            bytes: "PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n"
                + "0\r\nx-amz-checksum-crc32: AAAAAA==\r\n\r\n",
            requests: [
                Read(
                    method: "PUT",
                    target: "/k",
                    fields: ["Host: h", "Transfer-Encoding: Chunked"],
                    body: "hello world"
                )
            ]
        ),
        Accepted(
            name: "three pipelined requests",
            bytes: "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPUT /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok"
                + "DELETE /3 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
            requests: [
                Read(method: "GET", target: "/1", fields: ["Host: h"]),
                Read(method: "PUT", target: "/2", fields: ["Host: h", "Content-Length: 2"], body: "ok"),
                Read(method: "DELETE", target: "/3", fields: ["Host: h", "Connection: close"], keepAlive: false),
            ]
        ),
        Accepted(
            name: "empty lines before a request line are read past",
            bytes: "\r\n\r\nHEAD /k HTTP/1.1\r\nHost: h\r\n\r\n",
            requests: [Read(method: "HEAD", target: "/k", fields: ["Host: h"])]
        ),
        Accepted(
            name: "HTTP/1.0 closes unless it asks to keep alive",
            bytes: "GET /b HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\nGET /a HTTP/1.0\r\n\r\n",
            requests: [
                Read(method: "GET", target: "/b", version: "HTTP/1.0", fields: ["Connection: Keep-Alive"]),
                Read(method: "GET", target: "/a", version: "HTTP/1.0", keepAlive: false),
            ]
        ),
        Accepted(
            name: "Expect: 100-continue, in HTTP/1.1 only",
            bytes: "PUT /a HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nx"
                + "PUT /b HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\ny",
            requests: [
                Read(
                    method: "PUT",
                    target: "/a",
                    fields: ["Host: h", "Expect: 100-Continue", "Content-Length: 1"],
                    body: "x",
                    expectsContinue: true
                ),
                Read(
                    method: "PUT",
                    target: "/b",
                    version: "HTTP/1.0",
                    fields: ["Expect: 100-continue", "Content-Length: 1"],
                    body: "y",
                    keepAlive: false
                ),
            ]
        ),
        Accepted(
            name: "white space around values; an empty value; a method of its own",
            bytes: "PROPFIND * HTTP/1.1\r\nHost:h\r\nX-Empty:\r\nX-A: \t a b \t\r\n\r\n",
            requests: [Read(method: "PROPFIND", target: "*", fields: ["Host: h", "X-Empty: ", "X-A: a b"])]
        ),
        Accepted(
            name: "a request without Host is left to the server",
            bytes: "GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
            requests: [Read(method: "GET", target: "/", fields: ["Content-Length: 0"])]
        ),
    ]

    struct Rejected: Sendable, CustomTestStringConvertible {
        let bytes: String
        let reason: String
        var kind = HTTP1Malformed.Kind.malformed
        /// llhttp (NIOHTTP1's decoder) reads it anyway; `reason` says why this parser does not.
        var llhttpAccepts = false

        var testDescription: String { "\(reason): \(bytes.debugDescription)" }
    }

    static let rejected: [Rejected] = [
        Rejected(bytes: "GET / HTTP/1.1\nHost: h\r\n\r\n", reason: "a line of the head ends in a bare LF"),
        Rejected(bytes: "GET / HTTP/1.1\r\nHost : h\r\n\r\n", reason: "the field name 'Host ' is not a token"),
        Rejected(bytes: "GET / HTTP/1.1\r\nHost: h\r\n x\r\n\r\n", reason: "obs-fold"),
        Rejected(bytes: "GET / HTTP/1.1\r\nno colon\r\n\r\n", reason: "a line of the head is not a field"),
        Rejected(bytes: "GET / HTTP/1.1\r\nX-A: a\u{1}b\r\n\r\n", reason: "the value of 'X-A' has a control character"),
        // Request smuggling: two framings, or two lengths.
        Rejected(
            bytes: "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            reason: "both Content-Length and Transfer-Encoding"
        ),
        Rejected(
            bytes: "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
            reason: "Content-Length is given twice"
        ),
        Rejected(bytes: "POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\nabc", reason: "Content-Length '3, 3'"),
        Rejected(bytes: "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", reason: "Content-Length '-1' is not a length"),
        Rejected(
            bytes: "POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\nx",
            reason: "Content-Length '+1' is not a length"
        ),
        Rejected(
            bytes: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
            reason: "chunked is not the last transfer coding"
        ),
        Rejected(
            bytes: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            reason: "chunked is not the last transfer coding"
        ),
        Rejected(
            bytes: "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            reason: "chunked is not the last transfer coding"
        ),
        Rejected(
            bytes: "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            reason: "a transfer coding other than chunked is not implemented",
            kind: .notImplemented,
            // llhttp hands the gzip-coded body on as it is; no server here would decode it.
            llhttpAccepts: true
        ),
        Rejected(
            bytes: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            reason: "an HTTP/1.0 request has Transfer-Encoding",
            // RFC 9112 §6.1: the framing of an HTTP/1.0 message with Transfer-Encoding is faulty.
            llhttpAccepts: true
        ),
        Rejected(
            bytes: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n",
            reason: "a chunk size is not hexadecimal"
        ),
        Rejected(
            bytes: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
            reason: "a chunk's data is not followed by CR LF"
        ),
        Rejected(
            bytes: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
            reason: "a chunk size is too large"
        ),
        // The request line.
        Rejected(
            bytes: "GET  / HTTP/1.1\r\n\r\n",
            reason: "the request line is not 'METHOD target HTTP/1.x'",
            // RFC 9112 §3 allows splitting on runs of white space, and warns that a proxy that does may read a
            // request line differently from the server behind it; single spaces are what every client sends.
            llhttpAccepts: true
        ),
        Rejected(bytes: "GET / HTTP/1.1 \r\n\r\n", reason: "the request line is not 'METHOD target HTTP/1.x'"),
        Rejected(bytes: "GET /\r\n\r\n", reason: "the request line is not 'METHOD target HTTP/1.x'"),
        Rejected(bytes: "G(T / HTTP/1.1\r\n\r\n", reason: "the method 'G(T' is not a token"),
        Rejected(bytes: "GET /a\u{7F}b HTTP/1.1\r\n\r\n", reason: "the request target has a byte that is not visible"),
        Rejected(bytes: "GET /caf\u{e9} HTTP/1.1\r\n\r\n", reason: "the request target has a byte that is not visible"),
        Rejected(bytes: "GET / HTTP/2.0\r\n\r\n", reason: "HTTP/2.0 is not supported"),
        Rejected(bytes: "GET / HTTP/1.1x\r\n\r\n", reason: "the request line is not 'METHOD target HTTP/1.x'"),
        Rejected(bytes: "GET / http/1.1\r\n\r\n", reason: "the request line is not 'METHOD target HTTP/1.x'"),
        Rejected(
            bytes: "\rGET / HTTP/1.1\r\n\r\n",
            reason: "the method '\rGET' is not a token",
            // RFC 9112 §2.2 has empty lines (CR LF) read past before a request line, not a lone CR.
            llhttpAccepts: true
        ),
        Rejected(
            bytes: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            reason: "Host is given 2 times",
            // RFC 9112 §3.2: a server must refuse a request with more than one Host.
            llhttpAccepts: true
        ),
        // A good request, then a bad one: the first is read, then nothing more.
        Rejected(
            bytes: "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost h\r\n\r\n",
            reason: "a line of the head is not a field"
        ),
    ]

    // MARK: Feeding

    /// Feeds `pieces` in order, as reads of a connection: the requests read, and the error that stopped reading.
    static func parse(_ pieces: [[UInt8]]) -> (requests: [Read], error: HTTP1Malformed?) {
        var parser = HTTPRequestParser()
        var requests: [Read] = []
        var ended = true
        var declared: Int?
        func note(_ part: HTTPRequestParser.Part) {
            switch part {
            case .head(let head):
                #expect(ended, "a head before the last request's end")
                ended = false
                declared = head.bodyLength
                requests.append(
                    Read(
                        method: head.method.rawValue,
                        target: head.target,
                        version: "\(head.version)",
                        fields: head.fields.map { "\($0.name): \($0.value)" },
                        keepAlive: head.isKeepAlive,
                        expectsContinue: head.expectsContinue
                    )
                )
            case .body(let buffer):
                requests[requests.count - 1].body += String(buffer: buffer)
            case .end:
                ended = true
                // The length the head declared is the body that was read: 0 when it declared none.
                if let declared {
                    #expect(requests[requests.count - 1].body.utf8.count == declared, "\(requests[requests.count - 1])")
                }
            }
        }
        for piece in pieces {
            var buffer = ByteBuffer(bytes: piece)
            do {
                try parser.feed(&buffer, note)
            } catch {
                return (requests, error)
            }
            #expect(buffer.readableBytes == 0, "a piece was left unread")
        }
        #expect(ended, "the last request did not end")
        let cut = parser.connectionClosed()
        #expect(!cut, "a request was cut short")
        return (requests, nil)
    }

    // MARK: Tests

    @Test(arguments: accepted)
    func readsRequests(_ connection: Accepted) throws {
        for pieces in Arrivals.everyWay(Array(connection.bytes.utf8)) {
            let (requests, error) = Self.parse(pieces)
            #expect(error == nil, "in \(pieces.count) pieces")
            #expect(requests == connection.requests, "in \(pieces.count) pieces")
            if requests != connection.requests || error != nil { break }
        }
        let judged = try Self.llhttpReads(connection.bytes)
        #expect(judged.error == nil, "NIOHTTP1 refused it: \(String(describing: judged.error))")
        #expect(judged.requests == connection.requests, "NIOHTTP1")
    }

    @Test(arguments: rejected)
    func refusesARequest(_ connection: Rejected) throws {
        for pieces in Arrivals.everyWay(Array(connection.bytes.utf8)) {
            let (_, error) = Self.parse(pieces)
            #expect(error != nil, "in \(pieces.count) pieces")
            if let error {
                #expect(error.description.contains(connection.reason), "in \(pieces.count) pieces: \(error)")
                #expect(error.kind == connection.kind)
            }
        }
        let judged = try Self.llhttpReads(connection.bytes)
        #expect((judged.error == nil) == connection.llhttpAccepts, "NIOHTTP1: \(judged)")
    }

    @Test func refusesAHeadLongerThanTheLimit() {
        let long =
            "GET / HTTP/1.1\r\n"
            + String(repeating: "x-amz-meta-a: \(String(repeating: "a", count: 1000))\r\n", count: 70)
        for pieces in [[Array(long.utf8)], Arrivals.inReads(of: 4096, Array(long.utf8))] {
            let (_, error) = Self.parse(pieces)
            #expect(error == HTTP1Malformed("the head is longer than 65536 bytes", kind: .headTooLarge))
        }
    }

    /// A head states its body's length as RFC 9112 §6.3 has it: none declared is 0, `Content-Length` its value,
    /// chunked unknown. (The servers answer a request that declares none without reading its body.)
    @Test(
        arguments: [
            ("GET /k HTTP/1.1\r\nHost: h\r\n\r\n", 0),
            ("GET /k HTTP/1.0\r\n\r\n", 0),
            ("PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", 0),
            ("PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc", 3),
            ("PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", nil),
        ] as [(String, Int?)]
    )
    func aHeadDeclaresItsBodysLength(_ bytes: String, length: Int?) throws {
        var parser = HTTPRequestParser()
        var buffer = ByteBuffer(string: bytes)
        var heads: [RequestHead] = []
        try parser.feed(&buffer) { part in
            if case .head(let head) = part { heads.append(head) }
        }
        #expect(heads.count == 1)
        #expect(heads.first?.bodyLength == length)
    }

    /// Bytes that end inside a head or a body are a request cut short when the connection closes.
    @Test(arguments: ["GET / HTTP/1.1\r\nHost: h\r\n", "PUT / HTTP/1.1\r\nContent-Length: 3\r\n\r\nab", "\r"])
    func aCloseCutsShortARequestUnderWay(_ bytes: String) throws {
        var parser = HTTPRequestParser()
        var buffer = ByteBuffer(string: bytes)
        try parser.feed(&buffer) { _ in }
        let cut = parser.connectionClosed()
        #expect(cut)
    }

    /// After a request it could not read, the parser reads nothing more: what follows may be the rest of it.
    @Test func readsNothingAfterAnError() {
        var parser = HTTPRequestParser()
        var bad = ByteBuffer(string: "GET / HTTP/1.1\r\nHost h\r\n\r\n")
        #expect(throws: HTTP1Malformed.self) { try parser.feed(&bad) { _ in } }
        var good = ByteBuffer(string: "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        var parts = 0
        #expect(throws: Never.self) { try parser.feed(&good) { _ in parts += 1 } }
        #expect(parts == 0)
    }

    /// Mutated requests (bytes replaced, inserted, dropped; seeded, so every run is the same) never trap the parser,
    /// and each is read the same whole as in random reads: what it makes of a connection does not depend on how the
    /// bytes arrive.
    @Test func mutatedRequestsReadTheSameHoweverTheyArrive() {
        let seeds = (Self.accepted.map(\.bytes) + Self.rejected.map(\.bytes)).map { Array($0.utf8) }
        for (round, mutation) in Arrivals.mutations(of: seeds, count: 4_000).enumerated() {
            let whole = Self.read([mutation.bytes])
            let split = Self.read(mutation.reads)
            #expect(
                whole == split,
                "round \(round): \(String(decoding: mutation.bytes, as: UTF8.self).debugDescription)"
            )
            if whole != split { return }
        }
    }

    /// What the parser makes of a connection, without judging it: the requests (heads, bodies, ends) read, and the
    /// error that stopped it, if one did.
    static func read(_ pieces: [[UInt8]]) -> [String] {
        var parser = HTTPRequestParser()
        var parts: [String] = []
        for piece in pieces {
            var buffer = ByteBuffer(bytes: piece)
            do {
                try parser.feed(&buffer) { part in
                    switch part {
                    case .head(let head):
                        parts.append(
                            "head \(head.method) \(head.target) \(head.fields.map { "\($0.name)=\($0.value)" })"
                        )
                    case .body(let body):
                        // Body bytes in any number of slices: joined, so that only their content counts.
                        if let last = parts.last, last.hasPrefix("body ") {
                            parts[parts.count - 1] = last + String(buffer: body)
                        } else {
                            parts.append("body " + String(buffer: body))
                        }
                    case .end: parts.append("end")
                    }
                }
            } catch {
                parts.append("error \(error)")
                return parts
            }
        }
        return parts
    }

    // MARK: The judge

    /// What NIOHTTP1's request decoder (llhttp) reads from `bytes`, and whether it refused them.
    static func llhttpReads(_ bytes: String) throws -> (requests: [Read], error: (any Error)?) {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
        var error: (any Error)?
        do {
            try channel.writeInbound(ByteBuffer(string: bytes))
        } catch let refused {
            error = refused
        }
        var requests: [Read] = []
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head(let head):
                requests.append(
                    Read(
                        method: head.method.rawValue,
                        target: head.uri,
                        version: "\(head.version)",
                        // llhttp keeps white space after a value, which RFC 9110 §5.5 says is not part of it.
                        fields: head.headers.map {
                            "\($0.name): \(Arrivals.trimmingTrailingWhitespace($0.value))"
                        },
                        keepAlive: head.isKeepAlive,
                        expectsContinue: head.version == .http1_1
                            && head.headers["expect"].contains { $0.lowercased() == "100-continue" }
                    )
                )
            case .body(let buffer):
                requests[requests.count - 1].body += String(buffer: buffer)
            case .end:
                break
            }
        }
        _ = try? channel.finish()
        return (requests, error)
    }
}
