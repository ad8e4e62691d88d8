internal import AccessPointCore

/// Whether a policy is public (spec §4.4), and why: the answer of `GetAccessPointPolicyStatus` and
/// `GetMultiRegionAccessPointPolicyStatus`, and the test behind BlockPublicPolicy and RestrictPublicBuckets.
///
/// Computed once when the policy is parsed. A policy is public when some `Allow` statement grants to everyone
/// (`"*"`, `{"AWS": "*"}`, or a `NotPrincipal`) without a condition that pins the caller to fixed values of the
/// keys listed in `restrictingKeys`.
public struct PolicyStatus: Sendable, Hashable, CustomStringConvertible {
    public let isPublic: Bool
    /// The first statement that makes the policy public, or nil.
    public let publicStatement: Int?
    /// Why, in words.
    public let reason: String

    /// Condition keys that, given fixed values, make an `Allow` to everyone non-public (spec §4.4; the last two are
    /// the access point delegation keys, so the delegation statement is not public).
    static let restrictingKeys: Set<String> = [
        "aws:sourceip", "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceowner", "aws:sourceaccount",
        "s3:x-amz-server-side-encryption-aws-kms-key-id", "aws:userid", "s3:dataaccesspointarn",
        "s3:dataaccesspointaccount",
    ]

    init(classifying statements: [PolicyStatement]) {
        for statement in statements where statement.effect == .allow {
            let grantsEveryone: Bool
            switch statement.principal {
            case .holder: grantsEveryone = false
            case .notPrincipal: grantsEveryone = true
            case .principal(let set): grantsEveryone = set.isEveryone
            }
            guard grantsEveryone, !statement.conditions.contains(where: Self.restricts) else { continue }
            isPublic = true
            publicStatement = statement.index
            reason = "\(statement.label) allows everyone without a condition that fixes the caller's account or network"
            return
        }
        isPublic = false
        publicStatement = nil
        reason = "every Allow names fixed principals or is restricted by a condition"
    }

    /// Whether a clause confines a grant to fixed values of a restricting key.
    static func restricts(_ clause: ConditionClause) -> Bool {
        let condition = clause.condition
        guard restrictingKeys.contains(clause.key), !condition.negated, !condition.ifExists,
            condition.qualifier != .forAllValues
        else { return false }
        switch clause.values {
        case .addresses(let blocks):
            return clause.key == "aws:sourceip" && blocks.allSatisfy { $0.prefixLength > 0 }
        case .strings, .patterns, .arns:
            return clause.rawValues.allSatisfy { isFixed($0, key: clause.key) }
        default:
            return false
        }
    }

    /// A value with no wildcard and no policy variable; for `s3:DataAccessPointArn` the access point name may be a
    /// wildcard as long as the account is fixed.
    private static func isFixed(_ value: String, key: String) -> Bool {
        func plain(_ text: some StringProtocol) -> Bool {
            !text.contains("*") && !text.contains("?") && !text.contains("${")
        }
        guard key == "s3:dataaccesspointarn" else { return !value.isEmpty && plain(value) }
        let fields = ResourceName.fields(of: value)
        guard fields.count == 6 else { return false }
        return fields[0..<5].allSatisfy(plain) && !fields[4].isEmpty && fields[5].hasPrefix("accesspoint/")
    }

    public var description: String { (isPublic ? "public, because " : "not public, because ") + reason }
}
