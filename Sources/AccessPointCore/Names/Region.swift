/// An AWS region code such as `us-west-2`, `us-gov-west-1` or `cn-north-1`, and the partition it belongs to.
///
/// The shape is checked (`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`), not a fixed list, so a lab can use a region AWS opened
/// after this code was written.
public struct Region: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// For literals this code controls (defaults, tests of other rules); input from outside goes through
    /// `init(validating:)`.
    init(uncheckedRawValue: String) { self.rawValue = uncheckedRawValue }

    public init(validating text: String) throws(NameError) {
        guard Self.isValid(text) else {
            throw .invalidFormat.because(
                "region '\(text)' is not a region code like 'us-west-2' (letters, hyphens, then a number)"
            )
        }
        self.rawValue = text
    }

    /// Whether `text` has the shape of a region code. Used on the host-classification hot path.
    public static func isValid<S: StringProtocol>(_ text: S) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, (1...2).contains(last.count),
            last.allSatisfy(NameRules.isDigit), parts[0].count == 2
        else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy(NameRules.isLowerLetter) }
    }

    /// The partition whose ARNs name this region: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, else `aws`.
    public var partition: String { Self.partition(of: rawValue) }

    static func partition(of region: some StringProtocol) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        if region.hasPrefix("us-isob-") { return "aws-iso-b" }
        if region.hasPrefix("us-iso-") { return "aws-iso" }
        return "aws"
    }

    public var description: String { rawValue }
}
