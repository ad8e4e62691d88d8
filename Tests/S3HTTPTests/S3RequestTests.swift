import AccessPointCore
import NIOCore
import S3HTTP
import Testing

struct S3RequestTests {
    static let caller = S3Caller(
        account: try! AccountID(validating: "123456789012"),
        principalARN: "arn:aws:iam::123456789012:user/alice"
    )

    static let decoding: [(String, String?)] = [
        ("my-ap", "my-ap"),
        ("arn%3Aaws%3As3", "arn:aws:s3"),
        ("a%2Fb", "a/b"),
        ("%e2%82%ac", "€"),
        ("bad%2", nil),
        ("bad%zz", nil),
        ("%ff", nil),
    ]

    @Test(arguments: Self.decoding)
    func percentDecodes(encoded: String, decoded: String?) {
        #expect(PercentDecoding.decode(encoded) == decoded)
    }

    @Test func queryItemsAreDecodedInOrder() {
        let request = S3Request(
            method: "GET",
            path: "/v20180820/accesspoint",
            query: "bucket=my%2Dbucket&maxResults=1&nextToken=&flag",
            host: .control(account: nil, endpoint: .init()),
            caller: Self.caller
        )
        #expect(request.queryItems.map(\.name) == ["bucket", "maxResults", "nextToken", "flag"])
        #expect(request.queryValue("bucket") == "my-bucket")
        #expect(request.queryValue("nextToken") == "")
        #expect(request.queryValue("missing") == nil)
    }

    @Test func headersKeepOrderAndIgnoreCase() {
        var headers: S3Headers = ["X-Amz-Account-Id": "123456789012", "Via": "a"]
        headers.add(name: "via", value: "b")
        #expect(headers["x-amz-account-id"] == "123456789012")
        #expect(headers["VIA"] == "a")
        #expect(headers.map(\.value) == ["123456789012", "a", "b"])
    }

    static let fieldNames: [(String, String, Bool)] = [
        ("Host", "host", true),
        ("X-Amz-Date", "x-amz-date", true),
        ("x-amz-date", "X-AMZ-DATE", true),
        ("Content-MD5", "content-md5", true),
        ("host", "hosts", false),
        ("x-amz-date", "x_amz-date", false),
        ("@", "`", false),  // 0x40 and 0x60 differ by the case bit but are not letters
        ("[", "{", false),
        ("", "", true),
        ("x-\u{212A}ey", "X-KEY", true),  // KELVIN SIGN lower-cases to an ASCII k, as `lowercased()` says
        ("x-ünï", "X-ÜNÏ", true),
        ("x-amz-meta-\u{212A}", "X-AMZ-META-K", true),  // the sign past the first eight bytes
        ("x-amz-meta-\u{212A}x", "X-AMZ-META-K", false),
    ]

    @Test(arguments: Self.fieldNames)
    func fieldNamesMatchAsLowercasedDoes(name: String, other: String, matches: Bool) {
        #expect(S3Headers.name(name, matches: other) == matches)
        #expect(S3Headers.name(other, matches: name) == matches)
        #expect(matches == (name.lowercased() == other.lowercased()))
    }

    /// The test for a name the code states itself: `A-Z` folded, and only tokens (ASCII) can be such a name, so the
    /// KELVIN SIGN that `lowercased()` folds to a `k` does not make `keep-alive`.
    @Test(arguments: [
        ("Connection", "connection", true),
        ("CONNECTION", "connection", true),
        ("connection", "connection", true),
        ("Connectio", "connection", false),
        ("Connections", "connection", false),
        ("Content-Length", "content-length", true),
        ("Content_Length", "content-length", false),
        ("Transfer-Encoding", "transfer-encoding", true),
        ("\u{212A}eep-alive", "keep-alive", false),
        ("", "connection", false),
        ("[onnection", "connection", false),  // `[` is `{` with the case bit, not a letter
    ])
    func namesAreComparedWithTokensTheCodeStates(name: String, token: String, expected: Bool) {
        let literal: StaticString =
            switch token {
            case "connection": "connection"
            case "content-length": "content-length"
            case "transfer-encoding": "transfer-encoding"
            default: "keep-alive"
            }
        #expect(S3Headers.name(name, isToken: literal) == expected)
    }

    /// Whether fields may be written without checking them again: known as each is added, a copied field carrying
    /// what its source knew.
    @Test func wireSafetyFollowsEveryFieldAdded() {
        let safe: S3Headers = ["Host": "a.example", "x-amz-meta-note": "caf\u{e9} au lait"]
        let unsafe: S3Headers = ["x-amz-meta-note": "one\r\nInjected: two"]
        #expect(safe.areWireSafe)
        #expect(!unsafe.areWireSafe)
        var copied = S3Headers()
        for field in safe { copied.add(field, from: safe) }
        #expect(copied.areWireSafe)
        for field in unsafe { copied.add(field, from: unsafe) }
        #expect(!copied.areWireSafe)
        var added = safe
        added.add(name: "bad name", value: "x")
        #expect(!added.areWireSafe)
    }

    @Test func collectedBodyRespectsItsLimit() async throws {
        let body = S3Body(string: "12345")
        #expect(try await body.collected(upTo: 5).map { String(buffer: $0) } == "12345")
        #expect(try await body.collected(upTo: 4) == nil)
    }

    @Test func streamedBodyIsCollectedAcrossChunksAndStopsAtItsLimit() async throws {
        let chunks = ["12", "34", "5"]
        let body = { S3Body(length: nil, stream: BufferStream(chunks.map { ByteBuffer(string: $0) })) }
        #expect(body().buffer == nil)
        #expect(try await body().collected(upTo: 5).map { String(buffer: $0) } == "12345")
        #expect(try await body().collected(upTo: 4) == nil)
        // A declared length over the limit is refused without reading.
        #expect(try await S3Body(length: 9, stream: BufferStream([])).collected(upTo: 5) == nil)
    }

    /// A body declared empty is collected without reading its stream (the server's request body then keeps its end
    /// for the connection to take).
    @Test func aBodyDeclaredEmptyIsCollectedWithoutReading() async throws {
        let unread = S3Body(length: 0, stream: BufferStream([], failing: .connection))
        #expect(try await unread.collected(upTo: 0) == ByteBuffer())
        #expect(try await unread.collectedBytes(upTo: 10) == [])
        // Of unknown length, the same stream is read, and fails.
        await #expect(throws: S3Error.self) {
            _ = try await S3Body(length: nil, stream: BufferStream([], failing: .connection)).collected(upTo: 0)
        }
    }

    @Test func streamedBodyIteratesEveryChunkInOrder() async throws {
        let body = S3Body(length: 5, stream: BufferStream(["12", "345"].map { ByteBuffer(string: $0) }))
        var seen: [String] = []
        for try await chunk in body { seen.append(String(buffer: chunk)) }
        #expect(seen == ["12", "345"])
        #expect(body.length == 5)
    }

    @Test(arguments: [
        (BufferStream.Ending.client, "XAmzContentSHA256Mismatch"),
        (BufferStream.Ending.connection, "IncompleteBody"),
    ])
    func streamFailureBecomesAnS3Error(failure: BufferStream.Ending, code: String) async {
        let body = S3Body(length: nil, stream: BufferStream([ByteBuffer(string: "1")], failing: failure))
        await #expect(throws: S3Error.self) { _ = try await body.collected(upTo: 10) }
        do {
            _ = try await body.collected(upTo: 10)
        } catch {
            #expect(error.code == code)
        }
    }
}

/// A finite stream of buffers that may fail after its last one, standing in for a socket.
struct BufferStream: AsyncSequence, Sendable {
    enum Ending: Sendable { case client, connection }
    struct ConnectionReset: Error {}

    let buffers: [ByteBuffer]
    var failing: Ending?

    init(_ buffers: [ByteBuffer], failing: Ending? = nil) {
        self.buffers = buffers
        self.failing = failing
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffers: buffers[...], failing: failing) }

    struct AsyncIterator: AsyncIteratorProtocol {
        var buffers: ArraySlice<ByteBuffer>
        var failing: Ending?

        mutating func next() async throws -> ByteBuffer? {
            if let first = buffers.popFirst() { return first }
            switch failing {
            case .client: throw S3Error.xAmzContentSHA256Mismatch
            case .connection: throw ConnectionReset()
            case nil: return nil
            }
        }
    }
}
