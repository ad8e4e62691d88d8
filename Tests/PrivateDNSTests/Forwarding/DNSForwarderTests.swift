import APRouterTestSupport
import AccessPointCore
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import PrivateDNS

/// The forwarder's sockets against fake upstreams on 127.0.0.1 that misbehave on purpose: stray and broken
/// datagrams before the answer, a truncated UDP answer, silence.
@Suite(.serialized)
struct DNSForwarderTests {
    /// How a fake upstream answers each query.
    enum Behaviour: Sendable {
        /// A datagram with another ID, a cut-off one, then the answer.
        case hostileThenAnswer
        /// Over UDP only a TC answer; the full answer over TCP.
        case truncatedOverUDP
        /// Nothing at all.
        case silent
    }

    /// The answer to `query`: its ID and question, one A record 192.0.2.7 with TTL 60, `flags` as given.
    static func answer(
        to query: [UInt8],
        flags: UInt16 = 0x8180,
        id: UInt16? = nil,
        address: [UInt8] = [192, 0, 2, 7]
    ) -> [UInt8] {
        var end = 12
        while end < query.count, query[end] != 0 { end += Int(query[end]) + 1 }
        end = min(end + 5, query.count)
        let answerID = id ?? (UInt16(query[0]) << 8 | UInt16(query[1]))
        return [
            UInt8(answerID >> 8), UInt8(answerID & 0xFF), UInt8(flags >> 8), UInt8(flags & 0xFF), 0, 1, 0, 1, 0, 0, 0,
            0,
        ]
            + query[12..<end] + [0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4] + address
    }

    final class FakeUDPUpstream: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let behaviour: Behaviour
        let queries = Atomic<Int>(0)
        init(_ behaviour: Behaviour) { self.behaviour = behaviour }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = Self.unwrapInboundIn(data)
            let query = Array(envelope.data.readableBytesView)
            queries.add(1, ordering: .relaxed)
            func send(_ bytes: [UInt8]) {
                context.write(
                    Self.wrapOutboundOut(
                        AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: bytes))
                    ),
                    promise: nil
                )
            }
            switch behaviour {
            case .hostileThenAnswer:
                let good = DNSForwarderTests.answer(to: query)
                let spoofedID = (UInt16(good[0]) << 8 | UInt16(good[1])) ^ 0x8001
                send(DNSForwarderTests.answer(to: query, id: spoofedID, address: [203, 0, 113, 66]))
                send(Array(good.prefix(good.count - 3)))
                send(good)
            case .truncatedOverUDP:
                // Header and question with TC; the answer record cut off, its count left as it was.
                send(Array(DNSForwarderTests.answer(to: query, flags: 0x8380).dropLast(16)))
            case .silent:
                break
            }
            context.flush()
        }
    }

    final class FakeTCPUpstream: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let answer = DNSForwarderTests.answer(to: Array(Self.unwrapInboundIn(data).readableBytesView))
            var frame = context.channel.allocator.buffer(capacity: answer.count + 2)
            frame.writeInteger(UInt16(answer.count))
            frame.writeBytes(answer)
            context.writeAndFlush(Self.wrapOutboundOut(frame), promise: nil)
        }
    }

    /// A fake upstream on 127.0.0.1: UDP with `behaviour`, TCP on the same port answering properly. The UDP port is
    /// the system's choice; the same number in TCP may be taken (the suites run in parallel, each with connections of
    /// its own), so a port whose TCP bind fails is given up for another, at most 50 times.
    static func withUpstream<T>(
        _ behaviour: Behaviour,
        _ body: (SocketAddress, FakeUDPUpstream) async throws -> T
    ) async throws -> T {
        let group = MultiThreadedEventLoopGroup.singleton
        let handler = FakeUDPUpstream(behaviour)
        var attempt = 0
        while true {
            attempt += 1
            let udp = try await DatagramBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            let port = udp.localAddress?.port ?? 0
            let tcp: any Channel
            do {
                tcp = try await ServerBootstrap(group: group)
                    .childChannelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(DNSTCPFrameDecoder()))
                            try channel.pipeline.syncOperations.addHandler(FakeTCPUpstream())
                        }
                    }
                    .bind(host: "127.0.0.1", port: port).get()
            } catch {
                try? await udp.close()
                if attempt < 50 { continue }
                throw error
            }
            defer {
                udp.close(promise: nil)
                tcp.close(promise: nil)
            }
            return try await body(try SocketAddress(ipAddress: "127.0.0.1", port: port), handler)
        }
    }

    /// A forwarder to `upstreams`. The timeout of an attempt is long by default: a test whose upstreams answer must
    /// not fail on a loaded machine (the whole suite at once on two cores) because an answer took a few hundred
    /// milliseconds; only the tests of a silent upstream pass a short one, since they wait for it.
    static func forwarder(_ upstreams: [SocketAddress], timeout: TimeAmount = .seconds(30)) -> DNSForwarder {
        DNSForwarder(
            upstreams: upstreams,
            timeout: timeout,
            maxOutstanding: 10,
            cacheCapacity: 10,
            logger: Logger(label: "test")
        )
    }

    static func resolve(_ forwarder: DNSForwarder, _ name: String = "www.upstream.test") async throws -> ParsedResponse?
    {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let bytes = try await forwarder.resolve(UpstreamMessage.question(name, id: 0x5151), limit: 512, on: eventLoop)
            .get()
        return ParsedResponse(bytes)
    }

    @Test func ignoresStrayAndBrokenDatagramsUntilTheAnswer() async throws {
        try await Self.withUpstream(.hostileThenAnswer) { upstream, _ in
            let forwarder = Self.forwarder([upstream])
            let response = try #require(try await Self.resolve(forwarder))
            #expect(response.id == 0x5151)
            #expect(response.flags == 0x8180)
            #expect(response.counts == [1, 1, 0, 0])
            #expect(Array(response.bytes.suffix(4)) == [192, 0, 2, 7])
            #expect(forwarder.outstandingCount == 0)
        }
    }

    @Test func asksAgainOverTCPWhenTruncated() async throws {
        try await Self.withUpstream(.truncatedOverUDP) { upstream, _ in
            let response = try #require(try await Self.resolve(Self.forwarder([upstream])))
            #expect(response.flags == 0x8180)
            #expect(response.counts == [1, 1, 0, 0])
        }
    }

    @Test func triesTheNextUpstreamAfterATimeoutThenCaches() async throws {
        try await Self.withUpstream(.silent) { silent, silentHandler in
            try await Self.withUpstream(.hostileThenAnswer) { good, goodHandler in
                // Long enough for the good upstream's answer on a loaded machine, after the silent one's timeout.
                let forwarder = Self.forwarder([silent, good], timeout: .seconds(2))
                let started = ContinuousClock.now
                let response = try #require(try await Self.resolve(forwarder))
                #expect(ContinuousClock.now - started >= .seconds(2))
                #expect(response.counts == [1, 1, 0, 0])
                #expect(silentHandler.queries.load(ordering: .relaxed) == 1)
                #expect(try await Self.resolve(forwarder)?.counts == [1, 1, 0, 0])
                #expect(goodHandler.queries.load(ordering: .relaxed) == 1, "the second answer came from the cache")
            }
        }
    }

    @Test func servfailsWhenEveryUpstreamFails() async throws {
        try await Self.withUpstream(.silent) { silent, _ in
            let closed = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
            let forwarder = Self.forwarder([closed, silent], timeout: .milliseconds(300))
            let response = try #require(try await Self.resolve(forwarder))
            #expect(response.flags == 0x8182)
            #expect(response.counts == [1, 0, 0, 0])
            #expect(forwarder.outstandingCount == 0)
        }
    }

    /// The whole server forwarding to a fake upstream: `dig` over UDP, and over TCP a client that half-closes
    /// right after its query still gets the forwarded answer.
    @Test func serverForwardsOverUDPAndToAHalfClosingTCPClient() async throws {
        try await Self.withUpstream(.hostileThenAnswer) { upstream, _ in
            var configuration = try DNSServerTests.configuration()
            configuration.forwarders = [ListenAddress("127.0.0.1:\(upstream.port ?? 0)")!]
            let server = try DNSServer(configuration: configuration, logger: Logger(label: "test"))
            let task = Task { try await server.run() }
            defer { task.cancel() }
            var port: Int?
            for _ in 0..<200 where port == nil {
                port = server.boundPort
                if port == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            let bound = try #require(port)
            let udp = try await ExternalCommand.dig(["@127.0.0.1", "-p", "\(bound)", "+short", "www.upstream.test"])
            #expect(udp == "192.0.2.7\n")
            let script = """
                import socket, struct, sys
                q = struct.pack(">HHHHHH", 0x2222, 0x0100, 1, 0, 0, 0)
                q += b"".join(bytes([len(l)]) + l for l in b"mail.upstream.test".split(b".")) + b"\\0\\0\\1\\0\\1"
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
                s.sendall(struct.pack(">H", len(q)) + q)
                s.shutdown(socket.SHUT_WR)
                data = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                n = struct.unpack(">H", data[:2])[0]
                m = data[2:2 + n]
                print(hex(struct.unpack(">H", m[0:2])[0]), struct.unpack(">H", m[2:4])[0] & 0xF, struct.unpack(">H", m[6:8])[0], list(m[-4:]))
                """
            let tcp = try await ExternalCommand.run(["python3", "-c", script, "\(bound)"])
            #expect(tcp.text == "0x2222 0 1 [192, 0, 2, 7]\n", "\(tcp.text)")
            task.cancel()
            _ = await task.result
        }
    }
}
