import APRouterTestSupport
import AccessPointCore
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import PrivateDNS

/// The UDP loop on a real socket on 127.0.0.1, its thread started and stopped as `DNSServer` does: each query is
/// answered to its own sender, the view is chosen by the sender's address, answers are cut to the client's size,
/// garbage does not stop it, and a stop request ends the thread promptly and closes the socket.
@Suite(.serialized)
struct DNSUDPLoopTests {
    /// The responder the loop reads once per batch, and how often it did.
    final class Source: Sendable {
        let current: Mutex<Responder>
        let reads = Mutex(0)
        init(_ responder: Responder) { current = Mutex(responder) }
        func read() -> Responder {
            reads.withLock { $0 += 1 }
            return current.withLock { $0 }
        }
    }

    /// example.test for vpc-a (127.0.10.0/24) only; big.test, with 60 long TXT records at big.big.test, for everyone.
    static func splitHorizon() throws -> Responder {
        let zone = try Fixtures.zone("good/example.test.zone", origin: "example.test")
        let many = (1...60).map { "big IN TXT \"record number \($0) with some padding to make it long\"" }
        let big = try Fixtures.zone(lines: many.joined(separator: "\n"), origin: "big.test")
        let catalog = ViewCatalog(
            hostedZones: [.init(zone: zone, vpcs: ["vpc-a"]), .init(zone: big, vpcs: [])],
            vpcs: [
                ViewCatalog.VPC(
                    id: "vpc-a",
                    cidrs: [CIDRBlock("127.0.10.0/24")!],
                    enableDnsSupport: true,
                    enableDnsHostnames: true
                )
            ],
            synthesis: SynthesizedZones(routerAddress: IPAddress("127.0.0.1")!, regions: [], accounts: []),
            snapshot: .empty
        )
        return Responder(catalog: catalog)
    }

    /// Runs `body` with the port of a loop on 127.0.0.1 that answers with `responder`, then stops it and waits for
    /// its thread; returns how long the stop took.
    @discardableResult
    static func withLoop(
        _ responder: Responder,
        forwarder: DNSForwarder? = nil,
        on address: String = "127.0.0.1:0",
        _ body: (Int) async throws -> Void
    ) async throws -> Duration {
        try await withLoop(Source(responder), forwarder: forwarder, on: address, body)
    }

    /// `withLoop(_:forwarder:_:)` with a responder that `source` can replace.
    @discardableResult
    static func withLoop(
        _ source: Source,
        forwarder: DNSForwarder? = nil,
        on address: String = "127.0.0.1:0",
        _ body: (Int) async throws -> Void
    ) async throws -> Duration {
        let descriptor = try DNSServer.datagramSocket(try #require(ListenAddress(address)), in: nil)
        let loop = try DNSUDPLoop(
            socket: descriptor,
            currentResponder: { source.read() },
            forwarder: forwarder,
            eventLoops: MultiThreadedEventLoopGroup.singleton
        )
        let port = try #require(loop.localPort)
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        // The loop's thread says when `run()` returned, so the stop is timed without this task's own scheduling.
        let running = thread.runIfActive(eventLoop: MultiThreadedEventLoopGroup.singleton.next()) {
            loop.run()
            return ContinuousClock.now
        }
        func stop() async throws -> Duration {
            let start = ContinuousClock.now
            loop.stop()
            let took = try await running.get() - start
            try await thread.shutdownGracefully()
            #expect(loop.localPort == nil, "the socket is closed once the loop returns")
            return took
        }
        do {
            try await body(port)
        } catch {
            _ = try await stop()
            throw error
        }
        return try await stop()
    }

    @Test func answersEachQueryToItsOwnSender() async throws {
        let responder = try Self.splitHorizon()
        try await Self.withLoop(responder) { port in
            let clients = try ["127.0.10.5", "127.0.10.6", "127.0.10.7"].map {
                try #require(BoundUDPClient(source: $0))
            }
            for (index, client) in clients.enumerated() {
                client.send(QueryBuilder(id: UInt16(100 + index)).bytes, to: port)
            }
            for (index, client) in clients.enumerated() {
                let response = try #require(await client.receive().flatMap(ParsedResponse.init))
                #expect(response.id == UInt16(100 + index))
                #expect(response.rcode == 0 && response.authoritative)
            }
        }
    }

    @Test func choosesTheViewBySourceAddress() async throws {
        let responder = try Self.splitHorizon()
        try await Self.withLoop(responder) { port in
            let inside = try #require(BoundUDPClient(source: "127.0.10.5"))
            inside.send(QueryBuilder(id: 1).bytes, to: port)
            let insideAnswer = try #require(await inside.receive().flatMap(ParsedResponse.init))
            #expect(insideAnswer.rcode == 0 && insideAnswer.counts[1] == 1)
            // 127.0.20.5 is outside vpc-a: the private zone does not exist for it.
            let outside = try #require(BoundUDPClient(source: "127.0.20.5"))
            outside.send(QueryBuilder(id: 2).bytes, to: port)
            let outsideAnswer = try #require(await outside.receive().flatMap(ParsedResponse.init))
            #expect(outsideAnswer.id == 2 && outsideAnswer.rcode == 5)
        }
    }

    @Test func answersOverIPv6() async throws {
        try await Self.withLoop(try ForwardingHandlerTests.responder(), on: "[::1]:0") { port in
            let answer = try await ExternalCommand.dig(["@::1", "-p", "\(port)", "+short", "www.example.test", "A"])
            #expect(answer == "127.0.10.80\n")
        }
    }

    @Test func truncatesToTheClientsPayloadSize() async throws {
        let responder = try Self.splitHorizon()
        try await Self.withLoop(responder) { port in
            let client = try #require(BoundUDPClient(source: "127.0.20.5"))
            client.send(QueryBuilder(name: "big.big.test", type: 16).bytes, to: port)
            let plain = try #require(await client.receive())
            #expect(plain.count <= 512)
            #expect(try #require(ParsedResponse(plain)).truncated)
            client.send(QueryBuilder(name: "big.big.test", type: 16, edns: (4096, 0)).bytes, to: port)
            let edns = try #require(await client.receive())
            #expect(edns.count <= 1232)
            let parsed = try #require(ParsedResponse(edns))
            #expect(parsed.truncated && parsed.counts[3] == 1)  // cut, with our OPT record
        }
    }

    @Test func keepsAnsweringAfterGarbage() async throws {
        let responder = try Self.splitHorizon()
        try await Self.withLoop(responder) { port in
            let noise = try #require(BoundUDPClient(source: "127.0.10.9"))
            for length in [0, 1, 11, 12, 13, 40, 300, 4000, 9000] {
                noise.send((0..<length).map { _ in UInt8.random(in: 0...255) }, to: port)
            }
            let client = try #require(BoundUDPClient(source: "127.0.10.5"))
            client.send(QueryBuilder(id: 7).bytes, to: port)
            let response = try #require(await client.receive().flatMap(ParsedResponse.init))
            #expect(response.id == 7 && response.rcode == 0)
        }
    }

    @Test func readsANewResponderFromTheNextBatch() async throws {
        let source = Source(try Self.splitHorizon())
        try await Self.withLoop(source) { port in
            let client = try #require(BoundUDPClient(source: "127.0.10.5"))
            client.send(QueryBuilder(id: 1).bytes, to: port)
            #expect(try #require(await client.receive().flatMap(ParsedResponse.init)).rcode == 0)
            source.current.withLock { $0 = ForwardingHandlerTests.empty }
            client.send(QueryBuilder(id: 2).bytes, to: port)
            #expect(try #require(await client.receive().flatMap(ParsedResponse.init)).rcode == 5)
        }
        #expect(source.reads.withLock { $0 } == 2)  // once per batch
    }

    @Test func stopsPromptlyAndClosesTheSocket() async throws {
        let responder = try Self.splitHorizon()
        let took = try await Self.withLoop(responder) { _ in
            try await Task.sleep(for: .milliseconds(50))
        }
        // The thread notices within one receive timeout (100 ms); a loaded machine gets some slack.
        #expect(took < .seconds(1), "\(took)")
    }
}

/// A UDP socket bound to a loopback source address, to ask the loop as a client in a given VPC would.
final class BoundUDPClient {
    private let descriptor: Int32

    init?(source: String) {
        descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        guard inet_pton(AF_INET, source, &address.sin_addr) == 1 else { return nil }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { return nil }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    func send(_ bytes: [UInt8], to port: Int) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        _ = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// The next datagram, or nil after 5 s. Waits on a thread of NIO's blocking pool, not of the cooperative pool
    /// (the code under test, or other tests, may need those).
    func receive() async -> [UInt8]? {
        let descriptor = self.descriptor
        return try? await NIOThreadPool.singleton.runIfActive { () -> [UInt8]? in
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            return count >= 0 ? Array(buffer[..<count]) : nil
        }
    }
}
