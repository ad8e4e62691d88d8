/// A condition operator name taken apart: `ForAllValues:StringNotLikeIfExists` is the string-like family,
/// negated, with the `IfExists` suffix and the `ForAllValues` set qualifier (spec §4.2).
///
/// Negation is kept apart from the family so that one comparison per family serves both forms: a negated
/// operator is true exactly when its positive form matches no value.
struct ConditionOperator: Sendable, Hashable, CustomStringConvertible {
    enum Family: Sendable, Hashable {
        case stringEquals
        case stringEqualsIgnoreCase
        case stringLike
        case numeric(Comparison)
        case date(Comparison)
        case bool
        case binary
        case ipAddress
        case arn
        case null
    }

    enum Comparison: Sendable, Hashable {
        case equals
        case lessThan
        case lessThanEquals
        case greaterThan
        case greaterThanEquals

        func holds(_ lhs: Double, _ rhs: Double) -> Bool {
            switch self {
            case .equals: lhs == rhs
            case .lessThan: lhs < rhs
            case .lessThanEquals: lhs <= rhs
            case .greaterThan: lhs > rhs
            case .greaterThanEquals: lhs >= rhs
            }
        }
    }

    /// How a multi-valued key is compared: no qualifier, `ForAnyValue:` (some request value) or `ForAllValues:`
    /// (every request value).
    enum SetQualifier: Sendable, Hashable {
        case forAnyValue
        case forAllValues
    }

    let family: Family
    let negated: Bool
    let ifExists: Bool
    let qualifier: SetQualifier?
    /// The name as the author wrote it, for messages.
    let name: String

    var description: String { name }

    /// The operator, or nil when `name` is not one IAM knows. Names are case-sensitive, as in IAM.
    init?(_ name: String) {
        var base = Substring(name)
        var qualifier: SetQualifier?
        if base.hasPrefix("ForAnyValue:") {
            qualifier = .forAnyValue
            base = base.dropFirst("ForAnyValue:".count)
        } else if base.hasPrefix("ForAllValues:") {
            qualifier = .forAllValues
            base = base.dropFirst("ForAllValues:".count)
        }
        let ifExists = base.hasSuffix("IfExists")
        if ifExists { base = base.dropLast("IfExists".count) }
        guard let (family, negated) = Self.families[String(base)] else { return nil }
        // `Null` tests presence itself, so "if it exists" has no meaning for it.
        if family == .null && ifExists { return nil }
        self.family = family
        self.negated = negated
        self.ifExists = ifExists
        self.qualifier = qualifier
        self.name = name
    }

    private static let families: [String: (Family, Bool)] = [
        "StringEquals": (.stringEquals, false), "StringNotEquals": (.stringEquals, true),
        "StringEqualsIgnoreCase": (.stringEqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase": (.stringEqualsIgnoreCase, true),
        "StringLike": (.stringLike, false), "StringNotLike": (.stringLike, true),
        "NumericEquals": (.numeric(.equals), false), "NumericNotEquals": (.numeric(.equals), true),
        "NumericLessThan": (.numeric(.lessThan), false), "NumericLessThanEquals": (.numeric(.lessThanEquals), false),
        "NumericGreaterThan": (.numeric(.greaterThan), false),
        "NumericGreaterThanEquals": (.numeric(.greaterThanEquals), false),
        "DateEquals": (.date(.equals), false), "DateNotEquals": (.date(.equals), true),
        "DateLessThan": (.date(.lessThan), false), "DateLessThanEquals": (.date(.lessThanEquals), false),
        "DateGreaterThan": (.date(.greaterThan), false), "DateGreaterThanEquals": (.date(.greaterThanEquals), false),
        "Bool": (.bool, false), "BinaryEquals": (.binary, false),
        "IpAddress": (.ipAddress, false), "NotIpAddress": (.ipAddress, true),
        "ArnEquals": (.arn, false), "ArnLike": (.arn, false), "ArnNotEquals": (.arn, true), "ArnNotLike": (.arn, true),
        "Null": (.null, false),
    ]
}
