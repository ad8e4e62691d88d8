import AccessPointCore
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import PrivateDNS

/// The UDP handler's batches in an `EmbeddedChannel`: every datagram of a batch is answered to its own sender when
/// the batch ends, and the responder is read once per batch, so a new catalog applies from the next batch on.
struct DNSUDPHandlerTests {
    /// The responder the handler gets, and how often it asked.
    final class Source: Sendable {
        let current: Mutex<Responder>
        let reads = Mutex(0)
        init(_ responder: Responder) { current = Mutex(responder) }
        func read() -> Responder {
            reads.withLock { $0 += 1 }
            return current.withLock { $0 }
        }
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

    static func client(_ port: Int) throws -> SocketAddress { try SocketAddress(ipAddress: "127.0.0.1", port: port) }

    /// Delivers one datagram without ending the batch (`writeInbound` would also fire `channelReadComplete`).
    static func send(_ id: UInt16, from port: Int, to channel: EmbeddedChannel) throws {
        let query = ByteBuffer(bytes: QueryBuilder(id: id).bytes)
        channel.pipeline.syncOperations.fireChannelRead(
            NIOAny(AddressedEnvelope(remoteAddress: try client(port), data: query))
        )
    }

    static func answers(_ channel: EmbeddedChannel) throws -> [(address: SocketAddress, response: ParsedResponse)] {
        var answers: [(SocketAddress, ParsedResponse)] = []
        while let envelope = try channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self) {
            answers.append(
                (envelope.remoteAddress, try #require(ParsedResponse(Array(envelope.data.readableBytesView))))
            )
        }
        return answers
    }

    @Test func answersEachDatagramOfABatchToItsSenderWhenTheBatchEnds() throws {
        let source = Source(try ForwardingHandlerTests.responder())
        let channel = EmbeddedChannel(handler: DNSUDPHandler(currentResponder: { source.read() }))
        defer { _ = try? channel.finish() }
        for id in UInt16(1)...3 { try Self.send(id, from: 5300 + Int(id), to: channel) }
        #expect(try Self.answers(channel).isEmpty)
        channel.pipeline.fireChannelReadComplete()
        let answers = try Self.answers(channel)
        #expect(answers.map(\.address) == [try Self.client(5301), try Self.client(5302), try Self.client(5303)])
        #expect(answers.map(\.response.id) == [1, 2, 3])
        #expect(answers.allSatisfy { $0.response.rcode == 0 })
        #expect(source.reads.withLock { $0 } == 1)
    }

    @Test func readsTheResponderOncePerBatch() throws {
        let source = Source(try ForwardingHandlerTests.responder())
        let channel = EmbeddedChannel(handler: DNSUDPHandler(currentResponder: { source.read() }))
        defer { _ = try? channel.finish() }
        try Self.send(1, from: 5301, to: channel)
        source.current.withLock { $0 = Self.empty }
        try Self.send(2, from: 5302, to: channel)
        channel.pipeline.fireChannelReadComplete()
        #expect(try Self.answers(channel).map(\.response.rcode) == [0, 0])
        try Self.send(3, from: 5303, to: channel)
        channel.pipeline.fireChannelReadComplete()
        #expect(try Self.answers(channel).map(\.response.rcode) == [5])
        #expect(source.reads.withLock { $0 } == 2)
    }
}
