import NIOCore
import NIOEmbedded
import S3HTTP
import Testing

@testable import UpstreamStore

/// When an answer is handed over whole and when it streams, fed as a store's connection feeds it.
struct UpstreamResponseStreamTests {
    enum Event {
        case head
        case body(Int)
        case readComplete
        case end
    }

    /// Events, then whether the answer is whole, and the body bytes the consumer gets either way.
    static let cases: [([Event], whole: Bool, bytes: Int)] = [
        ([.head, .end], true, 0),
        ([.head, .body(1024), .end], true, 1024),
        ([.head, .body(40_000), .body(25_536), .end], true, 64 * 1024),
        ([.head, .body(40_000), .body(25_537), .end], false, 65_537),
        ([.head, .readComplete, .body(10), .end], false, 10),
        ([.head, .body(10), .readComplete, .body(20), .readComplete, .end], false, 30),
    ]

    @Test(arguments: Self.cases)
    func handsOverWholeOnlyWhatEndedInOneRead(events: [Event], whole: Bool, bytes: Int) async throws {
        let loop = EmbeddedEventLoop()
        let stream = UpstreamResponseStream(eventLoop: loop)
        for event in events {
            switch event {
            case .head: stream.receive(StoreResponseHead(status: 200, fields: S3Headers(), contentLength: nil))
            case .body(let count): _ = stream.receive(ByteBuffer(repeating: 7, count: count))
            case .readComplete: stream.readComplete()
            case .end: stream.finish()
            }
        }
        let answer = try await stream.answer()
        switch answer {
        case .whole(_, let body):
            #expect(whole)
            #expect(body.readableBytes == bytes)
        case .streamed(_, let body):
            #expect(!whole)
            var received = 0
            for try await chunk in body { received += chunk.readableBytes }
            #expect(received == bytes)
        }
    }

    @Test func failsBeforeTheHeadWithTheConnectionsError() async throws {
        let stream = UpstreamResponseStream(eventLoop: EmbeddedEventLoop())
        stream.fail(StoreClientError.connectionClosed)
        await #expect(throws: StoreClientError.self) { try await stream.answer() }
    }
}
