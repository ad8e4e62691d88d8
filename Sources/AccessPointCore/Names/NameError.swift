/// Why a name (access point, multi-region access point, bucket, account, region) was refused.
///
/// Equal by rule only, so tests compare `NameError.tooShort` whatever the message says; `reason` names the rule in
/// the words a user needs to fix the name ("must be at least 3 characters long, 'ab' has 2").
public struct NameError: Error, Hashable, Sendable {
    private enum Rule: Hashable, Sendable {
        case tooShort, tooLong, invalidCharacter, badFirstCharacter, badLastCharacter, reservedSuffix
        case reservedPrefix, consecutivePeriods, ipAddressFormat, notTwelveDigits, invalidFormat
    }

    private let rule: Rule
    /// The rule that was broken, for people.
    public let reason: String

    private init(_ rule: Rule, _ reason: String) {
        self.rule = rule
        self.reason = reason
    }

    public static let tooShort = NameError(.tooShort, "is too short")
    public static let tooLong = NameError(.tooLong, "is too long")
    public static let invalidCharacter = NameError(.invalidCharacter, "contains a character that is not allowed")
    public static let badFirstCharacter = NameError(.badFirstCharacter, "does not start with an allowed character")
    public static let badLastCharacter = NameError(.badLastCharacter, "does not end with an allowed character")
    public static let reservedSuffix = NameError(.reservedSuffix, "ends with a reserved suffix")
    public static let reservedPrefix = NameError(.reservedPrefix, "starts with a reserved prefix")
    public static let consecutivePeriods = NameError(.consecutivePeriods, "contains two periods in a row")
    public static let ipAddressFormat = NameError(.ipAddressFormat, "is formatted as an IP address")
    public static let notTwelveDigits = NameError(.notTwelveDigits, "is not exactly 12 digits")
    public static let invalidFormat = NameError(.invalidFormat, "is not in the expected format")

    /// The same rule, explained for this name.
    func because(_ reason: String) -> NameError { NameError(rule, reason) }

    public static func == (lhs: NameError, rhs: NameError) -> Bool { lhs.rule == rhs.rule }
    public func hash(into hasher: inout Hasher) { hasher.combine(rule) }
}

extension NameError: CustomStringConvertible {
    public var description: String { reason }
}
