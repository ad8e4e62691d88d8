public import AccessPointCore

/// Who signed a request, once its signature holds: the principal that policies are evaluated for (spec §4.1).
public struct SigV4Identity: Hashable, Sendable {
    /// The account that owns the access key.
    public var accountID: AccountID
    /// The principal's ARN, e.g. `arn:aws:iam::111122223333:user/alice` (`aws:PrincipalArn`).
    public var userARN: String
    /// The user's name, e.g. `alice` (`aws:username`).
    public var userName: String

    public init(accountID: AccountID, userARN: String, userName: String) {
        self.accountID = accountID
        self.userARN = userARN
        self.userName = userName
    }
}

/// An access key, its secret and the identity it authenticates.
public struct SigV4Credential: Sendable {
    /// The public half, e.g. `AKIAIOSFODNN7EXAMPLE`.
    public var accessKeyID: String
    /// The secret that signing keys are derived from.
    public var secretAccessKey: String
    /// Who a request signed with this key comes from.
    public var identity: SigV4Identity

    public init(accessKeyID: String, secretAccessKey: String, identity: SigV4Identity) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.identity = identity
    }
}

extension SigV4Credential: CustomStringConvertible {
    /// Names the key and the identity, never the secret, so a credential can be logged.
    public var description: String { "\(accessKeyID) (\(identity.userARN))" }
}

/// Where the verifier finds the secret of an access key. The router answers from its current snapshot; tests use
/// ``StaticCredentialLookup``. Lookups are synchronous because the data plane never waits on a database.
public protocol SigV4CredentialLookup: Sendable {
    /// The credential for `accessKeyID`, or `nil` when the key is unknown.
    func credential(forAccessKeyID accessKeyID: String) -> SigV4Credential?
}

/// A fixed set of credentials, keyed by access key id.
public struct StaticCredentialLookup: SigV4CredentialLookup {
    private let credentials: [String: SigV4Credential]

    /// The lookup for `credentials`; when two share an access key id, the last one wins.
    public init(_ credentials: [SigV4Credential]) {
        self.credentials = Dictionary(credentials.map { ($0.accessKeyID, $0) }, uniquingKeysWith: { _, last in last })
    }

    public func credential(forAccessKeyID accessKeyID: String) -> SigV4Credential? {
        credentials[accessKeyID]
    }
}
