import AccessPointCore
import Foundation
import LabPKI
import SwiftASN1
import Testing
// The SPI is swift-certificates' documented way to validate at a fixed (injected) time.
@_spi(FixedExpiryValidationTime) import X509

struct LabCertificateAuthorityTests {
    /// 2026-01-01T00:00:00Z: every test mints at this injected instant.
    static let now = Date(timeIntervalSince1970: 1_767_225_600)
    static let day: TimeInterval = 24 * 60 * 60

    static func labNames() throws -> LabCertificateNames {
        LabCertificateNames(
            regions: [try Region(validating: "us-west-2"), try Region(validating: "eu-central-1")],
            endpointSuffixes: ["amazonaws.com", "lab.localhost"]
        )
    }

    static func mint(seed: UInt64 = 1) throws -> (LabCertificateAuthority, LabServerCredential) {
        var generator = SeededGenerator(seed: seed)
        let authority = try LabCertificateAuthority(now: now, using: &generator)
        let server = try authority.issueServerCertificate(for: try labNames(), now: now, using: &generator)
        return (authority, server)
    }

    /// swift-certificates' own verifier, with RFC 5280 chain rules and the server-identity check for one name.
    static func verify(
        _ server: LabServerCredential,
        by authority: LabCertificateAuthority,
        hostname: String?,
        ip: String? = nil,
        at time: Date
    ) async throws -> Bool {
        let root = try Certificate(pemEncoded: authority.certificatePEM)
        let leaf = try Certificate(pemEncoded: server.certificatePEM)
        var verifier = Verifier(rootCertificates: CertificateStore([root])) {
            RFC5280Policy(fixedExpiryValidationTime: time)
            ServerIdentityPolicy(serverHostname: hostname, serverIP: ip)
        }
        guard case .validCertificate = await verifier.validate(leaf: leaf, intermediates: CertificateStore()) else {
            return false
        }
        return true
    }

    static let hosts: [(String, Bool)] = [
        ("reports-111122223333.s3-accesspoint.us-west-2.amazonaws.com", true),
        ("reports-111122223333.s3-accesspoint.dualstack.eu-central-1.amazonaws.com", true),
        ("111122223333.s3-control.us-west-2.amazonaws.com", true),
        ("mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com", true),
        ("my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias.s3.us-west-2.amazonaws.com", true),
        ("reports-111122223333.s3.lab.localhost", true),
        ("s3.lab.localhost", true),
        ("111122223333.s3-control.lab.localhost", true),
        ("localhost", true),
        ("a.b.s3.lab.localhost", false),
        ("reports-111122223333.s3-accesspoint.us-east-1.amazonaws.com", false),
        ("example.com", false),
    ]

    @Test(arguments: Self.hosts)
    func serverCertificatePassesSwiftCertificatesVerifier(hostname: String, valid: Bool) async throws {
        let (authority, server) = try Self.mint()
        #expect(try await Self.verify(server, by: authority, hostname: hostname, at: Self.now) == valid)
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func serverCertificateCoversLoopbackAddresses(ip: String) async throws {
        let (authority, server) = try Self.mint()
        #expect(try await Self.verify(server, by: authority, hostname: nil, ip: ip, at: Self.now))
    }

    static let instants: [(TimeInterval, Bool)] = [
        (-2 * 60 * 60, false),  // before the one hour of backdating
        (-30 * 60, true),  // a client whose clock lags by half an hour
        (0, true),
        (396 * day, true),
        (397 * day, false),  // past 397 days from notValidBefore
    ]

    @Test(arguments: Self.instants)
    func serverCertificateIsValidFor397DaysFromAnHourAgo(offset: TimeInterval, valid: Bool) async throws {
        let (authority, server) = try Self.mint()
        let time = Self.now + offset
        #expect(try await Self.verify(server, by: authority, hostname: "s3.lab.localhost", at: time) == valid)
    }

    @Test
    func serverIsRejectedByAnotherCA() async throws {
        let (_, server) = try Self.mint(seed: 1)
        let (other, _) = try Self.mint(seed: 2)
        #expect(try await !Self.verify(server, by: other, hostname: "s3.lab.localhost", at: Self.now))
    }

    @Test
    func authorityHasTheCAProfile() throws {
        let (authority, _) = try Self.mint()
        let certificate = try Certificate(pemEncoded: authority.certificatePEM)
        #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        let usage = try #require(try certificate.extensions.keyUsage)
        #expect(usage.keyCertSign && usage.cRLSign && !usage.digitalSignature)
        #expect(certificate.subject == certificate.issuer)
        #expect(certificate.subject.description == "CN=AccessPointRouter Lab CA,O=AccessPointRouter")
        #expect(certificate.notValidBefore == Self.now - 60 * 60)
        #expect(certificate.notValidAfter == Self.now + 3650 * Self.day)
        #expect(authority.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test
    func serverHasTheServerProfile() throws {
        let (authority, server) = try Self.mint()
        let certificate = try Certificate(pemEncoded: server.certificatePEM)
        #expect(try certificate.extensions.basicConstraints == .notCertificateAuthority)
        let usage = try #require(try certificate.extensions.keyUsage)
        #expect(usage.digitalSignature && !usage.keyCertSign)
        #expect(try certificate.extensions.extendedKeyUsage == ExtendedKeyUsage([.serverAuth]))
        #expect(try certificate.issuer == Certificate(pemEncoded: authority.certificatePEM).subject)
        #expect(certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore) <= 397 * Self.day)
        #expect(server.names == (try Self.labNames()))
        #expect(server.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try Certificate(derEncoded: server.certificateDER) == certificate)
    }

    @Test
    func serialNumbersComeFromTheInjectedGenerator() throws {
        let (_, first) = try Self.mint(seed: 7)
        let (_, again) = try Self.mint(seed: 7)
        let (_, other) = try Self.mint(seed: 8)
        #expect(first.serialNumber == again.serialNumber)
        #expect(first.serialNumber != other.serialNumber)
        #expect(first.serialNumber.count == 32)
    }

    @Test
    func roundTripsThroughPEM() throws {
        let (authority, server) = try Self.mint()
        let reloaded = try LabCertificateAuthority(
            certificatePEM: authority.certificatePEM,
            privateKeyPEM: authority.privateKeyPEM
        )
        let credential = try LabServerCredential(
            certificatePEM: server.certificatePEM,
            privateKeyPEM: server.privateKeyPEM
        )
        #expect(reloaded.evaluate(credential, for: try Self.labNames(), at: Self.now) == .usable)
    }

    @Test
    func refusesKeysThatDoNotBelong() throws {
        let (authority, server) = try Self.mint(seed: 1)
        let (other, _) = try Self.mint(seed: 2)
        #expect(throws: LabPKIError.keyMismatch) {
            try LabCertificateAuthority(certificatePEM: authority.certificatePEM, privateKeyPEM: other.privateKeyPEM)
        }
        #expect(throws: LabPKIError.keyMismatch) {
            try LabServerCredential(certificatePEM: server.certificatePEM, privateKeyPEM: authority.privateKeyPEM)
        }
    }

    @Test
    func refusesTextThatIsNotPEMAndServerCertificatesAsCA() throws {
        let (_, server) = try Self.mint()
        #expect(throws: LabPKIError.corruptFile) {
            try LabCertificateAuthority(certificatePEM: "not a certificate", privateKeyPEM: server.privateKeyPEM)
        }
        #expect(throws: LabPKIError.corruptFile) {
            try LabServerCredential(
                certificatePEM: server.certificatePEM,
                privateKeyPEM: "-----BEGIN PRIVATE KEY-----\n"
            )
        }
        #expect(throws: LabPKIError.corruptFile) {
            try LabCertificateAuthority(certificatePEM: server.certificatePEM, privateKeyPEM: server.privateKeyPEM)
        }
    }

    static let checks: [(String, TimeInterval, Bool, LabServerCertificateCheck)] = [
        ("fresh", 0, false, .usable),
        ("not yet valid", -2 * 60 * 60, false, .reissue(because: "")),
        ("inside the renewal margin", 370 * day, false, .reissue(because: "")),
        ("a name is missing", 0, true, .reissue(because: "")),
    ]

    @Test(arguments: Self.checks)
    func evaluatesStoredCertificates(
        _ label: String,
        offset: TimeInterval,
        needsMore: Bool,
        expected: LabServerCertificateCheck
    ) throws {
        let (authority, server) = try Self.mint()
        var names = try Self.labNames()
        if needsMore {
            names = LabCertificateNames(dnsNames: names.dnsNames + ["*.s3.new.test"], ipAddresses: names.ipAddresses)
        }
        let check = authority.evaluate(server, for: names, at: Self.now + offset)
        switch (check, expected) {
        case (.usable, .usable): break
        case (.reissue(let reason), .reissue): #expect(!reason.isEmpty, "\(label)")
        default: Issue.record("\(label): \(check), expected \(expected)")
        }
    }

    @Test
    func refusesCertificatesFromAnotherCA() throws {
        let (authority, _) = try Self.mint(seed: 1)
        let (_, foreign) = try Self.mint(seed: 2)
        #expect(
            authority.evaluate(foreign, for: try Self.labNames(), at: Self.now)
                == .reissue(because: "it was not signed by the lab CA")
        )
    }
}
