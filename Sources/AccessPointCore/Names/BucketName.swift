/// A valid general-purpose bucket name (Amazon S3 "General purpose bucket naming rules"): 3–63 characters of
/// `a-z`, `0-9`, `.` and `-`, starting and ending with a letter or digit, no `..`, not an IPv4 address, and none of
/// the prefixes and suffixes S3 reserves.
public struct BucketName: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// For literals this code controls (defaults, tests of other rules); input from outside goes through
    /// `init(validating:)`.
    init(uncheckedRawValue: String) { self.rawValue = uncheckedRawValue }

    static let reservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"]
    static let reservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]

    public init(validating name: String) throws(NameError) {
        try NameRules.checkShape(
            name,
            what: "bucket name",
            length: 3...63,
            allowed: { NameRules.isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") },
            allowedDescription: "lower-case letters, digits, '.' and '-'"
        )
        if name.contains("..") {
            throw .consecutivePeriods.because("bucket name '\(name)' must not contain two periods in a row")
        }
        if IPv4Address(name) != nil {
            throw .ipAddressFormat.because("bucket name '\(name)' must not be formatted as an IP address")
        }
        if let prefix = Self.reservedPrefixes.first(where: { name.hasPrefix($0) }) {
            throw .reservedPrefix.because("bucket name '\(name)' must not start with the reserved prefix '\(prefix)'")
        }
        if let suffix = Self.reservedSuffixes.first(where: { name.hasSuffix($0) }) {
            throw .reservedSuffix.because("bucket name '\(name)' must not end with the reserved suffix '\(suffix)'")
        }
        self.rawValue = name
    }

    public var description: String { rawValue }
}
