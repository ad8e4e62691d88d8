import APRouterTestSupport
import Foundation
import Testing

/// `aprouter store serve` as a user runs it: the aws CLI with `--endpoint-url`, curl without a signature, a
/// credentials file, and command lines with a mistake in them.
@Suite(.serialized)
struct StoreServeTests {
    @Test func awsCLIUsesTheStoreAndAnonymousRequestsAreRefused() async throws {
        let store = try await RunningStore.start()
        defer {
            _ = store.stop()
            store.remove()
        }
        let file = store.directory.appendingPathComponent("hello.txt")
        try "hello from the embedded store\n".write(to: file, atomically: true, encoding: .utf8)
        let put = try await aws(
            store,
            [
                "s3api", "put-object", "--bucket", "example-bucket", "--key", "notes/hello.txt", "--body", file.path,
            ]
        )
        #expect(put.status == 0 && put.text.contains(#""ETag": "\"8cf792a417aeefabf70f4e2d93c11be0\"""#), "\(put.text)")
        let listed = try await aws(store, ["s3", "ls", "s3://example-bucket/notes/"])
        #expect(listed.text.contains(" 30 hello.txt"), "\(listed.text)")
        let buckets = try await aws(store, ["s3", "ls"])
        #expect(buckets.text.contains("example-bucket"), "\(buckets.text)")

        let anonymous = try await ExternalCommand.run([
            "curl", "-s", "-w", " %{http_code}", "\(store.endpoint)/example-bucket/notes/hello.txt",
        ]).text
        #expect(anonymous.contains("<Code>AccessDenied</Code>") && anonymous.hasSuffix(" 403"), "\(anonymous)")
        // `aws s3 presign` makes SigV2 URLs unless the profile asks for s3v4; SigV2 is refused by name.
        let version2 = try await aws(store, ["s3", "presign", "s3://example-bucket/notes/hello.txt"])
        let refused = try await ExternalCommand.run([
            "curl", "-s", "-w", " %{http_code}", version2.text.trimmingCharacters(in: .whitespacesAndNewlines),
        ]).text
        #expect(refused.contains("Please use AWS4-HMAC-SHA256") && refused.hasSuffix(" 400"), "\(refused)")
        let config = store.directory.appendingPathComponent("aws-config")
        try "[default]\ns3 =\n    signature_version = s3v4\n".write(to: config, atomically: true, encoding: .utf8)
        let presigned = try await aws(
            store,
            ["s3", "presign", "s3://example-bucket/notes/hello.txt"],
            config: config.path
        )
        let url = presigned.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let fetched = try await ExternalCommand.run(["curl", "-s", "-w", " %{http_code}", url]).text
        #expect(fetched == "hello from the embedded store\n 200", "\(url): \(fetched)")
        #expect(try await logs(store, "key=notes/hello.txt"), "one access-log line per request")
        #expect(store.stop() == 0, "SIGTERM: a graceful stop, status 0")
    }

    @Test func aCredentialsFileAndBucketsFoundInTheDirectory() async throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data")
        for name in ["found-bucket", "Not_A_Bucket"] {
            try FileManager.default.createDirectory(
                at: data.appendingPathComponent(name),
                withIntermediateDirectories: true
            )
        }
        let keys = directory.appendingPathComponent("keys")
        try "# the lab's key\n\(RunningStore.credential)\n".write(to: keys, atomically: true, encoding: .utf8)
        let server = try RunningServer(
            arguments: [
                "store", "serve", "--dir", data.path, "--listen", "127.0.0.1:0", "--credentials-file", keys.path,
            ],
            in: directory
        )
        defer { _ = server.stop() }
        var port: Int?
        for _ in 0..<500 where port == nil {
            port = ControlPlaneTests.value("store.port", in: server.output)
            if port == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        let store = RunningStore(directory: directory, server: server, port: try #require(port, "\(server.output)"))
        #expect(
            server.output.contains("1 bucket (found-bucket)"),
            "only valid bucket names are buckets: \(server.output)"
        )
        let listed = try await aws(store, ["s3api", "list-objects-v2", "--bucket", "found-bucket"])
        #expect(listed.status == 0, "\(listed.text)")
        let missing = try await aws(store, ["s3api", "list-objects-v2", "--bucket", "other-bucket"])
        #expect(missing.status != 0 && missing.text.contains("NoSuchBucket"), "\(missing.text)")
        #expect(server.stop() == 0)
    }

    struct BadInput: CustomTestStringConvertible, Sendable {
        let arguments: [String]
        let message: String
        var testDescription: String { message }
    }

    static let badInputs: [BadInput] = [
        BadInput(arguments: ["--listen", "localhost:9000"], message: "--listen: 'localhost:9000' is not an address"),
        BadInput(arguments: ["--listen", "127.0.0.1:70000"], message: "--listen: '127.0.0.1:70000'"),
        BadInput(arguments: ["--bucket", "Bad_Bucket"], message: "--bucket: 'Bad_Bucket' is not an S3 bucket name"),
        BadInput(arguments: ["--credential", "no-colon"], message: "--credential: expected ACCESS_KEY_ID:SECRET"),
        BadInput(arguments: ["--region", "Mars"], message: "--region: 'Mars' is not a region"),
        BadInput(arguments: ["--credentials-file", "KEYS"], message: "--credentials-file: KEYS: line 2:"),
        BadInput(arguments: ["--credentials-file", "MISSING"], message: "--credentials-file: cannot read"),
        BadInput(arguments: [], message: "--dir: DATA holds no bucket directory"),
    ]

    @Test(arguments: badInputs)
    func aMistakeNamesItsFlagAndNothingStarts(_ input: BadInput) throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = directory.appendingPathComponent("keys")
        try "\(RunningStore.credential)\nnot a credential\n".write(to: keys, atomically: true, encoding: .utf8)
        let data = directory.appendingPathComponent("data").path
        let substitute = { (text: String) in
            text.replacingOccurrences(of: "KEYS", with: keys.path)
                .replacingOccurrences(of: "MISSING", with: directory.appendingPathComponent("none").path)
                .replacingOccurrences(of: "DATA", with: data)
        }
        var arguments = ["store", "serve", "--dir", data, "--listen", "127.0.0.1:0"]
        if !input.arguments.contains(where: { $0.hasPrefix("--credential") }) {
            arguments += ["--credential", RunningStore.credential]
        }
        if input.arguments.first != "--bucket", !input.message.hasPrefix("--dir") {
            arguments += ["--bucket", "example-bucket"]
        }
        let output = try AprouterCommand.run(arguments + input.arguments.map(substitute), in: directory)
        #expect(output.status != 0)
        #expect(output.stderr.contains(substitute(input.message)), "\(output.stderr)")
        #expect(!output.stderr.contains("listening"), "nothing was started")
    }

    @Test func withoutAnyCredentialTheStoreRefusesToStart() throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try AprouterCommand.run(
            ["store", "serve", "--dir", directory.path, "--bucket", "example-bucket"],
            in: directory
        )
        #expect(output.status != 0)
        #expect(
            output.stderr.contains("--credential or --credentials-file: at least one access key is required"),
            "\(output.stderr)"
        )
    }

    /// SIGTERM while a keep-alive client sits idle on its connection: the store closes that connection and exits
    /// (before, it waited for the client to hang up, and `stop` had to SIGKILL it).
    @Test func aGracefulStopClosesIdleKeepAliveConnections() async throws {
        let store = try await RunningStore.start()
        defer {
            _ = store.stop()
            store.remove()
        }
        // One request, answered (anonymous: 403) with the connection kept alive; then the client waits for the
        // server to close it, and says so.
        let script = """
            import socket, sys
            s = socket.create_connection(("127.0.0.1", \(store.port)))
            s.sendall(b"GET /example-bucket/k HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n")
            s.settimeout(30)
            head = s.recv(65536).decode(errors="replace")
            print("answered", head.split("\\r\\n")[0], "close" if "onnection: close" in head else "kept", flush=True)
            try:
                rest = s.recv(1)
                print("closed" if rest == b"" else "more bytes", flush=True)
            except socket.timeout:
                print("still open", flush=True)
            """
        let client = try BackgroundProcess(["python3", "-c", script])
        defer { client.stop() }
        var answered = false
        for _ in 0..<500 where !answered {
            answered = client.output.contains("answered")
            if !answered { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(client.output.contains("answered HTTP/1.1 403 Forbidden kept"), "\(client.output)")
        let process = store.server.process
        process.terminate()
        for _ in 0..<500 where process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!process.isRunning, "SIGTERM with an idle client: the store must exit within 5 s")
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        #expect(store.stop() == 0, "a graceful stop, status 0")
        var closed = false
        for _ in 0..<500 where !closed {
            closed = client.output.contains("closed")
            if !closed { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(closed, "the client saw the connection closed: \(client.output)")
    }

    func aws(
        _ store: RunningStore,
        _ arguments: [String],
        config: String = "/dev/null"
    ) async throws
        -> ExternalCommand.Output
    {
        try await ExternalCommand.run(
            ["aws"] + arguments + ["--endpoint-url", store.endpoint, "--output", "json"],
            environment: StoreCrashTests.environment.merging(["AWS_CONFIG_FILE": config]) { $1 }
        )
    }

    func logs(_ store: RunningStore, _ text: String) async throws -> Bool {
        for _ in 0..<100 {
            if store.server.output.contains(text) { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
