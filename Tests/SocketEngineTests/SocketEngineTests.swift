import APRouterTestSupport
import AccessPointCore
import Foundation
import LabPKI
import SocketEngine
import Testing

/// The socket engine with real clients on loopback: curl over plain TCP and over TLS (the lab CA's certificate,
/// checked by curl), and sockets of the tests' own for timeouts, cancellation and hangups.
@Suite(.serialized)
struct SocketEngineTests {
    /// One loop for the suite's servers: it runs until the process ends, as a server's loops do.
    static let loop: SocketLoop = try! SocketLoop.start(name: "socket-engine-tests")

    static let response = Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello".utf8)

    /// Accepts one connection, reads its request head, answers `response` and closes; returns what it saw.
    static func serveOne(
        _ listener: SocketListener,
        tls: TLSServerContext? = nil
    ) async throws -> (peer: IPAddress?, serverName: String?, version: String?, request: String) {
        let accepted = try await listener.accept()
        let stream: any ByteStream
        var serverName: String?
        var version: String?
        if let tls {
            let secure = try TLSStream(fd: accepted.fd, loop: loop, context: tls)
            try await secure.handshake(until: .now + .seconds(10))
            serverName = secure.serverName
            version = secure.protocolVersion
            stream = secure
        } else {
            stream = TCPStream(fd: accepted.fd, loop: loop)
        }
        defer { stream.close() }
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !request.ends(with: Array("\r\n\r\n".utf8)) {
            let count = try await stream.read(into: &chunk, waitFirst: true, until: .now + .seconds(10))
            guard count > 0 else { break }
            request += chunk[..<count]
        }
        try await stream.write(response, until: .now + .seconds(10))
        stream.shutdownOutput()
        return (accepted.peer, serverName, version, String(decoding: request, as: UTF8.self))
    }

    /// A TLS server context with a certificate for `*.lab.localhost` (and its issuer) from a new lab CA, and that
    /// CA's certificate, for clients to trust.
    static func labTLS() throws -> (TLSServerContext, caPEM: String) {
        let authority = try LabCertificateAuthority(now: Date())
        let credential = try authority.issueServerCertificate(
            for: LabCertificateNames(dnsNames: ["*.lab.localhost"], ipAddresses: []),
            now: Date()
        )
        let context = try TLSServerContext(
            certificateChainPEM: credential.certificatePEM + authority.certificatePEM,
            privateKeyPEM: credential.privateKeyPEM
        )
        return (context, authority.certificatePEM)
    }

    /// Accepts one connection and waits (until `deadline`) for a byte its client never sends; the error that ended
    /// the wait, nil if a byte came. Closes the listener and the connection. Call on the loop.
    static func acceptAndRead(
        _ listener: SocketListener,
        until deadline: ContinuousClock.Instant?
    ) async -> (any Error)? {
        defer { listener.close() }
        do {
            let accepted = try await listener.accept()
            let stream = TCPStream(fd: accepted.fd, loop: loop)
            defer { stream.close() }
            var byte: [UInt8] = [0]
            _ = try await stream.read(into: &byte, waitFirst: true, until: deadline)
            return nil
        } catch {
            return error
        }
    }

    static func listen() async throws -> (SocketListener, Int) {
        let fd = try SocketListener.listeningSocket(host: "127.0.0.1", port: 0)
        let listener = await Task(executorPreference: loop) { SocketListener(fd: fd, loop: loop) }.value
        return (listener, listener.port ?? 0)
    }

    @Test func aTaskOnTheLoopFindsItsLoop() async {
        let found = await Task(executorPreference: Self.loop) { SocketLoop.current === Self.loop }.value
        #expect(found)
        #expect(SocketLoop.current == nil)
    }

    @Test func servesPlainTCPToCurl() async throws {
        let (listener, port) = try await Self.listen()
        let server = Task(executorPreference: Self.loop) {
            defer { listener.close() }
            return try await Self.serveOne(listener)
        }
        let curl = try await ExternalCommand.run([
            "curl", "-sS", "--max-time", "10", "--interface", "127.0.10.7", "http://127.0.0.1:\(port)/hello",
        ])
        let seen = try await server.value
        #expect(curl.status == 0)
        #expect(curl.text == "hello")
        #expect(seen.peer == IPAddress("127.0.10.7"))
        #expect(seen.request.hasPrefix("GET /hello HTTP/1.1\r\n"))
    }

    @Test func servesTLSWithTheServerNameAndHTTP11ByALPN() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("socket-engine-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (context, caPEM) = try Self.labTLS()
        let caFile = directory.appendingPathComponent("ca.pem")
        try caPEM.write(to: caFile, atomically: true, encoding: .utf8)
        let (listener, port) = try await Self.listen()
        let server = Task(executorPreference: Self.loop) {
            defer { listener.close() }
            return try await Self.serveOne(listener, tls: context)
        }
        let curl = try await ExternalCommand.run([
            "curl", "-sS", "--max-time", "10", "--cacert", caFile.path, "--resolve",
            "s3.lab.localhost:\(port):127.0.0.1",
            "-w", " %{http_version}", "https://s3.lab.localhost:\(port)/tls",
        ])
        let seen = try await server.value
        #expect(curl.status == 0, "\(curl.text)")
        #expect(curl.text == "hello 1.1")
        #expect(seen.serverName == "s3.lab.localhost")
        #expect(seen.version == "TLSv1.3")
        #expect(seen.request.hasPrefix("GET /tls HTTP/1.1\r\n"))
    }

    @Test func refusesTLS11() async throws {
        let (context, _) = try Self.labTLS()
        let (listener, port) = try await Self.listen()
        let server = Task(executorPreference: Self.loop) {
            defer { listener.close() }
            return try await Self.serveOne(listener, tls: context)
        }
        let client = try await ExternalCommand.run([
            "openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-tls1_1", "-servername", "s3.lab.localhost",
        ])
        #expect(client.status != 0)
        await #expect(throws: SocketError.self) { try await server.value }
    }

    @Test func aWaitEndsAtItsDeadline() async throws {
        let (listener, port) = try await Self.listen()
        let client = try LoopbackClient(port: port)
        defer { client.close() }
        let outcome = await Task(executorPreference: Self.loop) {
            await Self.acceptAndRead(listener, until: .now + .milliseconds(200))
        }.value
        #expect((outcome as? SocketError) == .timedOut)
    }

    /// With its own cancellation handler, or inside a `SocketWaitScope` (a serving task's one handler for all its
    /// waits): either way the wait under way ends.
    @Test(arguments: [false, true])
    func cancellingAWaitingTaskEndsItsWait(inScope: Bool) async throws {
        let (listener, port) = try await Self.listen()
        let client = try LoopbackClient(port: port)
        defer { client.close() }
        let waiting = Task(executorPreference: Self.loop) {
            guard inScope else { return await Self.acceptAndRead(listener, until: nil) }
            return await SocketWaitScope.run(on: Self.loop) { await Self.acceptAndRead(listener, until: nil) }
        }
        try await Task.sleep(for: .milliseconds(200))
        waiting.cancel()
        #expect(await waiting.value is CancellationError)
    }

    /// A child task inherits the scope (a task-local) but not its cancellation handler: cancelled alone, its wait
    /// still ends, by a handler of its own.
    @Test func aChildTaskCancelledAloneInsideAScopeEndsItsWait() async throws {
        let (listener, port) = try await Self.listen()
        let client = try LoopbackClient(port: port)
        defer { client.close() }
        let outcome = await Task(executorPreference: Self.loop) {
            await SocketWaitScope.run(on: Self.loop) {
                await withTaskGroup(of: (any Error)?.self) { group in
                    group.addTask { await Self.acceptAndRead(listener, until: .now + .seconds(20)) }
                    try? await Task.sleep(for: .milliseconds(200))
                    group.cancelAll()
                    return await group.next() ?? nil
                }
            }
        }.value
        #expect(outcome is CancellationError, "\(String(describing: outcome))")
    }

    /// A wait that starts after its task was cancelled ends at once (not at its deadline), in a scope or not.
    @Test(arguments: [false, true])
    func aWaitAfterCancellationEndsAtOnce(inScope: Bool) async throws {
        let (listener, port) = try await Self.listen()
        let client = try LoopbackClient(port: port)
        defer { client.close() }
        let outcome = await Task(executorPreference: Self.loop) {
            let accepted: SocketListener.Accepted
            do { accepted = try await listener.accept() } catch { return error as (any Error)? }
            listener.close()
            withUnsafeCurrentTask { $0?.cancel() }
            let read = {
                let stream = TCPStream(fd: accepted.fd, loop: Self.loop)
                defer { stream.close() }
                var byte: [UInt8] = [0]
                do {
                    _ = try await stream.read(into: &byte, waitFirst: true, until: .now + .seconds(20))
                    return nil as (any Error)?
                } catch {
                    return error
                }
            }
            return inScope ? await SocketWaitScope.run(on: Self.loop) { await read() } : await read()
        }.value
        #expect(outcome is CancellationError, "\(String(describing: outcome))")
    }

    @Test func aHangupWhileNobodyWaitsIsReported() async throws {
        let (listener, port) = try await Self.listen()
        let client = try LoopbackClient(port: port)
        let (hungUp, signal) = AsyncStream.makeStream(of: Void.self)
        let stream = try await Task(executorPreference: Self.loop) {
            let accepted = try await listener.accept()
            listener.close()
            let stream = TCPStream(fd: accepted.fd, loop: Self.loop)
            // A wait that ended leaves the socket registered, as a served connection's last read does.
            var byte: [UInt8] = [0]
            await #expect(throws: SocketError.timedOut) {
                try await stream.read(into: &byte, waitFirst: true, until: .now + .milliseconds(50))
            }
            stream.handle.onHangUp = { signal.yield() }
            return stream
        }.value
        client.close()
        let heard = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in hungUp { return true }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return false
            }
            defer { group.cancelAll() }
            return await group.next() ?? false
        }
        signal.finish()
        #expect(heard)
        await Task(executorPreference: Self.loop) { stream.close() }.value
    }
}

extension SocketEngineTests {
    /// A client that closed its sending side but reads nothing while a large response waits to be written: the
    /// writer waits for room without being woken again and again by the half-close (level-triggered epoll reports
    /// it at every turn to whoever listens for it).
    @Test func aHalfClosedClientThatDoesNotReadLeavesTheWriterAsleep() async throws {
        let (listener, port) = try await Self.listen()
        let client = try LoopbackClient(port: port)
        defer { client.close() }
        shutdown(client.fd, Int32(SHUT_WR))
        let writer = Task(executorPreference: Self.loop) { () -> Int in
            defer { listener.close() }
            let accepted = try await listener.accept()
            let stream = TCPStream(fd: accepted.fd, loop: Self.loop)
            defer { stream.close() }
            let before = Self.loop.eventsReported
            // Far more than the socket buffers hold: the write waits for the client, which never reads.
            await #expect(throws: SocketError.timedOut) {
                try await stream.write([UInt8](repeating: 7, count: 64 << 20), until: .now + .milliseconds(500))
            }
            return Self.loop.eventsReported - before
        }
        let events = try await writer.value
        #expect(events < 20, "the loop was woken \(events) times while the writer waited")
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
