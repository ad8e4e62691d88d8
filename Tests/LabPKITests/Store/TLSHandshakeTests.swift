import Foundation
import LabPKI
import Testing

/// End to end: `openssl s_server` serves the files the store wrote, and `openssl s_client` trusting only `ca.pem`
/// completes a TLS handshake for each kind of host name, as the aws CLI with `AWS_CA_BUNDLE` would.
@Suite(.enabled(if: OpenSSL.isAvailable, "needs the openssl command"))
struct TLSHandshakeTests {
    static let table: [(String, Bool)] = [
        ("reports-111122223333.s3.lab.localhost", true),
        ("reports-111122223333.s3-accesspoint.us-west-2.amazonaws.com", true),
        ("mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com", true),
        ("a.b.s3.lab.localhost", false),
    ]

    @Test(arguments: Self.table)
    func clientTrustingTheLabCAConnects(hostname: String, succeeds: Bool) async throws {
        try await withTemporaryDirectory { directory in
            let names = try LabCertificateAuthorityTests.labNames()
            let material = try LabCertificateStore(directory: directory).prepare(for: names, now: Date())

            let server = Process()
            server.executableURL = URL(fileURLWithPath: OpenSSL.executable ?? "/usr/bin/openssl")
            server.arguments = [
                "s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-cert", material.serverCertificatePath,
                "-key", material.serverKeyPath,
            ]
            let serverOutput = Pipe()
            server.standardOutput = serverOutput
            server.standardError = serverOutput
            server.standardInput = Pipe()
            try server.run()
            defer {
                if server.isRunning { server.terminate() }
                server.waitUntilExit()
            }

            var banner = ""
            while !banner.contains("ACCEPT") {
                let chunk = serverOutput.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                banner += String(decoding: chunk, as: UTF8.self)
            }
            let port = try #require(
                banner.split(whereSeparator: \.isNewline).first { $0.hasPrefix("ACCEPT") }?.split(separator: ":").last,
                "s_server did not start: \(banner)"
            )

            let client = try OpenSSL.run(
                [
                    "s_client", "-connect", "127.0.0.1:\(port)", "-servername", hostname, "-verify_hostname", hostname,
                    "-CAfile", material.authorityCertificatePath, "-verify_return_error", "-brief",
                ],
                input: ""
            )
            #expect((client.status == 0) == succeeds, "\(client.output)")
            #expect(client.output.contains("Verification: OK") == succeeds, "\(client.output)")
        }
    }
}
