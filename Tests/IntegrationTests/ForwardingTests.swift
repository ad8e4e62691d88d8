import APRouterTestSupport
import Foundation
import Testing

/// A bucket on a real S3-compatible server (`rclone serve s3`) behind an access point: the aws CLI talks to the
/// router, the router forwards to rclone re-signed with the store's credentials, and what rclone stored is read
/// from its folder on disk.
@Suite(.serialized)
struct ForwardingTests {
    @Test func awsCLIThroughTheRouterToAnS3CompatibleServer() async throws {
        let rclone = try await RcloneUpstream.start(bucket: "real-bucket")
        defer { rclone.remove() }
        let remote = rclone.bucketDirectory

        let lab = try await DataPlaneTests.Lab.start(
            buckets: """
                buckets:
                  - name: example-bucket
                    account: "123456789012"
                    store: \(rclone.store(bucket: "real-bucket"))
                """
        )
        defer { _ = lab.stop() }
        let created = try await lab.control(["create-access-point", "--name", "data-ap", "--bucket", "example-bucket"])
        #expect(created.status == 0, "\(created.text)")

        let file = lab.directory.appendingPathComponent("report.csv")
        try "a,b\n1,2\n".write(to: file, atomically: true, encoding: .utf8)
        let put = try await lab.aws([
            "s3api", "put-object", "--bucket", DataPlaneTests.arn, "--key", "reports/q3 final.csv", "--body", file.path,
        ])
        #expect(put.status == 0, "\(put.text)\n\(lab.server.output.suffix(1500))")
        // What rclone stored: the remote bucket's folder has the object under its key.
        let stored = remote.appendingPathComponent("reports/q3 final.csv")
        #expect(try String(contentsOf: stored, encoding: .utf8) == "a,b\n1,2\n")

        let out = lab.directory.appendingPathComponent("out.csv")
        let get = try await lab.aws([
            "s3api", "get-object", "--bucket", DataPlaneTests.arn, "--key", "reports/q3 final.csv", out.path,
        ])
        #expect(get.status == 0, "\(get.text)")
        #expect(try String(contentsOf: out, encoding: .utf8) == "a,b\n1,2\n")
        let listed = try await lab.aws([
            "s3api", "list-objects-v2", "--bucket", DataPlaneTests.arn, "--prefix", "reports/",
        ])
        #expect(listed.text.contains(#""Key": "reports/q3 final.csv""#), "\(listed.text)")
        let missing = try await lab.aws(["s3api", "head-object", "--bucket", DataPlaneTests.arn, "--key", "nope"])
        #expect(missing.status != 0 && missing.text.contains("404"), "upstream 404 passes through: \(missing.text)")

        // The store goes away: the router answers 503 ServiceUnavailable itself.
        rclone.stop()
        let down = try await lab.curl(
            "data-ap-123456789012.s3.lab.localhost",
            "/reports/q3%20final.csv",
            from: "127.0.0.1"
        )
        #expect(down.contains("<Code>ServiceUnavailable</Code>") && down.hasSuffix(" 503"), "\(down)")
        #expect(lab.stop() == 0)
    }

    /// A lab whose bucket's store is `Scripts/silent_store.py` with `options`, with the access point `data-ap` on
    /// it; `upstream.readTimeout` is two minutes.
    static func labWithFailingStore(_ options: [String] = []) async throws -> (BackgroundProcess, DataPlaneTests.Lab) {
        let storePort = try BackgroundProcess.freeLoopbackPort()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Scripts/silent_store.py").path
        let store = try BackgroundProcess(["python3", script, String(storePort)] + options)
        #expect(try await store.waitUntilListening(port: storePort), "\(store.output)")
        let lab = try await DataPlaneTests.Lab.start(
            buckets: """
                upstream: {readTimeout: 120s}
                buckets:
                  - name: example-bucket
                    account: "123456789012"
                    store: {endpoint: "http://127.0.0.1:\(storePort)", bucket: silent, accessKeyId: k, secretAccessKey: s, pathStyle: true}
                """
        )
        let created = try await lab.control(["create-access-point", "--name", "data-ap", "--bucket", "example-bucket"])
        #expect(created.status == 0, "\(created.text)")
        return (store, lab)
    }

    /// A store that sends a response's head and then closes without its body: the router has sent nothing yet (a
    /// response's head waits for its body's first bytes), so curl gets `503 ServiceUnavailable` as S3 XML instead of
    /// a connection closed without an answer, and the access log says the response failed.
    @Test func aStoreThatStopsAfterItsHeadIsAnsweredWithServiceUnavailable() async throws {
        let (store, lab) = try await Self.labWithFailingStore(["--head-then-close"])
        defer {
            _ = lab.stop()
            _ = store.stop()
        }
        let answer = try await lab.curl("data-ap-123456789012.s3.lab.localhost", "/object.txt", from: "127.0.0.1")
        #expect(answer.contains("<Code>ServiceUnavailable</Code>") && answer.hasSuffix(" 503"), "\(answer)")
        #expect(try await lab.logs("status=503"), "\(lab.server.output.suffix(1500))")
        let line = try #require(lab.server.output.split(separator: "\n").first { $0.contains("status=503") })
        #expect(line.contains("ended=failed") && line.contains("key=object.txt"), "\(line)")
        #expect(lab.stop() == 0)
    }

    /// A client that gives up on a request its store does not answer: the router abandons the store's request
    /// when the client leaves (as nginx does), not when `upstream.readTimeout` (two minutes here) runs out, and the
    /// access log and the metrics record it as nginx logs it, 499 with nothing sent. curl is the client, directly
    /// or through the forward proxy (a CONNECT tunnel), a store that reads requests and never answers
    /// (`Scripts/silent_store.py`) the store.
    @Test(arguments: [false, true])
    func aClientThatGivesUpOnASilentStoreFreesItsConnectionAndIsLoggedAs499(throughTheProxy: Bool) async throws {
        let (store, lab) = try await Self.labWithFailingStore()
        defer {
            _ = lab.stop()
            _ = store.stop()
        }

        let host: String
        let route: [String]
        if throughTheProxy {
            host = "data-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com"
            route = ["--proxy", "http://127.0.0.1:\(try #require(lab.ports.proxy))"]
        } else {
            host = "data-ap-123456789012.s3.lab.localhost"
            route = ["--resolve", "\(host):\(lab.ports.https):127.0.0.1"]
        }
        let port = throughTheProxy ? 443 : lab.ports.https
        let gaveUp = try await ExternalCommand.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", "--cacert", lab.ca] + route + [
                "-H", "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "--aws-sigv4", "aws:amz:us-west-2:s3", "--user",
                "\(DataPlaneTests.accessKey):\(DataPlaneTests.secretKey)",
                "https://\(host):\(port)/waiting.txt",
            ]
        )
        #expect(gaveUp.status == 28 && gaveUp.text == "000", "curl timed out without an answer: \(gaveUp)")

        // The store's connection closes when curl leaves: within seconds, not after the two-minute read timeout.
        // Two connections close: the one that saw the store listening, at once, and the router's.
        var closes: [Double] = []
        for _ in 0..<3000 where closes.count < 2 {
            closes = store.output.split(separator: "\n").filter { $0.hasPrefix("closed after") }
                .compactMap { Double($0.split(separator: " ")[2]) }
            if closes.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(closes.count == 2, "the router's connection to the store did not close: \(store.output)")
        #expect(closes.allSatisfy { $0 < 30 }, "the store's connection stayed open after its client left: \(closes)")

        #expect(try await lab.logs("status=499"), "\(lab.server.output.suffix(1500))")
        let line = try #require(lab.server.output.split(separator: "\n").first { $0.contains("status=499") })
        #expect(line.contains("ended=client_closed") && line.contains("key=waiting.txt"), "\(line)")
        #expect(line.contains("bytes_out=0") && !line.contains("error_code="), "\(line)")

        let adminPort = try #require(ControlPlaneTests.value("admin.port", in: lab.server.output))
        let metrics = try await ExternalCommand.run(["curl", "-s", "http://127.0.0.1:\(adminPort)/metrics"]).text
        #expect(
            metrics.contains(#"aprouter_requests_total{operation="GetObject",outcome="client_closed",status="499"} 1"#),
            "\(metrics)"
        )
        #expect(lab.stop() == 0)
    }
}

/// Behind a load balancer: a trusted proxy's PROXY protocol header names the client, and that address decides the
/// VPC origin; the header is required from the trusted proxy and refused from anyone else.
@Suite(.serialized)
struct ProxyProtocolTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scripts/proxied_request.py").path

    @Test func aTrustedProxyNamesTheClientAndNobodyElseMay() async throws {
        let lab = try await DataPlaneTests.Lab.start(
            buckets: DataPlaneTests.embeddedBucket + "\nproxyProtocol: {trustedProxies: [127.0.0.9/32]}"
        )
        defer { _ = lab.stop() }
        let created = try await lab.control([
            "create-access-point", "--name", "vpc-ap", "--bucket", "example-bucket",
            "--vpc-configuration", "VpcId=vpc-1a2b3c",
        ])
        #expect(created.status == 0, "\(created.text)")
        let host = "vpc-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com"
        func request(from bind: String, proxied: String?) async throws -> String {
            try await ExternalCommand.run(
                ["python3", Self.script, host, "\(lab.ports.https)", lab.ca, bind, "/missing"]
                    + (proxied.map { [$0] } ?? [])
            ).text
        }
        var inside = ""
        for _ in 0..<40 where !inside.contains("NoSuchKey") {
            inside = try await request(from: "127.0.0.9", proxied: "127.0.10.5")
            if !inside.contains("NoSuchKey") { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(inside.hasPrefix("HTTP/1.1 404") && inside.contains("<Code>NoSuchKey</Code>"), "\(inside)")
        let outside = try await request(from: "127.0.0.9", proxied: "127.0.20.5")
        #expect(outside.hasPrefix("HTTP/1.1 403") && outside.contains("VPC"), "\(outside)")
        // The trusted proxy must send the header; an untrusted peer may not (its "header" breaks TLS).
        let bare = try await request(from: "127.0.0.9", proxied: nil)
        #expect(bare.hasPrefix("CONNECTION FAILED"), "\(bare)")
        let forged = try await request(from: "127.0.10.7", proxied: "127.0.10.5")
        #expect(forged.hasPrefix("CONNECTION FAILED"), "\(forged)")
        #expect(try await lab.logs("source=127.0.10.5"), "the access log shows the proxied client")
        #expect(lab.stop() == 0)
    }
}
