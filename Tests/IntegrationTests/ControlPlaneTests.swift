import APRouterTestSupport
import Foundation
import Testing

/// The S3 Control API through the HTTPS router, judged by the real aws CLI, curl and dig: what a user does first.
@Suite(.serialized)
struct ControlPlaneTests {
    static let lab = """
        listeners: {https: "127.0.0.1:0", http: "127.0.0.1:0", dns: "127.0.0.1:0", admin: "127.0.0.1:0"}
        accounts:
          - id: "123456789012"
            users: [{name: alice, accessKeyId: AKIAIOSFODNN7EXAMPLE, secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}]
        buckets: [{name: example-bucket, account: "123456789012"}]
        """

    struct Ports {
        var https: Int
        var http: Int
        var dns: Int
        /// The forward proxy's port, when the lab has `listeners.proxy`.
        var proxy: Int?
    }

    static func ports(_ server: RunningServer) async throws -> Ports? {
        for _ in 0..<500 {
            let output = server.output
            if let https = Self.value("router.https_port", in: output),
                let http = Self.value("router.http_port", in: output),
                let dns = Self.value("dns.port", in: output)
            {
                return Ports(https: https, http: http, dns: dns, proxy: Self.value("router.proxy_port", in: output))
            }
            if !server.process.isRunning { return nil }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    static func value(_ key: String, in text: String) -> Int? {
        guard let range = text.range(of: key + "=") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    @Test func awsCLIManagesAccessPointsAndDNSFollows() async throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let labFile = directory.appendingPathComponent("lab.yaml")
        try Self.lab.write(to: labFile, atomically: true, encoding: .utf8)
        let server = try RunningServer(arguments: ["serve", "--config", labFile.path], in: directory)
        defer { _ = server.stop() }
        let ports = try #require(try await Self.ports(server), "\(server.output)")
        let environment = [
            "AWS_CA_BUNDLE": directory.appendingPathComponent("certs/ca.pem").path,
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "AWS_DEFAULT_REGION": "us-west-2",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        ]
        let endpoint = ["--endpoint-url", "https://s3.lab.localhost:\(ports.https)", "--account-id", "123456789012"]
        func aws(_ arguments: [String], secret: String? = nil) async throws -> (Int32, String) {
            var env = environment
            if let secret { env["AWS_SECRET_ACCESS_KEY"] = secret }
            let output = try await ExternalCommand.run(
                ["aws", "s3control"] + arguments + endpoint + ["--output", "json"],
                environment: env
            )
            return (output.status, output.text)
        }
        func resolve() async throws -> String {
            try await ExternalCommand.dig([
                "@127.0.0.1", "-p", "\(ports.dns)", "+short",
                "e2e-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com",
            ])
        }

        let created = try await aws(["create-access-point", "--name", "e2e-ap", "--bucket", "example-bucket"])
        #expect(created.0 == 0, "\(created.1)")
        #expect(created.1.contains(#""AccessPointArn": "arn:aws:s3:us-west-2:123456789012:accesspoint/e2e-ap""#))
        // The new access point resolves within a second, without a restart.
        var answer = ""
        for _ in 0..<20 where answer.isEmpty {
            answer = try await resolve()
            if answer.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(answer == "127.0.0.1\n")

        let again = try await aws(["create-access-point", "--name", "e2e-ap", "--bucket", "example-bucket"])
        #expect(again.0 != 0 && again.1.contains("AccessPointAlreadyOwnedByYou"), "\(again.1)")
        let forged = try await aws(["list-access-points"], secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEX")
        #expect(forged.0 != 0 && forged.1.contains("SignatureDoesNotMatch"), "\(forged.1)")
        let listed = try await aws(["list-access-points"])
        #expect(listed.1.contains(#""Name": "e2e-ap""#), "\(listed.1)")

        let deleted = try await aws(["delete-access-point", "--name", "e2e-ap"])
        #expect(deleted.0 == 0, "\(deleted.1)")
        for _ in 0..<20 where !answer.isEmpty {
            answer = try await resolve()
            if !answer.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(answer.isEmpty)
        #expect(server.stop() == 0, "\(server.output)")
    }

    /// The seeds' refusals that need no data plane: plain HTTP, path-style hosts and anonymous requests; and a
    /// request that cannot be read as one request.
    @Test func refusesPlainHTTPPathStyleAndAnonymousRequests() async throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let labFile = directory.appendingPathComponent("lab.yaml")
        try Self.lab.write(to: labFile, atomically: true, encoding: .utf8)
        let server = try RunningServer(arguments: ["serve", "--config", labFile.path], in: directory)
        defer { _ = server.stop() }
        let ports = try #require(try await Self.ports(server), "\(server.output)")
        let ca = directory.appendingPathComponent("certs/ca.pem").path
        func curl(_ url: String) async throws -> String {
            try await ExternalCommand.run(["curl", "-s", "-w", " %{http_code}", "--cacert", ca, url]).text
        }
        let plain = try await curl("http://ap1-123456789012.s3.lab.localhost:\(ports.http)/key")
        #expect(
            plain.contains("<Code>InvalidRequest</Code>") && plain.contains("HTTPS") && plain.hasSuffix(" 400"),
            "\(plain)"
        )
        let pathStyle = try await curl("https://s3.lab.localhost:\(ports.https)/ap1-123456789012/key")
        #expect(pathStyle.contains("<Code>InvalidRequest</Code>") && pathStyle.contains("virtual-host"), "\(pathStyle)")
        let anonymous = try await curl("https://ap1-123456789012.s3.lab.localhost:\(ports.https)/key")
        #expect(anonymous.contains("<Code>AccessDenied</Code>") && anonymous.hasSuffix(" 403"), "\(anonymous)")
        let fronted = try await ExternalCommand.run([
            "curl", "-s", "-w", " %{http_code}", "--cacert", ca, "-H", "Host: ap2-123456789012.s3.lab.localhost",
            "https://ap1-123456789012.s3.lab.localhost:\(ports.https)/key",
        ]).text
        #expect(fronted.contains("<Code>InvalidRequest</Code>") && fronted.hasSuffix(" 400"), "\(fronted)")
        #expect(fronted.contains("TLS connection was opened for"), "\(fronted)")
        let control = try await curl("https://123456789012.s3.lab.localhost:\(ports.https)/v20180820/accesspoint")
        #expect(control.contains("<ErrorResponse><Error><Code>AccessDenied</Code>"), "\(control)")
        // A request that frames its body two ways (request smuggling) is refused before anything reads it, with an
        // S3 error naming the rule, and the connection closes (openssl s_client returns once it does).
        let smuggled = try await ExternalCommand.run([
            "sh", "-c",
            "printf 'POST /key HTTP/1.1\\r\\nHost: ap1-123456789012.s3.lab.localhost\\r\\nContent-Length: 5\\r\\n"
                + "Transfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\nGET /other HTTP/1.1\\r\\n\\r\\n' "
                + "| timeout 20 openssl s_client -quiet -verify_return_error -CAfile '\(ca)' "
                + "-servername ap1-123456789012.s3.lab.localhost -connect 127.0.0.1:\(ports.https) 2>/dev/null",
        ]).text
        #expect(smuggled.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(smuggled)")
        #expect(smuggled.contains("<Code>BadRequest</Code>"), "\(smuggled)")
        #expect(smuggled.contains("both Content-Length and Transfer-Encoding"), "\(smuggled)")
        #expect(smuggled.components(separatedBy: "HTTP/1.1 ").count == 2, "one answer, then the close: \(smuggled)")
        // The certificate the router presents chains to the lab CA for the lab names (curl verified it above).
        #expect(server.stop() == 0)
    }

    /// A client that stops sending in the middle of a request head is answered 400 RequestTimeout once
    /// `clients.readTimeout` passed, over real TLS (openssl s_client keeps its side open meanwhile).
    @Test func aStalledRequestIsAnsweredRequestTimeout() async throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let labFile = directory.appendingPathComponent("lab.yaml")
        try (Self.lab + "\nclients: {idleTimeout: 5s, readTimeout: 1s}\n").write(
            to: labFile,
            atomically: true,
            encoding: .utf8
        )
        let server = try RunningServer(arguments: ["serve", "--config", labFile.path], in: directory)
        defer { _ = server.stop() }
        let ports = try #require(try await Self.ports(server), "\(server.output)")
        let ca = directory.appendingPathComponent("certs/ca.pem").path
        let stalled = try await ExternalCommand.run([
            "sh", "-c",
            "{ printf 'GET /key HTTP/1.1\\r\\nHost: ap1-123456789012.s3.lab.localhost\\r\\n'; sleep 6; } "
                + "| timeout 20 openssl s_client -quiet -verify_return_error -CAfile '\(ca)' "
                + "-servername ap1-123456789012.s3.lab.localhost -connect 127.0.0.1:\(ports.https) 2>/dev/null",
        ]).text
        #expect(stalled.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(stalled)")
        #expect(stalled.contains("<Code>RequestTimeout</Code>"), "\(stalled)")
        #expect(server.stop() == 0)
    }
}
