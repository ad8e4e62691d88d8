import APRouterTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The control API under load and across crashes, through boto3 (Scripts/control_load.py), the aws CLI and
/// SQLite's own integrity check: 2,500 access points paged 1,000 at a time, 50 simultaneous creates of one
/// name, and `kill -9` at rest and in the middle of a burst of creates.
@Suite(.serialized)
struct ControlAPIScaleTests {
    static let account = "123456789012"
    static let lab = """
        listeners: {https: "127.0.0.1:0", http: "127.0.0.1:0", dns: "127.0.0.1:0", admin: "127.0.0.1:0"}
        accounts:
          - id: "\(account)"
            users: [{name: alice, accessKeyId: AKIAIOSFODNN7EXAMPLE, secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}]
        buckets: [{name: example-bucket, account: "\(account)"}]
        quotas: {accessPointsPerAccountPerRegion: 3000}
        """

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scripts/control_load.py").path

    /// A lab directory with its server; `restart()` starts a new server on the same state.
    final class Lab {
        let directory: URL
        private(set) var server: RunningServer
        private(set) var port: Int

        init() async throws {
            directory = try ConfigCheckTests.temporaryDirectory()
            try ControlAPIScaleTests.lab.write(
                to: directory.appendingPathComponent("lab.yaml"),
                atomically: true,
                encoding: .utf8
            )
            (server, port) = try await Self.start(in: directory)
        }

        static func start(in directory: URL) async throws -> (RunningServer, Int) {
            let server = try RunningServer(
                arguments: ["serve", "--config", directory.appendingPathComponent("lab.yaml").path],
                in: directory
            )
            guard let ports = try await ControlPlaneTests.ports(server) else {
                _ = server.stop()
                throw LabError(message: "the server did not start: \(server.output)")
            }
            return (server, ports.https)
        }

        /// SIGKILL: no shutdown handler runs, as in a crash.
        func kill9() {
            kill(server.process.processIdentifier, SIGKILL)
            server.process.waitUntilExit()
        }

        func restart() async throws {
            (server, port) = try await Self.start(in: directory)
        }

        var endpoint: String { "https://s3.lab.localhost:\(port)" }
        var ca: String { directory.appendingPathComponent("certs/ca.pem").path }
        var database: String { directory.appendingPathComponent("state/registry.sqlite").path }

        var environment: [String: String] {
            [
                "AWS_CA_BUNDLE": ca,
                "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "AWS_DEFAULT_REGION": "us-west-2",
                "AWS_CONFIG_FILE": "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            ]
        }

        /// `aws s3control ARGUMENTS --output json` against this lab: (exit status, output).
        func aws(_ arguments: [String]) async throws -> (Int32, String) {
            let output = try await ExternalCommand.run(
                ["aws", "s3control"] + arguments
                    + ["--endpoint-url", endpoint, "--account-id", ControlAPIScaleTests.account, "--output", "json"],
                environment: environment
            )
            return (output.status, output.text)
        }

        /// The load script's JSON report.
        func load(_ arguments: [String]) async throws -> LoadReport {
            try await Self.load(arguments, endpoint: endpoint, ca: ca, environment: environment)
        }

        static func load(
            _ arguments: [String],
            endpoint: String,
            ca: String,
            environment: [String: String]
        ) async throws -> LoadReport {
            let output = try await ExternalCommand.run(
                ["python3", ControlAPIScaleTests.script] + arguments + [
                    "--endpoint", endpoint, "--ca", ca, "--account", ControlAPIScaleTests.account,
                    "--bucket", "example-bucket",
                ],
                environment: environment
            )
            guard output.status == 0, let start = output.text.range(of: #"{"succeeded""#, options: .backwards),
                let report = try? JSONDecoder().decode(
                    LoadReport.self,
                    from: Data(output.text[start.lowerBound...].utf8)
                )
            else { throw LabError(message: "control_load.py failed: \(output.text)") }
            return report
        }

        /// Every access point name, following NextToken with pages of `pageSize`: (names, page sizes).
        func listAll(pageSize: Int) async throws -> (names: [String], pages: [Int]) {
            var names: [String] = []
            var pages: [Int] = []
            var token: String?
            for _ in 0..<100 {
                var arguments = ["list-access-points", "--max-results", "\(pageSize)"]
                if let token { arguments += ["--next-token", token] }
                let (status, text) = try await aws(arguments)
                guard status == 0,
                    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                else { throw LabError(message: "list-access-points failed: \(text)") }
                let page = (object["AccessPointList"] as? [[String: Any]] ?? []).compactMap { $0["Name"] as? String }
                names += page
                pages.append(page.count)
                token = object["NextToken"] as? String
                if token == nil { return (names, pages) }
            }
            throw LabError(message: "more than 100 pages")
        }

        /// `PRAGMA integrity_check` and `PRAGMA foreign_key_check` by python3's sqlite3, not by our code.
        func integrity() async throws -> String {
            let code = """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1])
                print(db.execute('PRAGMA integrity_check').fetchall(), db.execute('PRAGMA foreign_key_check').fetchall())
                """
            return try await ExternalCommand.run(["python3", "-c", code, database]).text
        }

        func stop() -> Int32 { server.stop() }

        deinit {
            _ = server.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    struct LoadReport: Decodable {
        var succeeded: [String]
        var errors: [String: Int]
    }

    struct LabError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    @Test func listsTwentyFiveHundredAccessPointsAThousandAtATime() async throws {
        let lab = try await Lab()
        let report = try await lab.load(["bulk", "--count", "2500", "--threads", "16"])
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.succeeded.count == 2500)
        let listed = try await lab.listAll(pageSize: 1000)
        #expect(listed.pages == [1000, 1000, 500])
        #expect(listed.names == (0..<2500).map { String(format: "ap-%05d", $0) })
        // The quota is the lab's 3,000, not the default 1,000.
        let more = try await lab.load(["bulk", "--count", "501", "--prefix", "more-"])
        #expect(more.succeeded.count == 500)
        #expect(more.errors == ["TooManyAccessPoints": 1], "\(more.errors)")
        #expect(lab.stop() == 0, "\(lab.server.output)")
    }

    @Test func fiftySimultaneousCreatesOfOneNameHaveOneWinner() async throws {
        let lab = try await Lab()
        let report = try await lab.load(["race", "--name", "contested", "--count", "50"])
        #expect(report.succeeded == ["contested"])
        #expect(report.errors == ["AccessPointAlreadyOwnedByYou": 49], "\(report.errors)")
        let listed = try await lab.listAll(pageSize: 1000)
        #expect(listed.names == ["contested"])
        #expect(lab.stop() == 0, "\(lab.server.output)")
    }

    @Test func everythingSurvivesKillNine() async throws {
        let lab = try await Lab()
        let policy =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:us-west-2:123456789012:accesspoint/kept/object/*"}]}"#
        let arn = "arn:aws:s3:us-west-2:123456789012:accesspoint/kept"
        let steps: [[String]] = [
            ["create-access-point", "--name", "kept", "--bucket", "example-bucket"],
            ["put-access-point-policy", "--name", "kept", "--policy", policy],
            ["tag-resource", "--resource-arn", arn, "--tags", "Key=team,Value=blue"],
            [
                "put-public-access-block", "--public-access-block-configuration",
                "BlockPublicAcls=true,IgnorePublicAcls=false,BlockPublicPolicy=true,RestrictPublicBuckets=false",
            ],
        ]
        for step in steps {
            let (status, text) = try await lab.aws(step)
            #expect(status == 0, "\(step[0]): \(text)")
        }
        let before = try await lab.aws(["get-access-point", "--name", "kept"])
        lab.kill9()
        try await lab.restart()
        let after = try await lab.aws(["get-access-point", "--name", "kept"])
        #expect(after.0 == 0 && after.1 == before.1, "\(after.1)")
        let storedPolicy = try await lab.aws(["get-access-point-policy", "--name", "kept"])
        #expect(
            storedPolicy.1.contains(#"\"Resource\":\"arn:aws:s3:us-west-2:123456789012:accesspoint/kept/object/*\""#),
            "\(storedPolicy.1)"
        )
        let tags = try await lab.aws(["list-tags-for-resource", "--resource-arn", arn])
        #expect(tags.1.contains(#""Key": "team""#) && tags.1.contains(#""Value": "blue""#), "\(tags.1)")
        let block = try await lab.aws(["get-public-access-block"])
        #expect(
            block.1.contains(#""IgnorePublicAcls": false"#) && block.1.contains(#""BlockPublicPolicy": true"#),
            "\(block.1)"
        )
        #expect(try await lab.integrity() == "[('ok',)] []\n")
        #expect(lab.stop() == 0, "\(lab.server.output)")
    }

    @Test func killNineDuringABurstOfCreatesLeavesAConsistentRegistry() async throws {
        let lab = try await Lab()
        let progress = lab.directory.appendingPathComponent("progress.txt")
        #expect(FileManager.default.createFile(atPath: progress.path, contents: nil))
        func done() -> Int {
            ((try? String(contentsOf: progress, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        let (endpoint, ca, environment) = (lab.endpoint, lab.ca, lab.environment)
        async let burst = Lab.load(
            ["bulk", "--count", "2000", "--threads", "16", "--progress", progress.path],
            endpoint: endpoint,
            ca: ca,
            environment: environment
        )
        for _ in 0..<600 where done() < 200 {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(done() >= 200)
        lab.kill9()
        let report = try await burst
        // The server died mid-burst: some creates were answered, the rest failed to connect.
        #expect(report.succeeded.count >= 200 && report.succeeded.count < 2000, "\(report.succeeded.count)")
        #expect(report.errors.keys.allSatisfy { $0 == "ConnectionError" }, "\(report.errors)")
        try await lab.restart()
        let listed = try await lab.listAll(pageSize: 1000)
        // Every acknowledged create is there; at most the requests in flight (one per thread) were committed
        // without their answer reaching the client.
        #expect(Set(report.succeeded).isSubset(of: Set(listed.names)))
        #expect(listed.names.count <= report.succeeded.count + 16, "\(listed.names.count)")
        #expect(listed.names == listed.names.sorted())
        // Each listed access point is whole: Get answers with its bucket and alias.
        for name in [listed.names.first, listed.names.last].compactMap({ $0 }) {
            let (status, text) = try await lab.aws(["get-access-point", "--name", name])
            #expect(
                status == 0 && text.contains(#""Bucket": "example-bucket""#) && text.contains("-s3alias"),
                "\(text)"
            )
        }
        #expect(try await lab.integrity() == "[('ok',)] []\n")
        #expect(lab.stop() == 0, "\(lab.server.output)")
    }
}
