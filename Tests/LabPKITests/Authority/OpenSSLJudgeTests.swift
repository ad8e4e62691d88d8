import Foundation
import LabPKI
import Testing

/// openssl, not swift-certificates, decides whether what LabPKI mints is a valid chain with the right names: our
/// verifier agreeing with our issuer would prove little.
@Suite(.enabled(if: OpenSSL.isAvailable, "needs the openssl command"))
struct OpenSSLJudgeTests {
    static func writeMinted(to directory: String) throws -> (ca: String, server: String, key: String) {
        let (authority, server) = try LabCertificateAuthorityTests.mint()
        let paths = (ca: "\(directory)/ca.pem", server: "\(directory)/server.pem", key: "\(directory)/server-key.pem")
        try authority.certificatePEM.write(toFile: paths.ca, atomically: true, encoding: .utf8)
        try server.certificatePEM.write(toFile: paths.server, atomically: true, encoding: .utf8)
        try server.privateKeyPEM.write(toFile: paths.key, atomically: true, encoding: .utf8)
        return paths
    }

    static var attime: String { String(Int(LabCertificateAuthorityTests.now.timeIntervalSince1970)) }

    static let verifications: [(hostname: String?, ip: String?, valid: Bool)] = [
        (nil, nil, true),
        ("reports-111122223333.s3-accesspoint.us-west-2.amazonaws.com", nil, true),
        ("mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com", nil, true),
        ("reports-111122223333.s3.lab.localhost", nil, true),
        ("a.b.s3.lab.localhost", nil, false),
        (nil, "127.0.0.1", true),
        (nil, "::1", true),
        (nil, "127.0.0.2", false),
    ]

    @Test(arguments: Self.verifications)
    func opensslVerifiesTheChain(hostname: String?, ip: String?, valid: Bool) async throws {
        try await withTemporaryDirectory { directory in
            let paths = try Self.writeMinted(to: directory)
            var arguments = ["verify", "-attime", Self.attime, "-purpose", "sslserver", "-CAfile", paths.ca]
            if let hostname { arguments += ["-verify_hostname", hostname] }
            if let ip { arguments += ["-verify_ip", ip] }
            let result = try OpenSSL.run(arguments + [paths.server])
            #expect((result.status == 0) == valid, "\(result.output)")
            if valid { #expect(result.output.contains("server.pem: OK")) }
        }
    }

    @Test
    func opensslReadsTheSubjectAlternativeNames() async throws {
        try await withTemporaryDirectory { directory in
            let paths = try Self.writeMinted(to: directory)
            let result = try OpenSSL.run(["x509", "-noout", "-ext", "subjectAltName", "-in", paths.server])
            #expect(result.status == 0, "\(result.output)")
            for entry in [
                "DNS:*.s3-accesspoint.us-west-2.amazonaws.com", "DNS:*.mrap.accesspoint.s3-global.amazonaws.com",
                "DNS:*.s3.lab.localhost", "DNS:s3.lab.localhost", "DNS:localhost", "IP Address:127.0.0.1",
                "IP Address:0:0:0:0:0:0:0:1",
            ] {
                #expect(result.output.contains(entry), "missing \(entry)")
            }
        }
    }

    @Test
    func opensslSeesTheCAConstraintsAndAPKCS8Key() async throws {
        try await withTemporaryDirectory { directory in
            let paths = try Self.writeMinted(to: directory)
            let ca = try OpenSSL.run(["x509", "-noout", "-text", "-in", paths.ca])
            #expect(ca.output.contains("CA:TRUE, pathlen:0"), "\(ca.output)")
            #expect(ca.output.contains("Certificate Sign, CRL Sign"))
            #expect(ca.output.contains("Subject: O = AccessPointRouter, CN = AccessPointRouter Lab CA"))
            let server = try OpenSSL.run(["x509", "-noout", "-text", "-in", paths.server])
            #expect(server.output.contains("TLS Web Server Authentication"), "\(server.output)")
            #expect(server.output.contains("ASN1 OID: prime256v1"))
            let key = try OpenSSL.run(["pkey", "-in", paths.key, "-noout", "-text"])
            #expect(key.status == 0 && key.output.contains("prime256v1"), "\(key.output)")
        }
    }
}
