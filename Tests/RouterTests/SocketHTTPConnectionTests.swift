import APRouterTestSupport
import Dispatch
import Glibc
import NIOCore
import S3HTTP
import S3Serving
import SocketEngine
import Testing

/// `KeepAliveServing` on the socket engine (`SocketHTTPConnection` over plain TCP) with a blocking client socket of
/// the tests' own on 127.0.0.1: the rules `HTTPServerConnection` keeps, kept here too.
@Suite(.serialized)
struct SocketHTTPConnectionTests {
    static let loop: SocketLoop = try! SocketLoop.start(name: "socket-http-tests")

    /// Serves 127.0.0.1 on the loop, each request answered by `answer`, while `body` runs with the port.
    static func serving(
        timeouts: HTTPServerTimeouts = HTTPServerTimeouts(),
        answer: @escaping @Sendable (RequestHead, S3Body) async throws -> S3Response = { head, _ in
            S3Response(status: 200, body: S3Body(ByteBuffer(string: head.target)))
        },
        _ body: (Int) async throws -> Void
    ) async throws {
        let fd = try SocketListener.listeningSocket(host: "127.0.0.1", port: 0)
        let listener = await Task(executorPreference: loop) { SocketListener(fd: fd, loop: loop) }.value
        let port = try #require(listener.port)
        let server = Task(executorPreference: loop) {
            await withDiscardingTaskGroup { group in
                while let accepted = try? await listener.accept() {
                    group.addTask(executorPreference: loop) {
                        let stream = TCPStream(fd: accepted.fd, loop: loop)
                        let connection = SocketHTTPConnection(stream: stream, timeouts: timeouts)
                        connection.cancelsServingWhenClientLeaves()
                        try? await KeepAliveServing.serve(connection) { head, body in
                            try await answer(head, body)
                        } completed: { _ in
                        }
                    }
                }
            }
        }
        defer {
            loop.execute { listener.close() }
            server.cancel()
        }
        try await body(port)
    }

    typealias Received = LoopbackClient.Received

    /// Connects, sends `request` (then closes its sending side if `halfClose`), and reads until the server closes;
    /// with `leaveAfter`, closes the connection that long after sending instead, reading nothing.
    static func exchange(
        _ port: Int,
        _ request: String,
        halfClose: Bool = false,
        leaveAfter: Duration? = nil
    ) async -> Received {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                guard let client = try? LoopbackClient(port: port) else {
                    return continuation.resume(returning: Received(text: "connect failed", ended: false))
                }
                defer { client.close() }
                client.send(Array(request.utf8))
                if halfClose { client.shutdownSending() }
                if let leaveAfter {
                    let (seconds, attoseconds) = leaveAfter.components
                    usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
                    return continuation.resume(returning: Received(text: "", ended: false))
                }
                continuation.resume(returning: client.receiveAll())
            }
        }
    }

    static func statuses(_ text: String) -> [String] {
        text.matches(of: /HTTP\/1\.1 (\d{3})/).map { String($0.1) }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await Self.serving { port in
            let got = await Self.exchange(
                port,
                "GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            #expect(got.ended)
            #expect(Self.statuses(got.text) == ["200", "200"])
            let first = try #require(got.text.firstRange(of: "/first"))
            let second = try #require(got.text.firstRange(of: "/second"))
            #expect(first.lowerBound < second.lowerBound)
        }
    }

    @Test func anUnreadableRequestIsAnsweredWithItsErrorAndTheConnectionCloses() async throws {
        try await Self.serving { port in
            let got = await Self.exchange(port, "GET /a HTTP/1.1\r\nHost: x\r\nBad Field: y\r\n\r\n")
            #expect(got.ended)
            #expect(Self.statuses(got.text) == ["400"])
            #expect(got.text.contains("Connection: close"))
        }
    }

    @Test func anIdleConnectionClosesAfterTheIdleTimeout() async throws {
        let timeouts = HTTPServerTimeouts(idle: .milliseconds(200), read: .seconds(60))
        try await Self.serving(timeouts: timeouts) { port in
            let clock = ContinuousClock()
            let started = clock.now
            let got = await Self.exchange(port, "")
            #expect(got.ended)
            #expect(got.text.isEmpty)
            #expect(clock.now - started < .seconds(9))
        }
    }

    @Test func aStalledHeadIsAnsweredRequestTimeout() async throws {
        let timeouts = HTTPServerTimeouts(idle: .seconds(60), read: .milliseconds(300))
        try await Self.serving(timeouts: timeouts) { port in
            let got = await Self.exchange(port, "GET /a HTTP/1.1\r\nHo")
            #expect(got.ended)
            #expect(Self.statuses(got.text) == ["400"])
            #expect(got.text.contains("<Code>RequestTimeout</Code>"))
        }
    }

    @Test func aBodyStreamsToTheResponder() async throws {
        let size = 300_000
        let counting: @Sendable (RequestHead, S3Body) async throws -> S3Response = { _, body in
            var count = 0
            for try await part in body { count += part.readableBytes }
            return S3Response(status: 200, body: S3Body(ByteBuffer(string: "read \(count)")))
        }
        try await Self.serving(answer: counting) { port in
            let request =
                "PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: \(size)\r\nConnection: close\r\n\r\n"
                + String(repeating: "b", count: size)
            let got = await Self.exchange(port, request)
            #expect(got.ended)
            #expect(Self.statuses(got.text) == ["200"])
            #expect(got.text.hasSuffix("read \(size)"))
        }
    }

    @Test func aClientThatHalfClosesAfterItsRequestGetsItsAnswer() async throws {
        try await Self.serving { port in
            let got = await Self.exchange(port, "GET /half HTTP/1.1\r\nHost: x\r\n\r\n", halfClose: true)
            #expect(got.ended)
            #expect(Self.statuses(got.text) == ["200"])
            #expect(got.text.hasSuffix("/half"))
        }
    }

    @Test func aClientThatLeavesWhileItsRequestIsUnderWayCancelsIt() async throws {
        let (seen, report) = AsyncStream<String>.makeStream()
        let waiting: @Sendable (RequestHead, S3Body) async throws -> S3Response = { _, _ in
            report.yield("started")
            do {
                try await Task.sleep(for: .seconds(30))
                report.yield("finished")
            } catch {
                report.yield("cancelled")
            }
            return .abandoned
        }
        try await Self.serving(answer: waiting) { port in
            _ = await Self.exchange(port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n", leaveAfter: .milliseconds(300))
            var events: [String] = []
            for await event in seen {
                events.append(event)
                if events.count == 2 { break }
            }
            #expect(events == ["started", "cancelled"])
        }
    }
}
