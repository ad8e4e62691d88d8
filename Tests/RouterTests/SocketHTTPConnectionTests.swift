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
                            (try await answer(head, body), ())
                        } completed: { _, _ in
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

    /// What a client got: everything the server sent until it closed the connection (or 10 s passed: `ended` false).
    struct Received {
        var text: String
        var ended: Bool
    }

    /// Connects, sends `request` (then closes its sending side if `halfClose`), and reads until the server closes.
    /// With `leaveAfter`, the client closes the connection that long after sending, reading nothing.
    static func exchange(
        _ port: Int,
        _ request: String,
        halfClose: Bool = false,
        leaveAfter: Duration? = nil
    ) async -> Received {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let received = blockingExchange(port, Array(request.utf8), halfClose: halfClose, leaveAfter: leaveAfter)
                continuation.resume(returning: received)
            }
        }
    }

    private static func blockingExchange(
        _ port: Int,
        _ request: [UInt8],
        halfClose: Bool,
        leaveAfter: Duration?
    ) -> Received {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return Received(text: "connect failed", ended: false) }
        var offset = 0
        while offset < request.count {
            let sent = request[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { break }
            offset += sent
        }
        if halfClose { shutdown(fd, Int32(SHUT_WR)) }
        if let leaveAfter {
            let (seconds, attoseconds) = leaveAfter.components
            usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
            return Received(text: "", ended: false)
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[..<count]
            } else {
                // 0: the server closed; -1 with EAGAIN: the receive timeout passed first.
                return Received(text: String(decoding: received, as: UTF8.self), ended: count == 0 || errno != EAGAIN)
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
