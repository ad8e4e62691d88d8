import AccessPointCore
public import Foundation

/// The lab's certificates on disk, in `certsDir`: the I/O edge around `LabCertificateAuthority` (issue 7, HTTPS
/// listener; certs/README.md).
///
/// `prepare` reuses what is there when it still serves: a server certificate signed by the CA, valid for more than
/// `LabCertificateProfile.renewalMargin`, and covering every needed name. Otherwise it issues a new server
/// certificate, keeping the existing CA so that users' `AWS_CA_BUNDLE` keeps working; a CA is minted only when there
/// is none (or it has expired). Files are replaced atomically; keys get mode 0600 and certificates 0644.
///
/// | file | holds |
/// |---|---|
/// | `ca.pem` | the CA certificate: give it to `AWS_CA_BUNDLE` |
/// | `ca-key.pem` | the CA's key, PKCS#8, 0600: kept so later certificates chain to the same CA |
/// | `server.pem` | the server certificate |
/// | `server-key.pem` | its key, PKCS#8, 0600 |
public struct LabCertificateStore: Sendable {
    public static let authorityCertificateFile = "ca.pem"
    public static let authorityKeyFile = "ca-key.pem"
    public static let serverCertificateFile = "server.pem"
    public static let serverKeyFile = "server-key.pem"

    static let certificateMode: mode_t = 0o644
    static let keyMode: mode_t = 0o600

    /// The certificates directory, absolute (relative paths are taken from the current directory), so the path
    /// logged for `AWS_CA_BUNDLE` works from anywhere.
    public let directory: String

    public init(directory: String) {
        let url = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        self.directory = url.path
    }

    public var authorityCertificatePath: String { path(Self.authorityCertificateFile) }
    public var authorityKeyPath: String { path(Self.authorityKeyFile) }
    public var serverCertificatePath: String { path(Self.serverCertificateFile) }
    public var serverKeyPath: String { path(Self.serverKeyFile) }

    /// Loads or mints the CA and a server certificate covering `names` at `now`, writing what it mints.
    ///
    /// Throws `LabPKIError` naming the file for one that cannot be read, does not parse, or holds a CA whose key
    /// does not match; a broken server certificate is never silently replaced, because it may be one a user put there.
    public func prepare(
        for names: LabCertificateNames,
        now: Date,
        using generator: inout some RandomNumberGenerator
    ) throws(LabPKIError) -> LabCertificateMaterial {
        try FileOperations.makeDirectory(directory)
        switch try loadAuthority(now: now) {
        case .mint(let reason):
            let created = try LabCertificateAuthority(now: now, using: &generator)
            try FileOperations.writeAtomically(created.privateKeyPEM, to: authorityKeyPath, mode: Self.keyMode)
            try FileOperations.writeAtomically(
                created.certificatePEM,
                to: authorityCertificatePath,
                mode: Self.certificateMode
            )
            let server = try issue(by: created, for: names, now: now, using: &generator)
            return material(authority: created, server: server, outcome: .createdAuthority(because: reason))
        case .stored(let authority):
            let reason: String
            if let stored = try loadServer() {
                switch authority.evaluate(stored, for: names, at: now) {
                case .usable:
                    try FileOperations.restrictToOwner(serverKeyPath)
                    return material(authority: authority, server: stored, outcome: .reused)
                case .reissue(let why):
                    reason = why
                }
            } else {
                reason = "no usable pair was stored (a file is missing or the key does not match)"
            }
            let server = try issue(by: authority, for: names, now: now, using: &generator)
            return material(authority: authority, server: server, outcome: .reissuedServer(because: reason))
        }
    }

    /// `prepare` with the system's secure random number generator.
    public func prepare(for names: LabCertificateNames, now: Date) throws(LabPKIError) -> LabCertificateMaterial {
        var generator = SystemRandomNumberGenerator()
        return try prepare(for: names, now: now, using: &generator)
    }

    /// The stored CA, or nil with the reason a new one must be minted. A CA certificate without its key is an error:
    /// minting a new CA would silently break every client that trusts the old one.
    private func loadAuthority(now: Date) throws(LabPKIError) -> StoredAuthority {
        let hasCertificate = FileOperations.exists(authorityCertificatePath)
        let hasKey = FileOperations.exists(authorityKeyPath)
        switch (hasCertificate, hasKey) {
        case (false, _):
            return .mint(because: hasKey ? "\(Self.authorityCertificateFile) is missing" : "none was stored")
        case (true, false):
            throw .authorityKeyMissing.at(
                authorityKeyPath,
                because: "is missing, so nothing can be signed by the CA in \(Self.authorityCertificateFile); "
                    + "restore it, or delete \(Self.authorityCertificateFile) to mint a new CA (clients must then "
                    + "trust the new one)"
            )
        case (true, true):
            let certificatePEM = try FileOperations.read(authorityCertificatePath)
            let keyPEM = try FileOperations.read(authorityKeyPath)
            _ = try attributing(to: authorityCertificatePath) { () throws(LabPKIError) in
                try PEMCoding.certificate(certificatePEM)
            }
            _ = try attributing(to: authorityKeyPath) { () throws(LabPKIError) in try PEMCoding.privateKey(keyPEM) }
            let authority = try attributing(to: authorityCertificatePath) { () throws(LabPKIError) in
                try LabCertificateAuthority(certificatePEM: certificatePEM, privateKeyPEM: keyPEM)
            }
            try FileOperations.restrictToOwner(authorityKeyPath)
            guard authority.notValidAfter > now else {
                return .mint(because: "the stored CA expired at \(authority.notValidAfter)")
            }
            return .stored(authority)
        }
    }

    private enum StoredAuthority {
        case stored(LabCertificateAuthority)
        case mint(because: String)
    }

    /// The stored server certificate and key, or nil when either file is missing or the two do not belong together
    /// (a crash between writing the key and the certificate); reissuing repairs both.
    private func loadServer() throws(LabPKIError) -> LabServerCredential? {
        guard FileOperations.exists(serverCertificatePath), FileOperations.exists(serverKeyPath) else { return nil }
        let certificatePEM = try FileOperations.read(serverCertificatePath)
        let keyPEM = try FileOperations.read(serverKeyPath)
        _ = try attributing(to: serverCertificatePath) { () throws(LabPKIError) in
            try PEMCoding.certificate(certificatePEM)
        }
        _ = try attributing(to: serverKeyPath) { () throws(LabPKIError) in try PEMCoding.privateKey(keyPEM) }
        do {
            return try LabServerCredential(certificatePEM: certificatePEM, privateKeyPEM: keyPEM)
        } catch  where error == .keyMismatch {
            return nil
        } catch {
            throw error.at(serverCertificatePath, because: error.reason)
        }
    }

    /// Runs `body`, naming `path` in the error it throws.
    private func attributing<T>(to path: String, _ body: () throws(LabPKIError) -> T) throws(LabPKIError) -> T {
        do {
            return try body()
        } catch {
            throw error.at(path, because: error.reason)
        }
    }

    private func issue(
        by authority: LabCertificateAuthority,
        for names: LabCertificateNames,
        now: Date,
        using generator: inout some RandomNumberGenerator
    ) throws(LabPKIError) -> LabServerCredential {
        let server = try authority.issueServerCertificate(for: names, now: now, using: &generator)
        try FileOperations.writeAtomically(server.privateKeyPEM, to: serverKeyPath, mode: Self.keyMode)
        try FileOperations.writeAtomically(server.certificatePEM, to: serverCertificatePath, mode: Self.certificateMode)
        return server
    }

    private func material(
        authority: LabCertificateAuthority,
        server: LabServerCredential,
        outcome: LabCertificateMaterial.Outcome
    ) -> LabCertificateMaterial {
        LabCertificateMaterial(
            authorityCertificatePEM: authority.certificatePEM,
            server: server,
            authorityCertificatePath: authorityCertificatePath,
            serverCertificatePath: serverCertificatePath,
            serverKeyPath: serverKeyPath,
            outcome: outcome
        )
    }

    private func path(_ file: String) -> String {
        directory.hasSuffix("/") ? directory + file : directory + "/" + file
    }
}
