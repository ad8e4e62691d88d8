import AccessPointCore
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import PrivateDNS

/// The listeners' forwarding path, bytes in and bytes out (UDP through the loop on a socket on 127.0.0.1, TCP in an
/// `EmbeddedChannel`): what is answered from our zones, what is refused, and what comes from the forwarder's cache
/// or its limits, without an upstream.
struct ForwardingHandlerTests {
    static let client = try! SocketAddress(ipAddress: "127.0.0.1", port: 5300)

    /// Our zone example.test for everyone; 127.0.30.0/24 is a VPC with enableDnsSupport false.
    static func responder() throws -> Responder {
        let zone = try Fixtures.zone("good/example.test.zone", origin: "example.test")
        let vpc = ViewCatalog.VPC(
            id: "vpc-off",
            cidrs: [CIDRBlock("127.0.30.0/24")!],
            enableDnsSupport: false,
            enableDnsHostnames: true
        )
        let catalog = ViewCatalog(
            hostedZones: [.init(zone: zone, vpcs: [])],
            vpcs: [vpc],
            synthesis: SynthesizedZones(routerAddress: IPAddress("127.0.0.1")!, regions: [], accounts: []),
            snapshot: .empty
        )
        return Responder(catalog: catalog, forwards: true)
    }

    /// An upstream that is never reached in these tests (the discard port).
    static func forwarder(maxOutstanding: Int = 10) throws -> DNSForwarder {
        DNSForwarder(
            upstreams: [try SocketAddress(ipAddress: "127.0.0.1", port: 9)],
            timeout: .milliseconds(100),
            maxOutstanding: maxOutstanding,
            cacheCapacity: 10,
            logger: Logger(label: "test")
        )
    }

    /// A catalog without zones: every question is REFUSED.
    static let empty = Responder(
        catalog: ViewCatalog(
            hostedZones: [],
            vpcs: [],
            synthesis: SynthesizedZones(routerAddress: IPAddress("127.0.0.1")!, regions: [], accounts: []),
            snapshot: .empty
        )
    )

    /// Sends `query` to a UDP loop from `source` and returns the response, if any.
    static func ask(
        _ query: [UInt8],
        from source: String = "127.0.0.1",
        forwarder: DNSForwarder
    ) async throws -> ParsedResponse? {
        let responder = try responder()
        var response: ParsedResponse?
        try await DNSUDPLoopTests.withLoop(responder, forwarder: forwarder) { port in
            let client = try #require(BoundUDPClient(source: source))
            client.send(query, to: port)
            response = await client.receive().flatMap(ParsedResponse.init)
        }
        return response
    }

    @Test func answersOurZonesAuthoritatively() async throws {
        let response = try #require(try await Self.ask(QueryBuilder().bytes, forwarder: try Self.forwarder()))
        #expect(response.flags & 0x040F == 0x0400)  // AA, NOERROR
    }

    @Test func answersOtherNamesFromTheCacheWithTheClientsHeader() async throws {
        let forwarder = try Self.forwarder()
        let question = UpstreamMessage.question()
        let message = UpstreamMessage(flags: 0x8580, answer: [.a(ttl: 300)])
        forwarder.remember(try UpstreamAnswer.parse(message.bytes, id: 0xBEEF, question: question).get(), for: question)
        let query = QueryBuilder(id: 0x7777, name: "WWW.upstream.test").bytes
        let response = try #require(try await Self.ask(query, forwarder: forwarder))
        #expect(response.id == 0x7777)
        #expect(response.flags == 0x8180)  // QR, RD, RA; not AA
        #expect(response.counts == [1, 1, 0, 0])
        #expect(Array(response.bytes[12..<31]) == Array(query[12..<31]))
    }

    @Test func refusesWithoutRecursionDesired() async throws {
        let query = QueryBuilder(name: "www.upstream.test", flags: 0).bytes
        let response = try #require(try await Self.ask(query, forwarder: try Self.forwarder()))
        #expect(response.flags & 0xF == 5)
    }

    @Test func refusesAVPCWithoutDNSSupport() async throws {
        let source = "127.0.30.5"
        let query = QueryBuilder(name: "www.upstream.test").bytes
        let response = try #require(try await Self.ask(query, from: source, forwarder: try Self.forwarder()))
        #expect(response.flags & 0xF == 5)
    }

    @Test func servfailsBeyondTheOutstandingLimit() async throws {
        let forwarder = try Self.forwarder(maxOutstanding: 0)
        let query = QueryBuilder(name: "www.upstream.test", edns: (1232, 0)).bytes
        let response = try #require(try await Self.ask(query, forwarder: forwarder))
        #expect(response.flags == 0x8182)
        #expect(response.counts == [1, 0, 0, 1])
        #expect(forwarder.outstandingCount == 0)
    }

    @Test func tcpListenerFramesTheCachedAnswer() throws {
        let forwarder = try Self.forwarder()
        let question = UpstreamMessage.question()
        let message = UpstreamMessage(answer: [.a(ttl: 300)])
        forwarder.remember(try UpstreamAnswer.parse(message.bytes, id: 0xBEEF, question: question).get(), for: question)
        let responder = try Self.responder()
        let channel = EmbeddedChannel()
        channel.remoteAddress = Self.client
        try channel.pipeline.syncOperations.addHandler(
            DNSTCPHandler(currentResponder: { responder }, forwarder: forwarder)
        )
        defer { _ = try? channel.finish() }
        channel.pipeline.fireChannelActive()
        try channel.writeInbound(ByteBuffer(bytes: QueryBuilder(id: 0x0101, name: "www.upstream.test").bytes))
        channel.pipeline.fireChannelReadComplete()
        let outbound = try channel.readOutbound(as: ByteBuffer.self)
        var frame = try #require(outbound)
        let length = frame.readInteger(as: UInt16.self)
        #expect(length.map(Int.init) == frame.readableBytes)
        let response = try #require(ParsedResponse(Array(frame.readableBytesView)))
        #expect(response.id == 0x0101)
        #expect(response.counts == [1, 1, 0, 0])
    }
}
