import APRouterTestSupport
import AccessPointCore
import Foundation
import NIOCore
import S3HTTP
import SocketEngine
import Testing
import UpstreamStore

/// The forwarder on the socket engine: `UpstreamBucketStore.respond` called from a task on a `SocketLoop` reaches a
/// plain-HTTP store with the engine's client, judged by `rclone serve s3` and by the scripted store, which counts its
/// connections. Each test also tells that the engine's client did the work, not NIO's (`socketConnectionsOpened`, or
/// an error only the engine words so).
@Suite(.serialized)
struct SocketStoreClientTests {
    /// One loop for the suite: it runs until the process ends, as a server's loops do.
    static let loop: SocketLoop = try! SocketLoop.start(name: "store-client-tests")

    /// `request` answered by `store` from a task on the loop, as the router's connections will call it.
    static func respond(_ store: UpstreamBucketStore, _ request: BucketRequest) async -> S3Response {
        await Task(executorPreference: loop) { await store.respond(to: request) }.value
    }

    /// `STATUS BODY` of a GET made on the loop.
    static func get(_ store: UpstreamBucketStore, _ key: String) async throws -> String {
        let response = await respond(store, UpstreamBucketStoreTests.request("GET", key))
        return "\(response.status) \(try await response.body.text())"
    }

    /// The connections the engine's client opened from the loop.
    static func opened(_ client: StoreClient) async -> Int {
        await Task(executorPreference: loop) { client.socketConnectionsOpened(on: loop) }.value
    }

    /// Runs `body` with a store forwarding to `server`; the client and the server are stopped however it ends.
    static func forwarding(
        to server: ScriptedStore,
        configuration: UpstreamClientConfiguration = UpstreamClientConfiguration(connectTimeout: .seconds(2)),
        _ body: (UpstreamBucketStore, StoreClient) async throws -> Void
    ) async throws {
        let client = try StoreClient(configuration: configuration)
        do {
            try await body(UpstreamBucketStore(store: try server.remoteStore(), client: client), client)
        } catch {
            await client.shutdown()
            await server.stop()
            throw error
        }
        await client.shutdown()
        await server.stop()
    }

    @Test func forwardsSmallAndLargeObjectsToRcloneOnOneKeptAliveConnection() async throws {
        let server = try await RcloneS3Server.start()
        defer { server.stop() }
        let client = try StoreClient(configuration: UpstreamClientConfiguration(connectTimeout: .seconds(2)))
        let store = UpstreamBucketStore(store: try server.remoteStore(), client: client)

        let put = await Self.respond(
            store,
            UpstreamBucketStoreTests.request(
                "PUT",
                "small.txt",
                headers: ["Content-Type": "text/plain"],
                body: S3Body(string: "hello, engine")
            )
        )
        let putAnswer = try await put.body.text()
        #expect(put.status == 200, "\(putAnswer)")

        let get = await Self.respond(store, UpstreamBucketStoreTests.request("GET", "small.txt"))
        #expect(get.status == 200)
        #expect(get.body.buffer != nil, "a small answer is handed over whole")
        #expect(try await get.body.text() == "hello, engine")
        #expect(get.headers["Content-Type"] == "text/plain")
        UpstreamBucketStoreTests.expectRouterIdentifiers(get)

        let head = await Self.respond(store, UpstreamBucketStoreTests.request("HEAD", "small.txt"))
        #expect(head.status == 200)
        #expect(head.headers["Content-Length"] == "13")
        #expect(head.body.length == 0)

        // 6 MiB both ways, streamed: the upload read as the socket takes it, the download read as it is consumed.
        let upload = GeneratedBody(chunks: 24, chunkSize: 256 * 1024)
        let bigPut = await Self.respond(store, UpstreamBucketStoreTests.request("PUT", "big.bin", body: upload.s3Body))
        let bigPutAnswer = try await bigPut.body.text()
        #expect(bigPut.status == 200, "\(bigPutAnswer)")
        let size =
            try FileManager.default.attributesOfItem(
                atPath: server.bucketDirectory.appendingPathComponent("big.bin").path
            )[.size] as? Int
        #expect(size == upload.length)

        let bigGet = await Self.respond(store, UpstreamBucketStoreTests.request("GET", "big.bin"))
        #expect(bigGet.status == 200)
        #expect(bigGet.body.length == upload.length)
        #expect(bigGet.body.buffer == nil, "the download streams")
        // Consumed off the loop: each read is run there.
        let (digest, count) = try await bigGet.body.sha256()
        #expect(count == upload.length)
        #expect(digest == upload.sha256)

        // Consumed on the loop, as the router does.
        let again = await Self.respond(store, UpstreamBucketStoreTests.request("GET", "big.bin"))
        let body = again.body
        let (digestOnLoop, _) = try await Task(executorPreference: Self.loop) { try await body.sha256() }.value
        #expect(digestOnLoop == upload.sha256)

        #expect(await Self.opened(client) == 1, "every exchange ended cleanly, so one connection served them all")
        await client.shutdown()
    }

    @Test func sendsSequentialRequestsOnOneKeptAliveConnection() async throws {
        let server = try await ScriptedStore { _, request in .ok("answer \(request)") }
        try await Self.forwarding(to: server) {
            (store: UpstreamBucketStore, client: StoreClient) async throws in
            for number in 1...5 {
                #expect(try await Self.get(store, "key-\(number)") == "200 answer \(number)")
            }
            #expect(server.connections == 1)
            #expect(await Self.opened(client) == 1)
            #expect(server.requests == (1...5).map { "GET /remote-bucket/key-\($0)" })
        }
    }

    /// A body of unknown length goes out chunked, and the chunked answer comes back; the connection stays usable.
    @Test func sendsABodyChunkedWhenItsLengthIsUnknown() async throws {
        let server = try await ScriptedStore { _, _ in .echo }
        try await Self.forwarding(to: server) {
            (store: UpstreamBucketStore, client: StoreClient) async throws in
            let generated = GeneratedBody(chunks: 5, chunkSize: 10_000)
            for _ in 1...2 {
                let response = await Self.respond(
                    store,
                    UpstreamBucketStoreTests.request("PUT", "echo.bin", body: S3Body(length: nil, stream: generated))
                )
                #expect(response.status == 200)
                #expect(response.headers["x-request-framing"] == "chunked")
                let (digest, count) = try await response.body.sha256()
                #expect(count == generated.length)
                #expect(digest == generated.sha256)
            }
            #expect(server.connections == 1)
            #expect(await Self.opened(client) == 1)
        }
    }

    @Test func sendsAGetAgainWhenTheKeptAliveConnectionClosesUnanswered() async throws {
        let server = try await ScriptedStore(StoreClientTests.closingSecondRequestOfFirstConnection)
        try await Self.forwarding(to: server) {
            (store: UpstreamBucketStore, client: StoreClient) async throws in
            #expect(try await Self.get(store, "first") == "200 c1 r1")
            #expect(try await Self.get(store, "second") == "200 c2 r1")
            #expect(server.connections == 2)
            #expect(await Self.opened(client) == 2)
            #expect(
                server.requests == [
                    "GET /remote-bucket/first", "GET /remote-bucket/second", "GET /remote-bucket/second",
                ]
            )
        }
    }

    @Test func neverSendsAPostTwice() async throws {
        let server = try await ScriptedStore(StoreClientTests.closingSecondRequestOfFirstConnection)
        try await Self.forwarding(to: server) {
            (store: UpstreamBucketStore, client: StoreClient) async throws in
            #expect(try await Self.get(store, "first") == "200 c1 r1")
            let post = await Self.respond(
                store,
                UpstreamBucketStoreTests.request("POST", nil, query: "delete", body: S3Body(string: "<Delete/>"))
            )
            let xml = try await post.body.text()
            #expect(post.status == 503)
            #expect(xml.contains("closed before the response ended"), "\(xml)")
            #expect(server.requests == ["GET /remote-bucket/first", "POST /remote-bucket?delete"])
            #expect(await Self.opened(client) == 1)
        }
    }

    /// Requests beyond the limit wait, in order, for a connection to come free instead of opening more.
    @Test func queuesRequestsBeyondTheConnectionLimit() async throws {
        let configuration = UpstreamClientConfiguration(maximumConnectionsPerHost: 2)
        let server = try await ScriptedStore { _, _ in .ok("fine") }
        try await Self.forwarding(to: server, configuration: configuration) {
            (store: UpstreamBucketStore, client: StoreClient) async throws in
            // Started together from the loop, so all eight are under way before the first connection opens.
            let answers = try await Task(executorPreference: Self.loop) {
                try await withThrowingTaskGroup(of: String.self) { group in
                    for number in 1...8 {
                        group.addTask {
                            let response = await store.respond(
                                to: UpstreamBucketStoreTests.request("GET", "key-\(number)")
                            )
                            return "\(response.status) \(try await response.body.text())"
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }.value
            #expect(answers == Array(repeating: "200 fine", count: 8))
            #expect(server.connections == 2)
            #expect(await Self.opened(client) == 2)
            #expect(server.requests.count == 8)
        }
    }

    @Test func answersServiceUnavailableWhenTheStoreIsDown() async throws {
        let port = try BackgroundProcess.freeLoopbackPort()
        let client = try StoreClient(configuration: UpstreamClientConfiguration(connectTimeout: .seconds(2)))
        let store = UpstreamBucketStore(
            store: try UpstreamBucketStoreTests.remoteStore(port: port),
            client: client
        )
        let response = await Self.respond(store, UpstreamBucketStoreTests.request("GET", "key"))
        let xml = try await response.body.text()
        await client.shutdown()
        #expect(response.status == 503)
        #expect(xmlValue("Code", in: xml) == "ServiceUnavailable")
        // The engine's words for a refused connection (NIO's client says it otherwise).
        #expect(xml.contains("127.0.0.1:\(port) is unreachable: connect: Connection refused"), "\(xml)")
        UpstreamBucketStoreTests.expectRouterIdentifiers(response)
    }

    @Test func answersServiceUnavailableWhenTheStoreStaysSilent() async throws {
        let configuration = UpstreamClientConfiguration(connectTimeout: .seconds(2), readTimeout: .milliseconds(300))
        let server = try await ScriptedStore { _, _ in .silent }
        try await Self.forwarding(to: server, configuration: configuration) {
            (store: UpstreamBucketStore, client: StoreClient) async throws in
            let started = ContinuousClock.now
            let response = await Self.respond(store, UpstreamBucketStoreTests.request("GET", "key"))
            let elapsed = ContinuousClock.now - started
            let xml = try await response.body.text()
            #expect(response.status == 503)
            #expect(xml.contains("readTimeout"), "\(xml)")
            #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(30), "\(elapsed)")
            #expect(await Self.opened(client) == 1)
            // The connection that timed out is closed (a bounded wait, not a timing assertion).
            for _ in 0..<100 where server.closedConnections == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(server.closedConnections == 1)
        }
    }

    /// The router cancels a request's task when its client leaves: the answer is `.abandoned`, and the store's
    /// connection, owing an answer no one will read, is closed.
    @Test func aCancelledRequestIsAbandonedAndItsConnectionClosed() async throws {
        let configuration = UpstreamClientConfiguration(connectTimeout: .seconds(2), readTimeout: .seconds(60))
        let server = try await ScriptedStore { _, _ in .silent }
        try await Self.forwarding(to: server, configuration: configuration) {
            (store: UpstreamBucketStore, client: StoreClient) async throws in
            let waiting = Task(executorPreference: Self.loop) {
                await store.respond(to: UpstreamBucketStoreTests.request("GET", "key"))
            }
            for _ in 0..<1000 where server.requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            try #require(server.requests == ["GET /remote-bucket/key"])
            #expect(server.closedConnections == 0)
            waiting.cancel()
            let response = await waiting.value
            #expect(response.status == S3Response.clientClosedRequest)
            for _ in 0..<100 where server.closedConnections == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(server.closedConnections == 1)
        }
    }

    /// A body let go before its end leaves a connection that cannot be reused: it is closed, and the next request
    /// opens another.
    @Test func closesTheConnectionOfABodyLetGoBeforeItsEnd() async throws {
        let large = String(repeating: "x", count: 4 << 20)
        let server = try await ScriptedStore { connection, _ in .ok(connection == 1 ? large : "small") }
        try await Self.forwarding(to: server) {
            (store: UpstreamBucketStore, client: StoreClient) async throws in
            let abandoned = await Self.respond(store, UpstreamBucketStoreTests.request("GET", "large"))
            #expect(abandoned.status == 200)
            #expect(abandoned.body.buffer == nil)
            var iterator = abandoned.body.makeAsyncIterator()
            let first = try await iterator.next()
            #expect((first?.readableBytes ?? 0) > 0)
            _ = consume iterator
            _ = consume abandoned
            for _ in 0..<100 where server.closedConnections == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(server.closedConnections == 1)
            #expect(try await Self.get(store, "small") == "200 small")
            #expect(server.connections == 2)
            #expect(await Self.opened(client) == 2)
        }
    }

    /// An idle connection the store closed leaves the pool when the store closes it: a POST, which is never sent
    /// twice, goes on a new connection rather than failing on the closed one.
    @Test func dropsAnIdleConnectionTheStoreClosed() async throws {
        let server = try await ScriptedStore { connection, _ in connection == 1 ? .okThenClose("first") : .ok("fine") }
        try await Self.forwarding(to: server) {
            (store: UpstreamBucketStore, client: StoreClient) async throws in
            #expect(try await Self.get(store, "first") == "200 first")
            for _ in 0..<100 where server.closedConnections == 0 { try await Task.sleep(for: .milliseconds(50)) }
            try await Task.sleep(for: .milliseconds(100))
            let post = await Self.respond(
                store,
                UpstreamBucketStoreTests.request("POST", nil, query: "delete", body: S3Body(string: "<Delete/>"))
            )
            let answer = try await post.body.text()
            #expect(post.status == 200, "\(answer)")
            #expect(server.connections == 2)
            #expect(await Self.opened(client) == 2)
        }
    }

    /// The pool closes a connection left idle for the idle timeout without waiting for another request, as the NIO
    /// client's does (`StoreClientTests.closesConnectionsIdleLongerThanTheIdleTimeout`).
    @Test func closesConnectionsIdleLongerThanTheIdleTimeout() async throws {
        let configuration = UpstreamClientConfiguration(idleConnectionTimeout: .milliseconds(300))
        let server = try await ScriptedStore { _, _ in .ok("fine") }
        try await Self.forwarding(to: server, configuration: configuration) {
            (store: UpstreamBucketStore, client: StoreClient) async throws in
            #expect(try await Self.get(store, "a") == "200 fine")
            // The sweep runs every 300 ms; waiting is bounded at 10 s.
            for _ in 0..<200 where server.closedConnections == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(server.closedConnections == 1)
            #expect(try await Self.get(store, "b") == "200 fine")
            #expect(server.connections == 2)
            #expect(await Self.opened(client) == 2)
        }
    }

    /// A connection idle for longer than the idle timeout is not used again.
    @Test func doesNotReuseAConnectionIdleLongerThanTheIdleTimeout() async throws {
        let configuration = UpstreamClientConfiguration(idleConnectionTimeout: .milliseconds(200))
        let server = try await ScriptedStore { _, _ in .ok("fine") }
        try await Self.forwarding(to: server, configuration: configuration) {
            (store: UpstreamBucketStore, client: StoreClient) async throws in
            #expect(try await Self.get(store, "a") == "200 fine")
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await Self.get(store, "b") == "200 fine")
            #expect(server.connections == 2)
            #expect(await Self.opened(client) == 2)
        }
    }
}
