/// Why the registry refused or failed a change. Equal by code only, whatever the reason says (STYLE §5).
public struct RegistryError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable { case alreadyExists, quotaExceeded, refused, storage }
    private let code: Code
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The (account, region, name) key is taken.
    public static let alreadyExists = RegistryError(.alreadyExists, "already exists")
    /// The account already has as many access points in the region as the quota allows.
    public static let quotaExceeded = RegistryError(.quotaExceeded, "quota exceeded")
    /// The change would break a rule the registry keeps in the change's own transaction (a multi-region access
    /// point keeps one active region); nothing was changed.
    public static let refused = RegistryError(.refused, "refused")
    /// SQLite failed: disk full, a corrupt file, a migration that cannot run.
    public static let storage = RegistryError(.storage, "storage failure")

    func because(_ reason: String) -> RegistryError { RegistryError(code, reason) }

    public static func == (lhs: RegistryError, rhs: RegistryError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { reason }
}
