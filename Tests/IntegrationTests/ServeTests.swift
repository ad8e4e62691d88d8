import APRouterTestSupport
import AccessPointCore
import Foundation
import Registry
import Testing

/// `aprouter serve` as a user runs it: the DNS emulator answers `dig`, SIGTERM stops it cleanly.
@Suite(.serialized)
struct ServeTests {
    static func lab(in directory: URL) throws -> URL {
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("zones"),
            withIntermediateDirectories: true
        )
        try """
        $ORIGIN corp.internal.
        $TTL 300
        @   IN SOA ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400
        @   IN NS  ns-1.awsdns-00.com.
        app IN A   127.0.10.20
        """.write(to: directory.appendingPathComponent("zones/corp.internal.zone"), atomically: true, encoding: .utf8)
        let lab = directory.appendingPathComponent("lab.yaml")
        try """
        listeners: {https: "127.0.0.1:0", http: "127.0.0.1:0", dns: "127.0.0.1:0", admin: "127.0.0.1:0"}
        accounts: [{id: "123456789012"}]
        vpcs: [{id: vpc-1a2b3c, cidrs: [127.0.10.0/24]}]
        hostedZones: [{name: corp.internal, file: corp.internal.zone, vpcs: [vpc-1a2b3c]}]
        """.write(to: lab, atomically: true, encoding: .utf8)
        return lab
    }

    @Test func servesTheLabsZonesByViewAndStopsOnSIGTERM() async throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lab = try Self.lab(in: directory)
        let server = try RunningServer(arguments: ["serve", "--config", lab.path], in: directory)
        defer { _ = server.stop() }
        let port = try #require(try await server.dnsPort(), "\(server.output)")
        let inside = try await ExternalCommand.dig([
            "@127.0.0.1", "-p", "\(port)", "-b", "127.0.10.7", "+short", "app.corp.internal",
        ])
        #expect(inside == "127.0.10.20\n")
        let outside = try await ExternalCommand.dig([
            "@127.0.0.1", "-p", "\(port)", "-b", "127.0.20.7", "app.corp.internal",
        ])
        #expect(outside.contains("status: REFUSED"))
        let control = try await ExternalCommand.dig([
            "@127.0.0.1", "-p", "\(port)", "+short", "123456789012.s3-control.us-west-2.amazonaws.com",
        ])
        #expect(control == "127.0.0.1\n")
        #expect(server.output.contains("serves the S3 Control API and the access points"))
        #expect(server.stop() == 0, "\(server.output)")
    }

    /// Under `taskset -c 0` the server runs one event loop, not one per core of the machine: its threads would
    /// otherwise take turns on the one processor, a context switch per hand-over.
    @Test func runsOneEventLoopPerProcessorItMayUse() async throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lab = try Self.lab(in: directory)
        let server = try RunningServer(
            executable: URL(fileURLWithPath: "/usr/bin/taskset"),
            arguments: ["-c", "0", AprouterCommand.binary.path, "serve", "--config", lab.path],
            in: directory
        )
        defer { _ = server.stop() }
        _ = try #require(try await server.dnsPort(), "\(server.output)")
        let tasks = "/proc/\(server.process.processIdentifier)/task"
        let names = try FileManager.default.contentsOfDirectory(atPath: tasks).compactMap {
            try? String(contentsOfFile: "\(tasks)/\($0)/comm", encoding: .utf8)
        }
        // NIO names its singleton event loops `NIO-SGLTN-1-#N`.
        #expect(names.filter { $0.hasPrefix("NIO-SGLTN-1-") }.count == 1, "\(names)")
        #expect(server.stop() == 0, "\(server.output)")
    }

    /// An edited zone file is served within seconds; a broken edit keeps the previous data serving.
    @Test func reloadsEditedZonesAndKeepsServingOnABrokenEdit() async throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lab = try Self.lab(in: directory)
        let zone = directory.appendingPathComponent("zones/corp.internal.zone")
        let server = try RunningServer(arguments: ["serve", "--config", lab.path], in: directory)
        defer { _ = server.stop() }
        let port = try #require(try await server.dnsPort(), "\(server.output)")
        func ask(_ name: String) async throws -> String {
            try await ExternalCommand.dig(["@127.0.0.1", "-p", "\(port)", "-b", "127.0.10.7", "+short", name])
        }
        #expect(try await ask("db.corp.internal") == "")
        let original = try String(contentsOf: zone, encoding: .utf8)
        try (original + "\ndb  IN A   127.0.10.21\n").write(to: zone, atomically: true, encoding: .utf8)
        var answer = ""
        for _ in 0..<50 where answer.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            answer = try await ask("db.corp.internal")
        }
        #expect(answer == "127.0.10.21\n")
        try (original + "\nbroken IN A 300.0.0.1\n").write(to: zone, atomically: true, encoding: .utf8)
        for _ in 0..<50 where !server.output.contains("reload failed") {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(server.output.contains("reload failed"))
        #expect(try await ask("db.corp.internal") == "127.0.10.21\n")
        #expect(server.stop() == 0)
    }

    /// A second server on a busy port fails promptly with a clear message naming the listener, instead of sharing
    /// the port or hanging (with NIO's event loops as the concurrency executor, a lock held in async-algorithms'
    /// `merge` once made the group's cancellation deadlock here).
    @Test(arguments: [
        ("dns", "dns.port", "the DNS server cannot listen on UDP 127.0.0.1:"),
        ("https", "router.https_port", "cannot listen: HTTPS on 127.0.0.1:"),
        ("admin", "admin.port", "cannot listen: admin on 127.0.0.1:"),
    ])
    func refusesABusyPort(listener: String, logKey: String, message: String) async throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lab = try Self.lab(in: directory)
        let first = try RunningServer(arguments: ["serve", "--config", lab.path], in: directory)
        defer { _ = first.stop() }
        #expect(try await first.dnsPort() != nil, "\(first.output)")
        var port: Int?
        for _ in 0..<500 where port == nil {
            port = ControlPlaneTests.value(logKey, in: first.output)
            if port == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        let busyPort = try #require(port, "\(first.output)")
        let busy = directory.appendingPathComponent("busy.yaml")
        try String(contentsOf: lab, encoding: .utf8)
            .replacingOccurrences(of: #"\#(listener): "127.0.0.1:0""#, with: #"\#(listener): "127.0.0.1:\#(busyPort)""#)
            .write(to: busy, atomically: true, encoding: .utf8)
        let second = try AprouterCommand.run(["serve", "--config", busy.path], in: directory, timeout: 30)
        #expect(!second.timedOut, "aprouter serve hung after failing to bind: \(second.stderr)")
        #expect(second.status != 0)
        #expect(second.stderr.contains("\(message)\(busyPort)"), "\(second.stderr)")
        #expect(second.stderr.contains("in use"), "\(second.stderr)")
    }

    /// Access points already in the registry (state from an earlier run) resolve as soon as the server starts.
    @Test func resolvesAccessPointsFromTheRegistry() async throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lab = try Self.lab(in: directory)
        do {
            let registry = try SQLiteRegistry(stateDirectory: directory.appendingPathComponent("state").path)
            try await registry.createAccessPoint(
                AccessPointRecord(
                    name: try AccessPointName(validating: "persisted"),
                    account: try AccountID(validating: "123456789012"),
                    region: try Region(validating: "us-west-2"),
                    bucket: try BucketName(validating: "example-bucket"),
                    bucketAccount: try AccountID(validating: "123456789012"),
                    vpcId: nil,
                    publicAccessBlock: .all,
                    alias: "persisted-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias",
                    creationDate: Date()
                ),
                quota: 1000
            )
        }
        let server = try RunningServer(arguments: ["serve", "--config", lab.path], in: directory)
        defer { _ = server.stop() }
        let port = try #require(try await server.dnsPort(), "\(server.output)")
        let name = "persisted-123456789012.s3-accesspoint.us-west-2.amazonaws.com"
        #expect(try await ExternalCommand.dig(["@127.0.0.1", "-p", "\(port)", "+short", name]) == "127.0.0.1\n")
        let alias = "persisted-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias.s3.us-west-2.amazonaws.com"
        #expect(try await ExternalCommand.dig(["@127.0.0.1", "-p", "\(port)", "+short", alias]) == "127.0.0.1\n")
        #expect(server.stop() == 0)
    }

    @Test func refusesToStartOnABrokenZoneFile() throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lab = try Self.lab(in: directory)
        try "$ORIGIN corp.internal.\n@ 300 IN SOA a. b. 1 2 3 4 5\nbad IN A 999.1.1.1\n"
            .write(to: directory.appendingPathComponent("zones/corp.internal.zone"), atomically: true, encoding: .utf8)
        let result = try AprouterCommand.run(["serve", "--config", lab.path], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("zones/corp.internal.zone:3:"), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was started"))
    }

    @Test func zoneCheckReportsSummaryOrFileAndLine() throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Self.lab(in: directory)
        let zone = directory.appendingPathComponent("zones/corp.internal.zone").path
        let good = try AprouterCommand.run(["zone", "check", zone])
        #expect(good.status == 0)
        #expect(good.stdout == "\(zone): zone corp.internal. is OK: 2 names, 3 records, serial 1\n")
        try "$ORIGIN corp.internal.\n@ 300 IN SOA a. b. 1 2 3 4 5\nwww IN CNAME x\nwww IN A 127.0.0.1\n"
            .write(toFile: zone, atomically: true, encoding: .utf8)
        let bad = try AprouterCommand.run(["zone", "check", zone])
        #expect(bad.status == 1)
        #expect(bad.stderr == "error: \(zone):3: www.corp.internal. has a CNAME and other records\n")
    }
}

/// A running `aprouter serve` whose standard error is collected as it arrives.
final class RunningServer: Sendable {
    private let background: BackgroundProcess
    var process: Process { background.process }

    /// With `APROUTER_TEST_ENGINE` set (`make test` runs the data-plane suites a second time so), `aprouter serve`
    /// serves HTTPS on that engine (`--engine`).
    init(executable: URL = AprouterCommand.binary, arguments: [String], in directory: URL) throws {
        var arguments = arguments
        if arguments.first == "serve", let engine = ProcessInfo.processInfo.environment["APROUTER_TEST_ENGINE"] {
            arguments += ["--engine", engine]
        }
        background = try BackgroundProcess(
            executable: executable,
            arguments: arguments,
            directory: directory,
            collectsStandardOutput: false
        )
    }

    var output: String { background.output }

    /// The DNS port from the "listening" log line, waiting up to five seconds for it.
    func dnsPort() async throws -> Int? {
        for _ in 0..<500 {
            if let range = output.firstRange(of: /dns\.port=(\d+)/) {
                return Int(output[range].dropFirst("dns.port=".count))
            }
            if !process.isRunning { return nil }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
