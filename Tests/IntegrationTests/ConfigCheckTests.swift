import Foundation
import Testing

/// `aprouter config check` and friends, run as a user runs them.
@Suite(.serialized)
struct ConfigCheckTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aprouter-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func reportsEveryMistakeWithItsKeyPath() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("lab.yaml")
        try """
        region: us-west-2
        accounts:
          - id: "123456789012"
        vpcs:
          - id: vpc-1a2b3c
            cidrs: [127.0.10.0/33]
            enableDnsSuport: true
        buckets:
          - {name: example-bucket, account: "111122223333"}
        """.write(to: file, atomically: true, encoding: .utf8)

        let result = try AprouterCommand.run(["config", "check", file.path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "error: \(file.path):7: vpcs[0].enableDnsSuport: unknown key 'enableDnsSuport' (did you mean 'enableDnsSupport'?); allowed here: id, region, cidrs, enableDnsSupport, enableDnsHostnames, endpoint",
                "error: \(file.path):6: vpcs[0].cidrs[0]: '127.0.10.0/33' is not a CIDR block like 127.0.10.0/24 or fd00::/64",
                "error: \(file.path):9: buckets[0].account: account 111122223333 is not defined under accounts",
                "3 problems found; nothing was started.",
            ]
        )
    }

    @Test func printsTheEmbeddedDefaultLab() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("zones"),
            withIntermediateDirectories: true
        )
        try "".write(
            to: directory.appendingPathComponent("zones/corp.internal.zone"),
            atomically: true,
            encoding: .utf8
        )

        let result = try AprouterCommand.run(["config", "check"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("# embedded default lab: OK\nregion: us-west-2\n"))
        #expect(result.stdout.contains("secretAccessKey: <redacted>"))
        // The printed lab is itself a valid lab file, once the redacted secret is shown.
        let printed = directory.appendingPathComponent("printed.yaml")
        try result.stdout.write(to: printed, atomically: true, encoding: .utf8)
        let redacted = try AprouterCommand.run(["config", "check", printed.path], in: directory)
        #expect(redacted.status == 1)
        #expect(redacted.stderr.contains("accounts[0].users[0].secretAccessKey: '<redacted>' is not a secret"))
        let full = try AprouterCommand.run(["config", "check", "--show-secrets"], in: directory)
        try full.stdout.write(to: printed, atomically: true, encoding: .utf8)
        let again = try AprouterCommand.run(["config", "check", printed.path], in: directory)
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func defaultLabNeedsItsZoneFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try AprouterCommand.run(["config", "check"], in: directory)
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "hostedZones[0].file: zone file \(directory.path)/zones/corp.internal.zone does not exist"
            )
        )
    }

    @Test func printsTheVersion() throws {
        let result = try AprouterCommand.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "0.1.0\n")
    }

    @Test func serveRefusesABrokenConfiguration() throws {
        let result = try AprouterCommand.run(["serve", "--config", "/nonexistent.yaml"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent.yaml: the file does not exist"))
    }

    @Test func unknownSubcommandIsAnError() throws {
        let result = try AprouterCommand.run(["frobnicate"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("frobnicate"))
    }
}
