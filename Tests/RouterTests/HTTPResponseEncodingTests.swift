import NIOCore
import NIOEmbedded
import NIOHTTP1
import S3HTTP
import S3Serving
import Testing

/// Response heads as the wire carries them (`HTTPResponseEncoding`): NIOHTTP1's framing rules, byte for byte, and
/// every head read back by NIOHTTP1's own response decoder (llhttp) as the judge that it is well-formed HTTP.
struct HTTPResponseEncodingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        var status = 200
        var fields: [(name: String, value: String)] = []
        var bodyLength: Int? = nil
        var version = HTTPVersion.http1_1
        var method = HTTPMethod.GET
        var keepAlive = true
        /// The head's fields after the status line, each followed by CRLF.
        let expected: [String]
        let framing: HTTPResponseEncoding.Framing
        var closes = false

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "known length",
            fields: [("Content-Type", "text/plain")],
            bodyLength: 2,
            expected: ["Content-Type: text/plain", "Content-Length: 2"],
            framing: .length
        ),
        Case(
            name: "a length among the fields is kept, not added again",
            fields: [("content-length", "5")],
            bodyLength: 5,
            expected: ["content-length: 5"],
            framing: .length
        ),
        Case(
            name: "unknown length in HTTP/1.1: chunked",
            expected: ["Transfer-Encoding: chunked"],
            framing: .chunked
        ),
        Case(
            name: "unknown length in HTTP/1.0: until the connection closes",
            version: .http1_0,
            expected: ["Connection: close"],
            framing: .untilClose,
            closes: true
        ),
        Case(
            name: "HEAD keeps the length a GET would have, and sends no body",
            fields: [("Content-Length", "10")],
            bodyLength: 0,
            method: .HEAD,
            expected: ["Content-Length: 10"],
            framing: .none
        ),
        Case(
            name: "HEAD without a length says chunked, as a GET would be",
            method: .HEAD,
            expected: ["Transfer-Encoding: chunked"],
            framing: .none
        ),
        Case(
            name: "204 has no framing fields",
            status: 204,
            fields: [("Content-Length", "0"), ("x-amz-request-id", "R")],
            bodyLength: 0,
            expected: ["x-amz-request-id: R"],
            framing: .none
        ),
        Case(name: "304 has no framing fields", status: 304, bodyLength: 7, expected: [], framing: .none),
        Case(
            name: "a transfer coding is never passed on",
            fields: [("Transfer-Encoding", "gzip, chunked"), ("Content-Length", "3")],
            bodyLength: 3,
            expected: ["Content-Length: 3"],
            framing: .length
        ),
        Case(
            name: "closing replaces Connection",
            fields: [("connection", "keep-alive"), ("ETag", "\"e\"")],
            bodyLength: 0,
            keepAlive: false,
            expected: ["ETag: \"e\"", "Content-Length: 0", "Connection: close"],
            framing: .length,
            closes: true
        ),
        Case(
            name: "the most an encoder adds: the longest reason, a 19-digit length, Connection: close",
            status: 511,
            fields: [
                ("Connection", "keep-alive"), ("Transfer-Encoding", "gzip"), ("x-amz-request-id", "0123456789ABCDEF"),
            ],
            bodyLength: Int.max,
            keepAlive: false,
            expected: ["x-amz-request-id: 0123456789ABCDEF", "Content-Length: \(Int.max)", "Connection: close"],
            framing: .length,
            closes: true
        ),
        Case(
            name: "an unknown status has an empty reason",
            status: 599,
            bodyLength: 0,
            expected: ["Content-Length: 0"],
            framing: .length
        ),
    ]

    @Test(arguments: cases)
    func heads(_ test: Case) throws {
        let head = try HTTPResponseEncoding.head(
            status: test.status,
            headers: S3Headers(test.fields),
            bodyLength: test.bodyLength,
            version: test.version,
            method: test.method,
            keepAlive: test.keepAlive
        )
        let status = HTTPResponseStatus(statusCode: test.status)
        let statusLine = "HTTP/\(test.version.major).\(test.version.minor) \(test.status) \(status.reasonPhrase)"
        let expected = ([statusLine] + test.expected).map { $0 + "\r\n" }.joined() + "\r\n"
        #expect(String(buffer: head.bytes) == expected)
        #expect(head.framing == test.framing)
        #expect(head.closesConnection == test.closes)

        // The judge: NIOHTTP1's decoder reads the same status and fields back.
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPResponseDecoder()))
        defer { _ = try? channel.finish() }
        try channel.writeOutbound(HTTPClientRequestPart.head(.init(version: .http1_1, method: test.method, uri: "/")))
        try channel.writeInbound(head.bytes)
        guard case .head(let decoded)? = try channel.readInbound(as: HTTPClientResponsePart.self) else {
            Issue.record("no head decoded")
            return
        }
        #expect(decoded.status.code == UInt(test.status))
        #expect(
            decoded.headers.map { "\($0.name): \($0.value)" }
                == expected.split(separator: "\r\n").dropFirst().map(String.init)
        )
    }

    @Test(arguments: [
        ("a name with a space", "X Bad", "v"),
        ("an empty name", "", "v"),
        ("a value that would split the response", "X-Meta", "a\r\nSet-Cookie: x"),
        ("a value with a NUL", "X-Meta", "a\u{0}b"),
    ])
    func fieldsThatCannotGoOnTheWireAreRefused(_ reason: String, _ name: String, _ value: String) {
        #expect(throws: HTTPResponseEncoding.InvalidField(name: name), "\(reason)") {
            try HTTPResponseEncoding.head(
                status: 200,
                headers: S3Headers([(name, value)]),
                bodyLength: 0,
                version: .http1_1,
                method: .GET,
                keepAlive: true
            )
        }
    }

    @Test func aTabAndObsTextAreValidInAValue() throws {
        let head = try HTTPResponseEncoding.head(
            status: 200,
            headers: S3Headers([("x-amz-meta-note", "a\tb é")]),
            bodyLength: 0,
            version: .http1_1,
            method: .GET,
            keepAlive: true
        )
        #expect(String(buffer: head.bytes).contains("x-amz-meta-note: a\tb é\r\n"))
    }

    @Test func chunksAreFramedWithTheirHexadecimalSize() {
        #expect(
            String(buffer: HTTPResponseEncoding.chunk(ByteBuffer(string: "0123456789ab"))) == "c\r\n0123456789ab\r\n"
        )
        #expect(String(buffer: HTTPResponseEncoding.lastChunk) == "0\r\n\r\n")
    }
}
