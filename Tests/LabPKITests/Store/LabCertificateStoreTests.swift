import AccessPointCore
import Foundation
import LabPKI
import Testing

struct LabCertificateStoreTests {
    static let now = LabCertificateAuthorityTests.now
    static let files = ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"]

    static func prepare(
        _ directory: String,
        names: LabCertificateNames? = nil,
        at time: Date = now,
        seed: UInt64 = 1
    ) throws -> LabCertificateMaterial {
        var generator = SeededGenerator(seed: seed)
        let names = try names ?? LabCertificateAuthorityTests.labNames()
        return try LabCertificateStore(directory: directory).prepare(for: names, now: time, using: &generator)
    }

    /// Modification time and inode: a rewrite through rename changes the inode even within one clock tick.
    static func stamp(_ path: String) throws -> String {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
        return "\(modified) \(attributes[.systemFileNumber] ?? "?")"
    }

    static func mode(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1
    }

    @Test
    func mintsCAAndServerCertificateOnFirstRun() async throws {
        try await withTemporaryDirectory { root in
            let directory = "\(root)/certs"
            let material = try Self.prepare(directory)
            #expect(material.outcome == .createdAuthority(because: "none was stored"))
            #expect(material.authorityCertificatePath == "\(directory)/ca.pem")
            for file in Self.files { #expect(FileManager.default.fileExists(atPath: "\(directory)/\(file)")) }
            #expect(
                try String(contentsOfFile: material.serverKeyPath, encoding: .utf8) == material.server.privateKeyPEM
            )
            #expect(
                try String(contentsOfFile: material.authorityCertificatePath, encoding: .utf8)
                    == material.authorityCertificatePEM
            )
            #expect(material.server.names == (try LabCertificateAuthorityTests.labNames()))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
                !Self.files.contains($0)
            }
            #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")
        }
    }

    static let modes: [(String, Int)] = [
        ("ca.pem", 0o644), ("ca-key.pem", 0o600), ("server.pem", 0o644), ("server-key.pem", 0o600),
    ]

    @Test(arguments: Self.modes)
    func writesKeysOwnerOnly(file: String, mode: Int) async throws {
        try await withTemporaryDirectory { directory in
            _ = try Self.prepare(directory)
            #expect(try Self.mode("\(directory)/\(file)") == mode)
        }
    }

    @Test
    func reusesWhatIsStoredWithoutRewriting() async throws {
        try await withTemporaryDirectory { directory in
            let first = try Self.prepare(directory)
            let stamps = try Self.files.map { try Self.stamp("\(directory)/\($0)") }
            let second = try Self.prepare(directory, at: Self.now + 24 * 60 * 60, seed: 2)
            #expect(second.outcome == .reused)
            #expect(try Self.files.map { try Self.stamp("\(directory)/\($0)") } == stamps)
            #expect(second.server.certificatePEM == first.server.certificatePEM)
            #expect(second.server.privateKeyPEM == first.server.privateKeyPEM)
        }
    }

    @Test
    func reissuesTheServerCertificateWhenANameIsMissingAndKeepsTheCA() async throws {
        try await withTemporaryDirectory { directory in
            let first = try Self.prepare(directory)
            let caStamp = try Self.stamp("\(directory)/ca.pem")
            let serverStamp = try Self.stamp("\(directory)/server.pem")
            let names = LabCertificateNames(
                regions: [try Region(validating: "us-west-2"), try Region(validating: "ap-south-1")],
                endpointSuffixes: ["amazonaws.com", "lab.localhost"]
            )
            let second = try Self.prepare(directory, names: names, seed: 2)
            guard case .reissuedServer(let reason) = second.outcome else {
                Issue.record("expected a reissued server certificate, got \(second.outcome)")
                return
            }
            #expect(reason.contains("ap-south-1"), "\(reason)")
            #expect(second.authorityCertificatePEM == first.authorityCertificatePEM)
            #expect(try Self.stamp("\(directory)/ca.pem") == caStamp)
            #expect(try Self.stamp("\(directory)/server.pem") != serverStamp)
            #expect(second.server.names.dnsNames.contains("*.s3-accesspoint.ap-south-1.amazonaws.com"))
            #expect(try Self.mode("\(directory)/server-key.pem") == 0o600)
            #expect(try Self.prepare(directory, names: names, seed: 3).outcome == .reused)
        }
    }

    @Test
    func reissuesBeforeTheServerCertificateExpires() async throws {
        try await withTemporaryDirectory { directory in
            _ = try Self.prepare(directory)
            let later = try Self.prepare(directory, at: Self.now + 380 * 24 * 60 * 60, seed: 2)
            guard case .reissuedServer = later.outcome else {
                Issue.record("expected a reissued server certificate, got \(later.outcome)")
                return
            }
            #expect(later.server.notValidAfter > Self.now + 700 * 24 * 60 * 60)
        }
    }

    @Test
    func reissuesWhenTheServerFilesDoNotBelongTogether() async throws {
        try await withTemporaryDirectory { directory in
            let first = try Self.prepare(directory)
            let (_, stranger) = try LabCertificateAuthorityTests.mint(seed: 9)
            try stranger.privateKeyPEM.write(toFile: first.serverKeyPath, atomically: true, encoding: .utf8)
            guard case .reissuedServer = try Self.prepare(directory, seed: 2).outcome else {
                Issue.record("expected a reissued server certificate")
                return
            }
        }
    }

    @Test
    func tightensAKeyFileOthersCanRead() async throws {
        try await withTemporaryDirectory { directory in
            let first = try Self.prepare(directory)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: first.serverKeyPath)
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: "\(directory)/ca-key.pem")
            #expect(try Self.prepare(directory).outcome == .reused)
            #expect(try Self.mode(first.serverKeyPath) == 0o600)
            #expect(try Self.mode("\(directory)/ca-key.pem") == 0o600)
        }
    }

    @Test(arguments: Self.files)
    func namesTheCorruptFile(file: String) async throws {
        try await withTemporaryDirectory { directory in
            _ = try Self.prepare(directory)
            let path = "\(directory)/\(file)"
            try "-----BEGIN GARBAGE-----\nnot base64\n".write(toFile: path, atomically: true, encoding: .utf8)
            let error = #expect(throws: LabPKIError.corruptFile) { try Self.prepare(directory) }
            #expect(error?.file == path)
            #expect(error?.description.hasPrefix(path) == true)
        }
    }

    @Test
    func namesAnUnreadableFile() async throws {
        try await withTemporaryDirectory { directory in
            _ = try Self.prepare(directory)
            let path = "\(directory)/server.pem"
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            let error = #expect(throws: LabPKIError.unreadableFile) { try Self.prepare(directory) }
            #expect(error?.file == path)
        }
    }

    @Test
    func refusesToReplaceACAWhoseKeyIsMissing() async throws {
        try await withTemporaryDirectory { directory in
            _ = try Self.prepare(directory)
            try FileManager.default.removeItem(atPath: "\(directory)/ca-key.pem")
            try FileManager.default.removeItem(atPath: "\(directory)/server.pem")
            let error = #expect(throws: LabPKIError.authorityKeyMissing) { try Self.prepare(directory) }
            #expect(error?.file == "\(directory)/ca-key.pem")
        }
    }

    @Test
    func refusesADirectoryThatIsAFile() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/certs"
            try "".write(toFile: path, atomically: true, encoding: .utf8)
            let error = #expect(throws: LabPKIError.unwritableFile) { try Self.prepare(path) }
            #expect(error?.file == path)
        }
    }

    @Test
    func resolvesARelativeDirectoryAgainstTheCurrentOne() {
        let store = LabCertificateStore(directory: "certs")
        #expect(store.directory == FileManager.default.currentDirectoryPath + "/certs")
        #expect(store.authorityCertificatePath.hasSuffix("/certs/ca.pem"))
    }
}
