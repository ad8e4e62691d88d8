/// Why the lab PKI could not load, mint or write its certificates. Equal by code only, so a test can write
/// `#expect(throws: LabPKIError.corruptFile) { … }` whatever file and reason the thrower named.
///
/// A struct over a private code enum (not a public enum) so that codes can be added without breaking callers'
/// `switch` statements, as swift-certificates' `CertificateError` does.
public struct LabPKIError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case unreadableFile
        case corruptFile
        case unwritableFile
        case authorityKeyMissing
        case keyMismatch
        case invalidName
        case issuanceFailed
    }

    private let code: Code
    /// The file the problem is about, when there is one: the path the user has to look at.
    public private(set) var file: String?
    /// What went wrong, in words meant for the operator reading the startup log.
    public private(set) var reason: String

    private init(_ code: Code, file: String? = nil, reason: String) {
        self.code = code
        self.file = file
        self.reason = reason
    }

    /// A file exists but cannot be read (permissions, a directory in its place, an I/O error).
    public static let unreadableFile = LabPKIError(.unreadableFile, reason: "cannot be read")
    /// A file was read but does not hold the PEM certificate or PKCS#8/SEC1 key it should.
    public static let corruptFile = LabPKIError(.corruptFile, reason: "does not hold a valid PEM document")
    /// A certificate, key or the certificates directory itself could not be written.
    public static let unwritableFile = LabPKIError(.unwritableFile, reason: "cannot be written")
    /// `ca.pem` exists but its key does not, so no new server certificate can be signed by the CA users trust.
    public static let authorityKeyMissing = LabPKIError(
        .authorityKeyMissing,
        reason: "the CA certificate exists but its private key does not"
    )
    /// A private key does not belong to the certificate stored beside it.
    public static let keyMismatch = LabPKIError(.keyMismatch, reason: "the key does not match its certificate")
    /// A name that cannot appear in a certificate (empty label, non-ASCII, a wildcard that is not a whole label).
    public static let invalidName = LabPKIError(.invalidName, reason: "is not a valid certificate name")
    /// swift-certificates refused to build or sign a certificate; a bug in the profile, never bad input.
    public static let issuanceFailed = LabPKIError(.issuanceFailed, reason: "the certificate could not be built")

    /// The same kind of problem, about `file`, explained by `reason`.
    public func at(_ file: String, because reason: String) -> LabPKIError {
        LabPKIError(code, file: file, reason: reason)
    }

    /// The same kind of problem, explained by `reason`.
    public func because(_ reason: String) -> LabPKIError {
        LabPKIError(code, file: file, reason: reason)
    }

    /// `certs/server.pem: does not hold a PEM certificate (…)`
    public var description: String {
        file.map { "\($0): \(reason)" } ?? reason
    }

    public static func == (lhs: LabPKIError, rhs: LabPKIError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
