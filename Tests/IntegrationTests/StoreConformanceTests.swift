import APRouterTestSupport
import Foundation
import Testing

/// One boto3 module (`Scripts/s3_conformance.py`), every object operation of issue 9 and the sub-resources of a bucket
/// made today (ACLs disabled, unversioned, no Object Lock), run against the embedded store served alone (path-style
/// and virtual-hosted), against the same store through the router and an access point, and against `rclone serve s3`
/// as the reference. Our store must pass every check on every path; rclone's differences are written down in the
/// module (and in README.md) with their reasons, and a documented difference that stops differing fails the run, so
/// the table stays true.
@Suite(.serialized)
struct StoreConformanceTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scripts/s3_conformance.py").path

    struct Report {
        var status: Int32
        var outcomes: [String: String]
        var text: String

        func checks(_ outcome: String) -> [String] { outcomes.filter { $0.value == outcome }.keys.sorted() }
    }

    static func run(
        target: String,
        endpoint: String,
        bucket: String,
        addressing: String,
        ca: String? = nil,
        region: String = "us-east-1"
    ) async throws -> Report {
        let output = try await ExternalCommand.run(
            [
                "python3", script, "--target", target, "--endpoint", endpoint, "--bucket", bucket, "--addressing",
                addressing,
            ]
                + (ca.map { ["--ca", $0] } ?? []),
            environment: [
                "AWS_ACCESS_KEY_ID": DataPlaneTests.accessKey,
                "AWS_SECRET_ACCESS_KEY": DataPlaneTests.secretKey,
                "AWS_DEFAULT_REGION": region,
                "AWS_CONFIG_FILE": "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            ]
        )
        var outcomes: [String: String] = [:]
        if let start = output.text.firstIndex(of: "{"),
            let object = try? JSONSerialization.jsonObject(with: Data(output.text[start...].utf8)) as? [String: Any],
            let results = object["results"] as? [String: [String: String]]
        {
            outcomes = results.compactMapValues { $0["outcome"] }
        }
        return Report(status: output.status, outcomes: outcomes, text: output.text)
    }

    /// Every check of the module, so a run that silently did fewer is caught.
    static let checkCount = 42

    @Test(arguments: ["path", "virtual"])
    func theStoreServedAlonePassesEveryCheck(_ addressing: String) async throws {
        let store = try await RunningStore.start()
        defer {
            _ = store.stop()
            store.remove()
        }
        let host = addressing == "path" ? "127.0.0.1" : "localhost"
        let report = try await Self.run(
            target: "store",
            endpoint: "http://\(host):\(store.port)",
            bucket: "example-bucket",
            addressing: addressing
        )
        #expect(report.status == 0, "\(report.text)\n\(store.server.output.suffix(3000))")
        #expect(report.checks("pass").count == Self.checkCount, "\(report.outcomes)")
        #expect(store.stop() == 0, "SIGTERM stops the store gracefully")
    }

    @Test func theStoreThroughAnAccessPointPassesEveryCheck() async throws {
        try await Self.expectEveryCheckThroughAnAccessPoint(target: "router")
    }

    /// The router in front of an S3-compatible server, `aprouter store serve` (`store: {endpoint: …}` in the lab):
    /// every operation forwarded and re-signed passes the same checks, the uploads' checksums included, which go on
    /// to the store in an aws-chunked trailer as they came from boto3.
    @Test func theStoreServedBehindTheRouterPassesEveryCheck() async throws {
        let store = try await RunningStore.start()
        defer {
            _ = store.stop()
            store.remove()
        }
        try await Self.expectEveryCheckThroughAnAccessPoint(
            target: "router-upstream",
            buckets: """
                buckets:
                  - name: example-bucket
                    account: "123456789012"
                    store: {endpoint: "\(store.endpoint)", bucket: example-bucket, accessKeyId: \(DataPlaneTests.accessKey), secretAccessKey: \(DataPlaneTests.secretKey), pathStyle: true}
                """,
            storeOutput: store.server.output
        )
    }

    /// The module through the access point `data-ap` of a lab whose bucket is `buckets`, every check passing.
    static func expectEveryCheckThroughAnAccessPoint(
        target: String,
        buckets: String = DataPlaneTests.embeddedBucket,
        storeOutput: @autoclosure () -> String = ""
    ) async throws {
        let lab = try await DataPlaneTests.Lab.start(buckets: buckets)
        defer { _ = lab.stop() }
        let created = try await lab.control(["create-access-point", "--name", "data-ap", "--bucket", "example-bucket"])
        #expect(created.status == 0, "\(created.text)")
        let report = try await Self.run(
            target: target,
            endpoint: lab.endpoint,
            bucket: DataPlaneTests.arn,
            addressing: "virtual",
            ca: lab.ca,
            region: "us-west-2"
        )
        #expect(
            report.status == 0,
            "\(report.text)\n\(lab.server.output.suffix(3000))\n\(storeOutput().suffix(2000))"
        )
        #expect(report.checks("pass").count == Self.checkCount, "\(report.outcomes)")
        #expect(lab.stop() == 0)
    }

    @Test func rcloneTheReferencePassesTheRestAndDiffersOnlyWhereDocumented() async throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("example-bucket"),
            withIntermediateDirectories: true
        )
        let port = try BackgroundProcess.freeLoopbackPort()
        let rclone = try BackgroundProcess(
            [
                "rclone", "serve", "s3", "--addr", "127.0.0.1:\(port)", "--auth-key",
                "\(DataPlaneTests.accessKey),\(DataPlaneTests.secretKey)", "--force-path-style=true", "--log-level",
                "ERROR", directory.path,
            ],
            environment: ["RCLONE_CONFIG": "/dev/null"]
        )
        defer { _ = rclone.stop() }
        #expect(try await rclone.waitUntilListening(port: port), "\(rclone.output)")
        let report = try await Self.run(
            target: "rclone",
            endpoint: "http://127.0.0.1:\(port)",
            bucket: "example-bucket",
            addressing: "path"
        )
        #expect(report.status == 0, "a check failed or a documented difference passed: \(report.text)")
        #expect(report.outcomes.count == Self.checkCount, "\(report.outcomes)")
        // The reference agrees with S3 (and us) on the core of the API; the rest is the table in README.md.
        #expect(
            Set(report.checks("pass")).isSuperset(of: [
                "put_get_etag_is_md5", "list_objects_v2_delimiter", "list_objects_v2_continuation",
                "list_objects_v2_start_after", "list_objects_v2_encoding_type_url", "multipart_abort",
            ]),
            "\(report.outcomes)"
        )
    }
}

/// `aprouter store serve` on a temporary directory, on a free port it reports in its log.
struct RunningStore {
    let directory: URL
    let server: RunningServer
    let port: Int

    static let credential = "\(DataPlaneTests.accessKey):\(DataPlaneTests.secretKey)"

    /// Starts the store on `directory` (a fresh one by default) with `example-bucket`.
    static func start(directory existing: URL? = nil, extra: [String] = []) async throws -> RunningStore {
        let directory = try existing ?? ConfigCheckTests.temporaryDirectory()
        let server = try RunningServer(
            arguments: [
                "store", "serve", "--dir", directory.appendingPathComponent("data").path, "--bucket", "example-bucket",
                "--listen", "127.0.0.1:0", "--credential", credential,
            ] + extra,
            in: directory
        )
        for _ in 0..<500 {
            if let port = ControlPlaneTests.value("store.port", in: server.output) {
                return RunningStore(directory: directory, server: server, port: port)
            }
            if !server.process.isRunning { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        _ = server.stop()
        Issue.record("aprouter store serve did not start: \(server.output)")
        throw CancellationError()
    }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// SIGTERM, and the exit status; the directory is kept (a restart test reopens it).
    func stop() -> Int32 { server.stop() }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
