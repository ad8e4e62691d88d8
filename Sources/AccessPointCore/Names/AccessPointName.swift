/// A valid access point name: 3–50 characters of `a-z`, `0-9` and `-`, starting and ending with a letter or digit,
/// and not ending in the alias suffixes `-s3alias` or `-ext-s3alias` (spec §3; the S3 Control model only says
/// 3–255, so the server, not the client, enforces this).
public struct AccessPointName: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Suffixes reserved for access point aliases.
    public static let reservedSuffixes = ["-s3alias", "-ext-s3alias"]

    public init(validating name: String) throws(NameError) {
        try NameRules.checkShape(
            name,
            what: "access point name",
            length: 3...50,
            allowed: { NameRules.isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") },
            allowedDescription: "lower-case letters, digits and '-'"
        )
        if let suffix = Self.reservedSuffixes.first(where: { name.hasSuffix($0) }) {
            throw .reservedSuffix.because(
                "access point name '\(name)' must not end with '\(suffix)', which is reserved for access point aliases"
            )
        }
        self.rawValue = name
    }

    /// Whether `name` is valid, without building the explanation.
    public static func isValid(_ name: String) -> Bool { (try? AccessPointName(validating: name)) != nil }

    public var description: String { rawValue }
}
