/// An AWS account id: exactly 12 decimal digits, kept as text because leading zeros are significant.
public struct AccountID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// For literals this code controls (defaults, tests of other rules); input from outside goes through
    /// `init(validating:)`.
    init(uncheckedRawValue: String) { self.rawValue = uncheckedRawValue }

    public init(validating text: String) throws(NameError) {
        guard Self.isValid(text) else {
            throw .notTwelveDigits.because("account id '\(text)' must be exactly 12 digits")
        }
        self.rawValue = text
    }

    /// Whether `text` is exactly 12 ASCII digits. Cheap: used on the host-classification hot path.
    public static func isValid<S: StringProtocol>(_ text: S) -> Bool {
        let bytes = text.utf8
        return bytes.count == 12 && bytes.allSatisfy(NameRules.isDigit)
    }

    public static func < (lhs: AccountID, rhs: AccountID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }
}
