internal import AccessPointCore

extension PolicyStatement {
    private static let knownFields: Set<String> = [
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
    ]

    /// Compiles statement `index` of a document of `kind`. Every refusal is a `MalformedPolicy` whose message
    /// starts with the statement's number, so the author knows where to look.
    init(parsing value: JSONValue, index: Int, kind: PolicyKind, variables: Bool) throws(S3Error) {
        func problem(_ reason: String) -> S3Error {
            .malformedPolicy.because("Statement \(index): \(reason)")
        }
        guard let members = value.members else { throw problem("must be an object, found \(value.typeName)") }
        var fields: [String: JSONValue] = [:]
        for (name, field) in members {
            guard Self.knownFields.contains(name) else { throw problem("unknown field '\(name)'") }
            fields[name] = field
        }
        let sid: String?
        let effect: Effect
        let principal: PrincipalClause
        let actions: Clause<WildcardPattern>
        let resources: Clause<ResourcePattern>
        let conditions: [ConditionClause]

        switch fields["Sid"] {
        case nil: sid = nil
        case .string(let text): sid = text
        case let other?: throw problem("Sid must be a string, found \(other.typeName)")
        }

        switch fields["Effect"] {
        case .string("Allow"): effect = .allow
        case .string("Deny"): effect = .deny
        case nil: throw problem("missing Effect")
        case let other?:
            throw problem("Effect must be \"Allow\" or \"Deny\", found \(other.scalarText ?? other.typeName)")
        }

        do {
            principal = try Self.principalClause(fields["Principal"], fields["NotPrincipal"], kind: kind)
            actions = try Self.clause(fields, "Action") { text throws(ClauseError) in
                guard Self.isActionPattern(text) else {
                    throw ClauseError(reason: "'\(text)' is not an action such as s3:GetObject")
                }
                return WildcardPattern(text.lowercased())
            }
            resources = try Self.clause(fields, "Resource") { text throws(ClauseError) in
                guard text == "*" || (text.hasPrefix("arn:") && ResourceName.fields(of: text).count == 6) else {
                    throw ClauseError(reason: "'\(text)' is not an ARN or \"*\"")
                }
                let template: ValueTemplate
                do throws(TemplateError) {
                    template = try ValueTemplate(parsing: text, variables: variables)
                } catch {
                    throw ClauseError(reason: error.reason)
                }
                guard let pieces = template.resolveConstant() else { return .template(template) }
                return .constant(ARNPattern(pieces: pieces))
            }
            conditions = try Self.conditions(fields["Condition"], variables: variables)
        } catch let error as ClauseError {
            throw problem(error.reason)
        } catch let error as PrincipalError {
            throw problem(error.reason)
        } catch let error as ConditionError {
            throw problem(error.reason)
        } catch {
            throw problem("\(error)")
        }
        self.init(
            compiled: Compiled(
                index: index,
                sid: sid,
                effect: effect,
                principal: principal,
                actions: actions,
                resources: resources,
                conditions: conditions
            )
        )
    }

    /// `service:name`, with wildcards allowed in the name (and `*` alone for every action).
    private static func isActionPattern(_ text: String) -> Bool {
        if text == "*" { return true }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        return parts[0].utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
        } && !parts[1].contains(" ")
    }

    private static func principalClause(
        _ principal: JSONValue?,
        _ notPrincipal: JSONValue?,
        kind: PolicyKind
    ) throws(PrincipalError) -> PrincipalClause {
        switch (principal, notPrincipal, kind.principalRule) {
        case (.some, .some, _):
            throw PrincipalError(reason: "has both Principal and NotPrincipal")
        case (.some, nil, .forbidden), (nil, .some, .forbidden):
            throw PrincipalError(reason: "an \(kind) must not name a Principal; it applies to its holder")
        case (nil, nil, .forbidden):
            return .holder
        case (nil, nil, .required):
            throw PrincipalError(reason: "missing Principal (a \(kind) must say whom it applies to)")
        case (nil, nil, .optional):
            return .principal(try PrincipalSet(parsing: .string("*"), field: "Principal"))
        case (let value?, nil, _):
            return .principal(try PrincipalSet(parsing: value, field: "Principal"))
        case (nil, let value?, _):
            return .notPrincipal(try PrincipalSet(parsing: value, field: "NotPrincipal"))
        }
    }

    /// Reads `name` or `Not<name>` (exactly one of them), each a string or a non-empty array of strings.
    private static func clause<Pattern>(
        _ fields: [String: JSONValue],
        _ name: String,
        compile: (String) throws(ClauseError) -> Pattern
    ) throws(ClauseError) -> Clause<Pattern> {
        let negatedName = "Not\(name)"
        let negated: Bool
        let value: JSONValue
        switch (fields[name], fields[negatedName]) {
        case (.some, .some): throw ClauseError(reason: "has both \(name) and \(negatedName)")
        case (nil, nil): throw ClauseError(reason: "missing \(name) (or \(negatedName))")
        case (let found?, nil):
            negated = false
            value = found
        case (nil, let found?):
            negated = true
            value = found
        }
        let field = negated ? negatedName : name
        let texts: [String]
        switch value {
        case .string(let text): texts = [text]
        case .array(let elements) where !elements.isEmpty:
            var collected: [String] = []
            for element in elements {
                guard case .string(let text) = element else {
                    throw ClauseError(reason: "\(field) must list strings, found \(element.typeName)")
                }
                collected.append(text)
            }
            texts = collected
        case .array: throw ClauseError(reason: "\(field) is an empty array")
        default: throw ClauseError(reason: "\(field) must be a string or an array of strings, found \(value.typeName)")
        }
        var patterns: [Pattern] = []
        for text in texts {
            do { patterns.append(try compile(text)) } catch { throw ClauseError(reason: "\(field) \(error.reason)") }
        }
        return Clause(negated: negated, patterns: patterns)
    }

    /// `{"Operator": {"key": value-or-values, …}, …}`; keys within an operator, and operators, are ANDed.
    private static func conditions(_ value: JSONValue?, variables: Bool) throws(ConditionError) -> [ConditionClause] {
        guard let value else { return [] }
        guard let operators = value.members else {
            throw ConditionError(reason: "Condition must be an object, found \(value.typeName)")
        }
        var clauses: [ConditionClause] = []
        for (name, block) in operators {
            guard let keys = block.members, !keys.isEmpty else {
                throw ConditionError(reason: "Condition '\(name)' must map keys to values, found \(block.typeName)")
            }
            for (key, values) in keys {
                let elements: [JSONValue]
                if case .array(let array) = values { elements = array } else { elements = [values] }
                var texts: [String] = []
                for element in elements {
                    guard let text = element.scalarText else {
                        throw ConditionError(
                            reason: "Condition '\(name)' on '\(key)' must have strings, numbers or booleans, "
                                + "found \(element.typeName)"
                        )
                    }
                    texts.append(text)
                }
                clauses.append(try ConditionClause(operator: name, key: key, values: texts, variables: variables))
            }
        }
        return clauses
    }
}

/// Why an Action or Resource element was refused.
struct ClauseError: Error {
    let reason: String
}
