import AccessPointCore
import NIOCore
import NIOEmbedded
import NIOHTTP1
import S3HTTP
import Testing

@testable import S3Serving

/// The serving task's end of a connection's pipeline (`HTTPServerConnection`), driven through a testing channel whose
/// event loop runs on its own thread: the task's calls hop to it, as they would from any thread but the loop's.
struct HTTPServerConnectionTests {
    /// Counts the reads that reach the socket end of the pipeline.
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = Never
        var reads = 0

        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    struct Harness {
        let channel: NIOAsyncTestingChannel
        let connection: HTTPServerConnection
        let counter: ReadCounter

        init(timeouts: HTTPServerTimeouts = HTTPServerTimeouts()) async throws {
            let counter = ReadCounter()
            let channel = NIOAsyncTestingChannel()
            try await channel.pipeline.addHandler(counter)
            connection = try await channel.eventLoop.submit {
                try HTTPServerConnection(configuringHTTPOn: channel, timeouts: timeouts)
            }.get()
            self.channel = channel
            self.counter = counter
        }

        func reads() async throws -> Int { try await channel.eventLoop.submit { self.counter.reads }.get() }

        /// Sends the client's bytes.
        func send(_ bytes: String) async throws { try await channel.writeInbound(ByteBuffer(string: bytes)) }

        /// Lets `amount` of the connection's (virtual) time pass.
        func pass(_ amount: TimeAmount) async { await channel.testingEventLoop.advanceTime(by: amount) }

        /// Whether the serving task waits in `next()` now, looked at on the event loop.
        func readerIsParked() async throws -> Bool {
            try await channel.eventLoop.submit { connection.handler.hasParkedReader }.get()
        }

        /// Starts reading the next part in a task of its own and returns once that task waits on the connection:
        /// only from then on is the connection waiting on its client. The task is waited for however long a loaded
        /// machine takes to run it (the whole suite starts together: a trivial test has taken over a minute of
        /// wall time), a bounded number of looks.
        func parkedReader(
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> Task<HTTPRequestParser.Part?, any Error> {
            let task = Task { try await connection.next() }
            var looks = 0
            while try await !readerIsParked(), looks < 12_000 {
                looks += 1
                try await Task.sleep(for: .milliseconds(5))
            }
            try #require(try await readerIsParked(), "the reader never waited", sourceLocation: sourceLocation)
            return task
        }

        /// Passes (virtual) time in steps of `step` until the parked reader's wait ends, at most `steps` of them: how
        /// many passed. The wait ends on the event loop, inside the step that ends it, so the count does not depend
        /// on when the reader's task gets a thread.
        func pass(_ step: TimeAmount, untilTheReaderWakesAtMost steps: Int) async throws -> Int {
            for passed in 1...steps {
                await pass(step)
                if try await !readerIsParked() { return passed }
            }
            return steps + 1
        }
    }

    /// A chunked PUT's head as the client sends it, and as it is read.
    static let headBytes = "PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
    static let head = HTTPRequestParser.Part.head(
        RequestHead(method: .PUT, target: "/k", fields: ["Host": "h", "Transfer-Encoding": "chunked"])
    )
    /// A GET without a body.
    static let getBytes = "GET /g HTTP/1.1\r\nHost: h\r\n\r\n"
    static let get = HTTPRequestParser.Part.head(
        RequestHead(method: .GET, target: "/g", fields: ["Host": "h"], bodyLength: 0)
    )

    /// A chunk of a chunked body.
    static func chunk(_ text: String) -> String { String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n" }
    static let lastChunk = "0\r\n\r\n"

    static func body(_ text: String) -> HTTPRequestParser.Part { .body(ByteBuffer(string: text)) }

    @Test func partsThatArrivedComeOutInOrderThenNilOnceClosed() async throws {
        let harness = try await Harness()
        for bytes in [Self.headBytes, Self.chunk("abc"), Self.chunk("de"), Self.lastChunk] {
            try await harness.send(bytes)
        }
        #expect(try await harness.connection.next() == Self.head)
        #expect(try await harness.connection.next() == Self.body("abc"))
        #expect(try await harness.connection.next() == Self.body("de"))
        #expect(try await harness.connection.next() == .end)
        try await harness.channel.close()
        #expect(try await harness.connection.next() == nil)
        #expect(try await harness.connection.next() == nil)
    }

    @Test func aWaitingReaderGetsThePartWhenItArrives() async throws {
        let harness = try await Harness()
        let reader = Task { try await harness.connection.next() }
        // The reader parks on the loop; a part written before it parked is buffered and found there instead, so the
        // outcome is the same either way.
        try await harness.send(Self.headBytes)
        #expect(try await reader.value == Self.head)
    }

    @Test func readsAreHeldWhileUnreadPartsPileUpAndIssuedOnceTheyAreTaken() async throws {
        let harness = try await Harness()
        try await harness.send(Self.headBytes)
        for index in 0..<15 { try await harness.send(Self.chunk("part \(index)")) }
        harness.channel.read()
        #expect(try await harness.reads() == 0, "16 parts wait unread: the read must be held")
        #expect(try await harness.connection.next() == Self.head)
        for index in 0..<12 { #expect(try await harness.connection.next() == Self.body("part \(index)")) }
        #expect(try await harness.reads() == 0, "3 parts still wait: more than the 2 reading resumes at")
        #expect(try await harness.connection.next() == Self.body("part 12"))
        #expect(try await harness.reads() == 1, "down to 2 parts: the held read goes out")
        harness.channel.read()
        #expect(try await harness.reads() == 2, "a read with few parts waiting passes straight through")
    }

    @Test func readsAreHeldByBufferedBytesToo() async throws {
        let harness = try await Harness()
        let big = String(repeating: "a", count: 300 * 1024)
        try await harness.send(Self.headBytes + Self.chunk(big))
        harness.channel.read()
        #expect(try await harness.reads() == 0, "300 KiB wait unread: the read must be held")
        #expect(try await harness.connection.next() == Self.head)
        #expect(try await harness.connection.next() == Self.body(big))
        #expect(try await harness.reads() == 1)
    }

    struct Boom: Error, Equatable {}

    @Test func anErrorInThePipelineEndsTheStreamAfterThePartsBeforeIt() async throws {
        let harness = try await Harness()
        try await harness.send(Self.headBytes)
        harness.channel.pipeline.fireErrorCaught(Boom())
        #expect(try await harness.connection.next() == Self.head)
        await #expect(throws: Boom.self) { try await harness.connection.next() }
    }

    @Test func writesReachTheChannelAndFailOnceItIsClosed() async throws {
        let harness = try await Harness()
        try await harness.connection.write(ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n"), endsResponse: false)
        try await harness.connection.write(ByteBuffer(string: "hi"), endsResponse: true, flush: true)
        #expect(
            try await harness.channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n")
        )
        #expect(try await harness.channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "hi"))
        try await harness.channel.close()
        await #expect(throws: ChannelError.ioOnClosedChannel) {
            try await harness.connection.write(ByteBuffer(), endsResponse: true)
        }
    }

    /// `Expect: 100-continue` is answered with `100 Continue` when the body is first wanted, in HTTP/1.1; an
    /// HTTP/1.0 client's expectation is ignored (RFC 9110 §10.1.1), and it is sent nothing before the response.
    @Test(arguments: [HTTPVersion.http1_1, .http1_0])
    func aContinueIsSentOnlyToAnHTTP11ClientThatExpectsIt(version: HTTPVersion) async throws {
        let harness = try await Harness()
        let inbound = ConnectionInbound(harness.connection)
        try await harness.send("PUT /k \(version)\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\nabc")
        #expect(try await inbound.nextHead()?.expectsContinue == (version == .http1_1))
        #expect(try await inbound.nextBodyPart() == ByteBuffer(string: "abc"))
        #expect(try await inbound.nextBodyPart() == nil)
        let written = try await harness.channel.readOutbound(as: ByteBuffer.self)
        #expect(written == (version == .http1_1 ? ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n") : nil))
    }

    /// A request that cannot be read, as the client sees it: 400 with an S3 error naming the broken rule between
    /// requests, nothing inside another exchange (a 400 there would land in the middle of that response).
    @Test(arguments: [false, true])
    func anUnreadableRequestIsAnsweredWith400OnlyBetweenExchanges(midExchange: Bool) async throws {
        let harness = try await Harness()
        if midExchange {
            try await harness.send(Self.headBytes)
            #expect(try await harness.connection.next() == Self.head)
            try await harness.send("zz\r\n")
        } else {
            try await harness.send("GET / HTTP/1.1\r\nHost h\r\n\r\n")
        }
        await #expect(throws: HTTP1Malformed.self) { try await harness.connection.next() }
        let written = try await harness.channel.readOutbound(as: ByteBuffer.self)
        if midExchange {
            #expect(written == nil)
        } else {
            let answer = written.map { String(buffer: $0) } ?? ""
            #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(answer)")
            #expect(answer.contains("\r\nConnection: close\r\n"), "\(answer)")
            #expect(answer.contains("\r\nx-amz-request-id: "), "\(answer)")
            #expect(
                answer.contains(
                    "<Code>BadRequest</Code><Message>An error occurred when parsing the HTTP request: a line of the "
                        + "head is not a field.</Message>"
                ),
                "\(answer)"
            )
            await #expect(throws: ChannelError.ioOnClosedChannel, "nothing may follow the 400") {
                try await harness.connection.write(ByteBuffer(string: "x"), endsResponse: true)
            }
        }
    }

    /// A task waiting for the channel to drain when the 400 goes out hears that nothing more may be written, instead
    /// of waiting on a connection that only the client could still close.
    @Test(.timeLimit(.minutes(5))) func theBadRequestAnswerEndsAWaitToWrite() async throws {
        let harness = try await Harness()
        harness.channel.isWritable = false
        let writer = Task {
            try await harness.connection.write(
                ByteBuffer(string: "HTTP/1.1 204 No Content\r\n\r\n"),
                endsResponse: true,
                flush: true
            )
        }
        // Parked, or not yet: either way the write's wait must end with the error.
        try await Task.sleep(for: .milliseconds(20))
        try await harness.send("NOT HTTP\r\n\r\n")
        await #expect(throws: ChannelError.ioOnClosedChannel) { try await writer.value }
    }

    @Test func drainingEndsTheWaitForTheNextRequest() async throws {
        let harness = try await Harness()
        let reader = Task { try await harness.connection.next() }
        try await Task.sleep(for: .milliseconds(20))  // parked, or not yet: the outcome is the same
        harness.connection.drain()
        #expect(try await reader.value == nil)
        #expect(harness.connection.isDraining)
    }

    @Test func drainingLetsTheRequestUnderWayFinishAndReadsNoOther() async throws {
        let harness = try await Harness()
        try await harness.send(Self.headBytes)
        #expect(try await harness.connection.next() == Self.head)
        harness.connection.drain()
        try await harness.send(Self.chunk("abc") + Self.lastChunk + Self.getBytes)
        #expect(try await harness.connection.next() == Self.body("abc"))
        #expect(try await harness.connection.next() == .end)
        #expect(try await harness.connection.next() == nil, "the pipelined request after it is not read")
    }

    @Test func anEmptyBodysEndIsTakenOnlyWhenItIsNext() async throws {
        let harness = try await Harness()
        try await harness.send(Self.getBytes + Self.headBytes + Self.chunk("x") + Self.lastChunk)
        #expect(try await harness.connection.next() == Self.get)
        #expect(try await harness.channel.eventLoop.submit { harness.connection.takeEndIfReady() }.get())
        #expect(try await harness.connection.next() == Self.head)
        #expect(try await harness.channel.eventLoop.submit { harness.connection.takeEndIfReady() }.get() == false)
        #expect(try await harness.connection.next() == Self.body("x"))
        #expect(harness.connection.takeEndIfReady() == false, "off the event loop: never")
    }

    @Test func cancellingAWaitingReaderEndsItsWait() async throws {
        let harness = try await Harness()
        let reader = Task { try await harness.connection.next() }
        reader.cancel()
        await #expect(throws: CancellationError.self) { try await reader.value }
        try await harness.channel.close()
    }

    // MARK: Timeouts
    //
    // Time is the testing loop's: the tests pass it and look, on the loop, at the step where the reader's wait ended.
    // Each has a time limit only against a hang (a timeout that never fires leaves its reader waiting), set far above
    // what a loaded machine takes.

    /// A connection that waits for a request for the idle timeout is closed; not before, and at most two looks
    /// (a quarter of the timeout each) after.
    @Test(.timeLimit(.minutes(5))) func anIdleConnectionIsClosedAfterTheIdleTimeout() async throws {
        let harness = try await Harness(timeouts: HTTPServerTimeouts(idle: .seconds(4), read: .seconds(8)))
        let reader = try await harness.parkedReader()
        let seconds = try await harness.pass(.seconds(1), untilTheReaderWakesAtMost: 30)
        #expect(try await reader.value == nil, "closed: the request stream ends")
        #expect(seconds >= 4, "closed before the idle timeout")
        #expect(seconds <= 6, "still open \(seconds) s after the idle timeout began")
        #expect(try await harness.channel.readOutbound(as: ByteBuffer.self) == nil, "an idle close says nothing")
    }

    /// A head that stops arriving is answered 400 RequestTimeout once the read timeout passed without a byte; a head
    /// that keeps arriving, however slowly, is not.
    @Test(.timeLimit(.minutes(5))) func aStalledHeadIsAnsweredRequestTimeout() async throws {
        let harness = try await Harness(timeouts: HTTPServerTimeouts(idle: .seconds(60), read: .seconds(2)))
        let reader = try await harness.parkedReader()
        for byte in "GET /k HTTP/1.1\r\nHost:" {
            try await harness.send(String(byte))
            await harness.pass(.seconds(1))
        }
        #expect(try await harness.readerIsParked(), "a byte a second is not a stall")
        let steps = try await harness.pass(.milliseconds(500), untilTheReaderWakesAtMost: 40)
        // The last byte came a second before the steps began.
        let quiet = TimeAmount.seconds(1) + .milliseconds(500 * Int64(steps))
        #expect(quiet >= .seconds(2), "timed out \(quiet) after the last byte, before the read timeout")
        #expect(quiet <= .seconds(3), "still waiting \(quiet) after the last byte")
        await #expect(throws: S3Error.requestTimeout) { try await reader.value }
        let answer = try await harness.channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) } ?? ""
        #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(answer)")
        #expect(answer.contains("\r\nConnection: close\r\n"), "\(answer)")
        #expect(answer.contains("<Code>RequestTimeout</Code>"), "\(answer)")
    }

    /// A body that stops arriving fails the body's read with RequestTimeout, for the responder to answer; the
    /// connection writes nothing itself inside the exchange.
    @Test(.timeLimit(.minutes(5))) func aStalledBodyFailsItsReadWithRequestTimeout() async throws {
        let harness = try await Harness(timeouts: HTTPServerTimeouts(idle: .seconds(60), read: .seconds(2)))
        try await harness.send("PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
        #expect(try await harness.connection.next() != nil)
        #expect(try await harness.connection.next() == Self.body("abc"))
        let reader = try await harness.parkedReader()
        let steps = try await harness.pass(.milliseconds(500), untilTheReaderWakesAtMost: 40)
        let quiet = TimeAmount.milliseconds(500 * Int64(steps))
        #expect(quiet >= .seconds(2), "timed out \(quiet) after the last bytes, before the read timeout")
        #expect(quiet <= .seconds(3), "still waiting \(quiet) after the last bytes")
        await #expect(throws: S3Error.requestTimeout) { try await reader.value }
        #expect(try await harness.channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    /// While the serving task is busy (a store's answer awaited, say) the client is not waited on: no timeout.
    @Test(.timeLimit(.minutes(5))) func aBusyServingTaskIsNotTheClientsStall() async throws {
        let harness = try await Harness(timeouts: HTTPServerTimeouts(idle: .seconds(2), read: .seconds(2)))
        try await harness.send(Self.getBytes)
        #expect(try await harness.connection.next() == Self.get)
        #expect(try await harness.connection.next() == .end)
        for _ in 0..<20 { await harness.pass(.seconds(1)) }
        try await harness.connection.write(
            ByteBuffer(string: "HTTP/1.1 204 No Content\r\n\r\n"),
            endsResponse: true,
            flush: true
        )
        #expect(try await harness.channel.readOutbound(as: ByteBuffer.self) != nil)
    }
}
