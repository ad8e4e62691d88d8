import APRouterTestSupport
import Foundation
import Testing

/// The block `aprouter serve` prints for a newcomer is run exactly as printed, twice (the second time over the
/// state the first one left), by bash in a fresh directory with a fresh HOME.
@Suite(.serialized)
struct TryItTests {
    static func block(in output: String) -> String? {
        guard let start = output.range(of: "Try it in another shell") else { return nil }
        let lines = output[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
        let commands = lines.drop { $0.isEmpty }.prefix { !$0.isEmpty }
        guard !commands.isEmpty else { return nil }
        return commands.map { $0.hasPrefix("  ") ? String($0.dropFirst(2)) : String($0) }.joined(separator: "\n")
    }

    @Test func theTryItBlockWorksAsPrinted() async throws {
        let lab = try await DataPlaneTests.Lab.start()
        defer { _ = lab.stop() }
        var script: String?
        for _ in 0..<200 where script == nil {
            script = Self.block(in: lab.server.output)
            if script == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        let commands = try #require(script, "\(lab.server.output)")
        #expect(commands.contains("--endpoint-url https://s3.lab.localhost:\(lab.ports.https)"))
        let proxy = try #require(lab.ports.proxy)
        #expect(commands.contains("HTTPS_PROXY=http://127.0.0.1:\(proxy) aws s3api get-object"), "\(commands)")
        let home = lab.directory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        for run in 1...2 {
            let output = try await ExternalCommand.run(
                ["bash", "-e", "-c", "cd \(home.path) && " + commands],
                environment: ["HOME": home.path]
            )
            #expect(output.status == 0, "run \(run):\n\(commands)\n\(output.text)")
            // Read back twice: through the lab endpoint, then by the real hostname through the proxy.
            #expect(
                output.text.split(separator: "\n").filter { $0 == "hello through an access point" }.count == 2,
                "run \(run): \(output.text)"
            )
            #expect(output.text.hasSuffix("127.0.0.1\n"), "run \(run): dig resolves the access point: \(output.text)")
        }
        #expect(lab.stop() == 0)
    }
}
