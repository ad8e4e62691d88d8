internal import AccessPointCore

/// One operator applied to one key, compiled: `"StringLike": {"s3:prefix": ["home/", "home/${aws:username}/*"]}`
/// becomes a clause whose values are ready-made wildcard patterns (or templates, when they use policy variables).
///
/// Values are checked when the policy is stored, not when a request arrives: a `NumericLessThan` on `"ten"`, an
/// `IpAddress` on `"10.0.0.0/33"` or a `Bool` on `"yes"` is a `MalformedPolicy`, because a condition that can
/// never be evaluated is a mistake the author should hear about at once.
final class ConditionClause: Sendable {
    enum Values: Sendable {
        case strings([Comparand<String>])
        case patterns([Comparand<WildcardPattern>])
        case numbers([Double])
        case dates([Double])
        case bools([Bool])
        case binaries([[UInt8]])
        case addresses([CIDRBlock])
        case arns([Comparand<ARNPattern>])
        case null(Bool)
    }

    /// A value known when the policy is parsed, or one that waits for the request's policy variables.
    enum Comparand<Compiled: Sendable>: Sendable {
        case constant(Compiled)
        case template(ValueTemplate)
    }

    let condition: ConditionOperator
    /// The key, lower-cased for lookup.
    let key: String
    /// The key's interned form when the router fills it in, so evaluation reads it by index.
    let slot: WellKnownKey?
    /// The key as written, for messages.
    let keyName: String
    /// The values as written, for the "is public" rules.
    let rawValues: [String]
    let values: Values

    init(operator name: String, key: String, values raw: [String], variables: Bool) throws(ConditionError) {
        guard let condition = ConditionOperator(name) else {
            throw ConditionError(reason: "unknown condition operator '\(name)'")
        }
        guard !key.isEmpty else { throw ConditionError(reason: "\(name) has an empty condition key") }
        guard !raw.isEmpty else { throw ConditionError(reason: "\(name) on '\(key)' has no values") }
        self.condition = condition
        self.key = key.lowercased()
        self.slot = WellKnownKey(lowercased: self.key)
        self.keyName = key
        self.rawValues = raw
        self.values = try ConditionClause.compile(condition, key: key, raw, variables: variables)
    }

    private static func compile(
        _ condition: ConditionOperator,
        key: String,
        _ raw: [String],
        variables: Bool
    ) throws(ConditionError) -> Values {
        func invalid(_ value: String, _ expected: String) -> ConditionError {
            ConditionError(reason: "\(condition) on '\(key)': '\(value)' is not \(expected)")
        }
        func templates() throws(ConditionError) -> [ValueTemplate] {
            var result: [ValueTemplate] = []
            for value in raw {
                do { result.append(try ValueTemplate(parsing: value, variables: variables)) } catch {
                    throw ConditionError(reason: "\(condition) on '\(key)': \(error.reason)")
                }
            }
            return result
        }
        switch condition.family {
        case .stringEquals, .stringEqualsIgnoreCase:
            let fold = condition.family == .stringEqualsIgnoreCase
            return .strings(
                try templates().map { template in
                    template.constantText.map { .constant(fold ? $0.lowercased() : $0) } ?? .template(template)
                }
            )
        case .stringLike:
            return .patterns(
                try templates().map { template in
                    guard template.isConstant, let pieces = template.resolveConstant() else {
                        return .template(template)
                    }
                    return .constant(WildcardPattern(pieces: pieces))
                }
            )
        case .arn:
            for value in raw where value != "*" && ResourceName.fields(of: value).count != 6 {
                throw invalid(value, "an ARN (six ':'-separated fields) or \"*\"")
            }
            return .arns(
                try templates().map { template in
                    guard template.isConstant, let pieces = template.resolveConstant() else {
                        return .template(template)
                    }
                    return .constant(ARNPattern(pieces: pieces))
                }
            )
        case .numeric:
            var numbers: [Double] = []
            for value in raw {
                guard let number = Double(value), number.isFinite else { throw invalid(value, "a number") }
                numbers.append(number)
            }
            return .numbers(numbers)
        case .date:
            var dates: [Double] = []
            for value in raw {
                guard let date = PolicyDate.seconds(value) else {
                    throw invalid(value, "a date (ISO 8601 or epoch seconds)")
                }
                dates.append(date)
            }
            return .dates(dates)
        case .bool, .null:
            var bools: [Bool] = []
            for value in raw {
                switch value.lowercased() {
                case "true": bools.append(true)
                case "false": bools.append(false)
                default: throw invalid(value, "true or false")
                }
            }
            guard condition.family == .null else { return .bools(bools) }
            guard bools.count == 1, let only = bools.first else {
                throw ConditionError(reason: "Null on '\(key)' takes exactly one value, true or false")
            }
            return .null(only)
        case .binary:
            var binaries: [[UInt8]] = []
            for value in raw {
                guard let bytes = Base64.decode(value) else { throw invalid(value, "base64") }
                binaries.append(bytes)
            }
            return .binaries(binaries)
        case .ipAddress:
            var blocks: [CIDRBlock] = []
            for value in raw {
                guard let block = Self.addressBlock(value) else { throw invalid(value, "an IP address or CIDR block") }
                blocks.append(block)
            }
            return .addresses(blocks)
        }
    }

    /// IAM accepts a bare address as a single-host block.
    private static func addressBlock(_ text: String) -> CIDRBlock? {
        if let block = CIDRBlock(text) { return block }
        switch IPAddress(text) {
        case .v4(let address): return CIDRBlock(address: .v4(address), prefixLength: 32)
        case .v6(let address): return CIDRBlock(address: .v6(address), prefixLength: 128)
        case nil: return nil
        }
    }
}

/// Why a condition block was refused; the statement parser adds the statement it was in.
struct ConditionError: Error {
    let reason: String
}

extension ValueTemplate {
    /// The pieces of a template without variables.
    func resolveConstant() -> [(text: String, wildcards: Bool)]? {
        var resolved: [(text: String, wildcards: Bool)] = []
        for piece in pieces {
            switch piece {
            case .text(let text): resolved.append((text, true))
            case .literal(let text): resolved.append((text, false))
            case .variable: return nil
            }
        }
        return resolved
    }
}
