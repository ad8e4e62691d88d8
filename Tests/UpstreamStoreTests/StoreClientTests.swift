import AccessPointCore
import Foundation
import LabPKI
import NIOCore
import NIOPosix
import S3HTTP
import Testing
import UpstreamStore

/// The store client's keep-alive pool and its failures, against a scripted server that counts its connections.
struct StoreClientTests {
    /// `STATUS BODY` of a GET.
    static func get(_ store: UpstreamBucketStore, _ key: String) async throws -> String {
        let response = await store.respond(to: UpstreamBucketStoreTests.request("GET", key))
        return "\(response.status) \(try await response.body.text())"
    }

    /// Runs `body` with a store forwarding to `server`; the client and the server are stopped however `body`
    /// ends. The client has one event loop, so one pool: a caller that is on no event loop gets any loop's, round
    /// robin.
    static func forwarding(
        to server: ScriptedStore,
        // Ample for loopback on a loaded machine (CI runs suites side by side on two cores); the tests of timeouts
        // pass their own.
        configuration: UpstreamClientConfiguration = UpstreamClientConfiguration(connectTimeout: .seconds(10)),
        _ body: (UpstreamBucketStore, ScriptedStore) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let client = try StoreClient(eventLoopGroup: group, configuration: configuration)
            do {
                try await body(UpstreamBucketStore(store: try server.remoteStore(), client: client), server)
            } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
        } catch {
            await server.stop()
            try? await group.shutdownGracefully()
            throw error
        }
        await server.stop()
        try await group.shutdownGracefully()
    }

    @Test func sendsSequentialRequestsOnOneKeptAliveConnection() async throws {
        try await Self.forwarding(to: try await ScriptedStore { _, request in .ok("answer \(request)") }) {
            (store: UpstreamBucketStore, server: ScriptedStore) async throws in
            for number in 1...5 {
                #expect(try await Self.get(store, "key-\(number)") == "200 answer \(number)")
            }
            #expect(server.connections == 1)
            #expect(server.requests == (1...5).map { "GET /remote-bucket/key-\($0)" })
        }
    }

    /// A body of unknown length goes out chunked, whole, and a chunked answer comes back whole; both on a store whose
    /// HTTP/1.1 is NIOHTTP1's, not the client's own.
    @Test(arguments: [nil, 5 * 10_000])
    func sendsABodyChunkedWhenItsLengthIsUnknown(length: Int?) async throws {
        try await Self.forwarding(to: try await ScriptedStore { _, _ in .echo }) {
            (store: UpstreamBucketStore, server: ScriptedStore) async throws in
            let generated = GeneratedBody(chunks: 5, chunkSize: 10_000)
            for _ in 1...2 {
                let response = await store.respond(
                    to: UpstreamBucketStoreTests.request(
                        "PUT",
                        "echo.bin",
                        body: S3Body(length: length, stream: generated)
                    )
                )
                guard response.status == 200 else {
                    // Seen once under CI's load (a 503, its reason not kept): say why, next time.
                    Issue.record("PUT \(length.map(String.init) ?? "chunked"): \(try await response.body.text())")
                    return
                }
                #expect(response.headers["x-request-framing"] == (length == nil ? "chunked" : "length 50000"))
                let (digest, count) = try await response.body.sha256()
                #expect(count == generated.length)
                #expect(digest == generated.sha256)
            }
            #expect(server.connections == 1, "the connection was not kept alive after a chunked exchange")
        }
    }

    /// Answers `c<connection> r<request>`, but closes the first connection at its second request, unanswered.
    static let closingSecondRequestOfFirstConnection: ScriptedStore.Script = { connection, request in
        connection == 1 && request == 2 ? .closeUnanswered : .ok("c\(connection) r\(request)")
    }

    /// Requests beyond the limit wait for a connection instead of opening more.
    @Test func queuesRequestsBeyondTheConnectionLimit() async throws {
        let configuration = UpstreamClientConfiguration(maximumConnectionsPerHost: 2)
        try await Self.forwarding(to: try await ScriptedStore { _, _ in .ok("fine") }, configuration: configuration) {
            (store: UpstreamBucketStore, server: ScriptedStore) async throws in
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for number in 1...8 { group.addTask { try await Self.get(store, "key-\(number)") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers == Array(repeating: "200 fine", count: 8))
            #expect(server.connections <= 2)
            #expect(server.requests.count == 8)
        }
    }

    /// A request cancelled while it waits for a connection (the limit reached, the only one busy) ends then, and is
    /// never sent: the store hears only the requests still wanted, in order.
    @Test func aRequestCancelledWhileWaitingForAConnectionIsNeverSent() async throws {
        let configuration = UpstreamClientConfiguration(readTimeout: .seconds(60), maximumConnectionsPerHost: 1)
        let server = try await ScriptedStore { connection, _ in connection == 1 ? .silent : .ok("fine") }
        try await Self.forwarding(to: server, configuration: configuration) { store, server in
            let first = Task { try await Self.get(store, "first") }
            var looks = 0  // a minute of them at least: the whole suite's start can keep a task waiting that long
            while server.requests.isEmpty, looks < 12_000 {
                looks += 1
                try await Task.sleep(for: .milliseconds(5))
            }
            try #require(server.requests == ["GET /remote-bucket/first"], "the store never heard the first request")
            let second = Task { try await Self.get(store, "second") }
            // Queued, or about to be: either way it must end when cancelled, not when the connection comes free.
            try await Task.sleep(for: .milliseconds(50))
            second.cancel()
            _ = try? await second.value
            #expect(server.requests == ["GET /remote-bucket/first"])
            first.cancel()
            _ = try? await first.value
            // The one connection is free again: a new request goes first in line, and nothing cancelled before it.
            #expect(try await Self.get(store, "third") == "200 fine")
            #expect(server.requests == ["GET /remote-bucket/first", "GET /remote-bucket/third"])
        }
    }

    /// The usual race with a store's idle timeout: the kept-alive connection closes as the next request goes out.
    @Test func sendsAGetAgainWhenTheKeptAliveConnectionClosesUnanswered() async throws {
        try await Self.forwarding(to: try await ScriptedStore(Self.closingSecondRequestOfFirstConnection)) {
            (store: UpstreamBucketStore, server: ScriptedStore) async throws in
            #expect(try await Self.get(store, "first") == "200 c1 r1")
            #expect(try await Self.get(store, "second") == "200 c2 r1")
            #expect(server.connections == 2)
            #expect(
                server.requests == [
                    "GET /remote-bucket/first", "GET /remote-bucket/second", "GET /remote-bucket/second",
                ]
            )
        }
    }

    /// A POST (CompleteMultipartUpload, DeleteObjects) may have taken effect: it is never sent twice.
    @Test func neverSendsAPostTwice() async throws {
        try await Self.forwarding(to: try await ScriptedStore(Self.closingSecondRequestOfFirstConnection)) {
            (store: UpstreamBucketStore, server: ScriptedStore) async throws in
            #expect(try await Self.get(store, "first") == "200 c1 r1")
            let post = await store.respond(
                to: UpstreamBucketStoreTests.request("POST", nil, query: "delete", body: S3Body(string: "<Delete/>"))
            )
            let xml = try await post.body.text()
            #expect(post.status == 503)
            #expect(xmlValue("Code", in: xml) == "ServiceUnavailable")
            #expect(xml.contains("closed before the response ended"), "\(xml)")
            #expect(server.connections == 1)
            #expect(server.requests == ["GET /remote-bucket/first", "POST /remote-bucket?delete"])
        }
    }

    /// A field that would split the request on the wire (a CR LF in its value) is never sent: the request fails
    /// with an error naming the field, the store hears nothing, and the client stays usable. (NIOHTTP1's validator
    /// dropped such a head without a word, and the request failed as if the store had answered badly: a 503.) The
    /// read timeout is long, so a request left waiting would end in its 503, not in this 500.
    @Test func refusesAFieldThatCannotGoOnTheWire() async throws {
        let configuration = UpstreamClientConfiguration(readTimeout: .seconds(120))
        try await Self.forwarding(
            to: try await ScriptedStore { _, request in .ok("r\(request)") },
            configuration: configuration
        ) {
            (store: UpstreamBucketStore, server: ScriptedStore) async throws in
            let response = await store.respond(
                to: UpstreamBucketStoreTests.request("GET", "key", headers: ["x-amz-meta-note": "a\r\nX-Injected: 1"])
            )
            let xml = try await response.body.text()
            #expect(response.status == 500)
            #expect(xmlValue("Code", in: xml) == "InternalError")
            #expect(xml.contains("x-amz-meta-note"), "\(xml)")
            // A method that is not a token would split the request line the same way.
            let badMethod = await store.respond(to: UpstreamBucketStoreTests.request("GET /x HTTP/1.1\r\nA:", "key"))
            let badMethodXML = try await badMethod.body.text()
            #expect(badMethod.status == 500)
            #expect(badMethodXML.contains("method or target"), "\(badMethodXML)")
            #expect(server.requests.isEmpty)
            #expect(try await Self.get(store, "next") == "200 r1")
        }
    }

    @Test func answersServiceUnavailableForAResponseThatIsNotHTTP() async throws {
        try await Self.forwarding(to: try await ScriptedStore { _, _ in .garbage }) {
            (store: UpstreamBucketStore, _: ScriptedStore) async throws in
            let response = await store.respond(to: UpstreamBucketStoreTests.request("GET", "key"))
            let xml = try await response.body.text()
            #expect(response.status == 503)
            #expect(xmlValue("Code", in: xml) == "ServiceUnavailable")
            #expect(xml.contains("not valid HTTP/1.1"), "\(xml)")
            UpstreamBucketStoreTests.expectRouterIdentifiers(response)
        }
    }

    /// A response the client cannot read closes its connection, even when the store keeps it open: with one
    /// connection allowed, the next request gets a new one rather than waiting for a place that never comes free.
    @Test func closesTheConnectionOfAMalformedResponse() async throws {
        let configuration = UpstreamClientConfiguration(connectTimeout: .seconds(2), maximumConnectionsPerHost: 1)
        let server = try await ScriptedStore { connection, _ in connection == 1 ? .malformed : .ok("fine") }
        try await Self.forwarding(to: server, configuration: configuration) {
            (store: UpstreamBucketStore, server: ScriptedStore) async throws in
            let response = await store.respond(to: UpstreamBucketStoreTests.request("GET", "key"))
            let xml = try await response.body.text()
            #expect(response.status == 503)
            #expect(xml.contains("both Content-Length and Transfer-Encoding"), "\(xml)")
            // Waited for, boundedly: a connection left open would keep the next request waiting for ever.
            for _ in 0..<200 where server.closedConnections == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(server.closedConnections == 1, "the connection of the malformed response was left open")
            guard server.closedConnections == 1 else { return }
            #expect(try await Self.get(store, "next") == "200 fine")
            #expect(server.connections == 2)
        }
    }

    /// The pool closes a connection left idle for the idle timeout without waiting for another request. (Only
    /// that: whether two requests share a connection depends on how soon the second comes, which a loaded machine
    /// does not promise; `sendsSequentialRequestsOnOneKeptAliveConnection` checks reuse with the 60 s default.)
    @Test func closesConnectionsIdleLongerThanTheIdleTimeout() async throws {
        let configuration = UpstreamClientConfiguration(idleConnectionTimeout: .milliseconds(300))
        try await Self.forwarding(to: try await ScriptedStore { _, _ in .ok("fine") }, configuration: configuration) {
            (store: UpstreamBucketStore, server: ScriptedStore) async throws in
            #expect(try await Self.get(store, "a") == "200 fine")
            // The sweep runs every 300 ms; waiting is bounded at 10 s.
            for _ in 0..<200 where server.closedConnections == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(server.closedConnections == 1)
            #expect(try await Self.get(store, "b") == "200 fine")
            #expect(server.connections == 2)
        }
    }

    /// A response whose reader went away before its end leaves a connection that cannot be reused.
    @Test func doesNotReuseAConnectionWhoseResponseWasAbandoned() async throws {
        let large = String(repeating: "x", count: 4 << 20)
        try await Self.forwarding(
            to: try await ScriptedStore { connection, _ in .ok(connection == 1 ? large : "small") }
        ) {
            (store: UpstreamBucketStore, server: ScriptedStore) async throws in
            let abandoned = await store.respond(to: UpstreamBucketStoreTests.request("GET", "large"))
            #expect(abandoned.status == 200)
            var iterator = abandoned.body.makeAsyncIterator()
            let first = try await iterator.next()
            #expect((first?.readableBytes ?? 0) > 0)
            _ = consume iterator
            _ = consume abandoned
            // The client closes the abandoned connection (within 5 s: a bounded wait, not a timing assertion).
            for _ in 0..<100 where server.closedConnections == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(server.closedConnections == 1)
            #expect(try await Self.get(store, "small") == "200 small")
            #expect(server.connections == 2)
        }
    }
}

/// An `https` store: its certificate is verified, against the system's trust store and the lab's `caBundle`.
struct StoreClientTLSTests {
    @Test func trustsAnHTTPSStoreSignedByTheCABundleAndNoOther() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let authority = try LabCertificateAuthority(now: Date())
        let credential = try authority.issueServerCertificate(
            for: LabCertificateNames(dnsNames: ["localhost"], ipAddresses: [try #require(IPAddress("127.0.0.1"))]),
            now: Date()
        )
        let paths = (
            certificate: folder.appendingPathComponent("store.pem").path,
            key: folder.appendingPathComponent("store.key").path,
            ca: folder.appendingPathComponent("ca.pem").path
        )
        try credential.certificatePEM.write(toFile: paths.certificate, atomically: true, encoding: .utf8)
        try credential.privateKeyPEM.write(toFile: paths.key, atomically: true, encoding: .utf8)
        try authority.certificatePEM.write(toFile: paths.ca, atomically: true, encoding: .utf8)

        let server = try await RcloneS3Server.start(tls: (paths.certificate, paths.key))
        defer { server.stop() }
        let remote = try LabConfiguration.RemoteStore(
            endpoint: "https://localhost:\(server.port)",
            bucket: RcloneS3Server.remoteBucket,
            accessKeyId: RcloneS3Server.accessKey,
            secretAccessKey: RcloneS3Server.secretKey,
            pathStyle: true,
            region: Region(validating: "us-east-1")
        )

        let trusting = try StoreClient(configuration: UpstreamClientConfiguration(caBundle: paths.ca))
        let store = UpstreamBucketStore(store: remote, client: trusting)
        try await UpstreamBucketStoreTests.put(store, "tls.txt", "over TLS")
        let get = await store.respond(to: UpstreamBucketStoreTests.request("GET", "tls.txt"))
        #expect(get.status == 200)
        #expect(try await get.body.text() == "over TLS")
        await trusting.shutdown()

        let systemOnly = try StoreClient()
        let refused = await UpstreamBucketStore(store: remote, client: systemOnly)
            .respond(to: UpstreamBucketStoreTests.request("GET", "tls.txt"))
        let xml = try await refused.body.text()
        await systemOnly.shutdown()
        #expect(refused.status == 503)
        #expect(xmlValue("Code", in: xml) == "ServiceUnavailable")
        #expect(xml.contains("CERTIFICATE_VERIFY_FAILED"), "\(xml)")
    }
}
