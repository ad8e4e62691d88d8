/// One statement of a policy, compiled: patterns split, actions lower-cased, CIDRs parsed, so that evaluating it
/// only reads.
///
/// Statements are numbered from 0, in document order, as the JSON array counts them; decisions and error messages
/// use that number and the `Sid` when there is one.
public struct PolicyStatement: Sendable {
    public enum Effect: String, Sendable, Hashable {
        case allow = "Allow"
        case deny = "Deny"
    }

    /// Whom a statement is about. Identity policies have no principal element: they apply to their holder.
    enum PrincipalClause: Sendable {
        case principal(PrincipalSet)
        case notPrincipal(PrincipalSet)
        case holder
    }

    /// A list element that is either inclusive (`Action`) or exclusive (`NotAction`).
    struct Clause<Pattern: Sendable>: Sendable {
        let negated: Bool
        let patterns: [Pattern]
    }

    /// A resource pattern, compiled unless it needs the request's policy variables.
    enum ResourcePattern: Sendable {
        case constant(ARNPattern)
        case template(ValueTemplate)
    }

    /// The compiled statement, shared by every copy: a statement is read for every request, and copying one is then
    /// a single retain instead of one per pattern list.
    final class Compiled: Sendable {
        let index: Int
        let sid: String?
        let effect: Effect
        let principal: PrincipalClause
        let actions: Clause<WildcardPattern>
        let resources: Clause<ResourcePattern>
        let conditions: [ConditionClause]
        /// `"Principal": "*"` (or `{"AWS": "*"}`): the principal check can be skipped.
        let principalIsEveryone: Bool
        /// The operations whose action the action element allows (``S3Operation/bit``, `NotAction` applied),
        /// decided when the statement is compiled: a context built for an operation is checked with one AND.
        let operations: UInt64

        init(
            index: Int,
            sid: String?,
            effect: Effect,
            principal: PrincipalClause,
            actions: Clause<WildcardPattern>,
            resources: Clause<ResourcePattern>,
            conditions: [ConditionClause]
        ) {
            self.index = index
            self.sid = sid
            self.effect = effect
            self.principal = principal
            self.actions = actions
            self.resources = resources
            self.conditions = conditions
            var operations: UInt64 = 0
            for operation in S3Operation.allCases {
                let lowercased = operation.lowercasedIAMAction
                if actions.patterns.contains(where: { $0.matches(lowercased) }) != actions.negated {
                    operations |= operation.bit
                }
            }
            self.operations = operations
            if case .principal(let set) = principal {
                principalIsEveryone = set.isEveryone
            } else {
                principalIsEveryone = false
            }
        }
    }

    /// The only stored property: ``withCompiled(_:at:_:)`` reads a statement as this reference's address.
    private let compiled: Compiled

    init(compiled: Compiled) { self.compiled = compiled }

    /// Calls `body` with the compiled statement of `statements[index]` without retaining it: the scans read
    /// statements in place through their array's buffer, which keeps every one alive. The reference is read as a
    /// bare address: loading it as a class reference, even to hand it on unretained, cost a retain and a release
    /// per statement per scan (about 600 instructions a decision).
    @inline(__always)
    static func withCompiled<Result>(
        _ statements: UnsafeBufferPointer<PolicyStatement>,
        at index: Int,
        _ body: (Compiled) -> Result
    ) -> Result {
        precondition(index >= 0 && index < statements.count, "statement \(index) of \(statements.count)")
        guard let base = statements.baseAddress else { preconditionFailure("statement \(index) of none") }
        let address = UnsafeRawPointer(base + index).load(as: UnsafeRawPointer.self)
        return Unmanaged<Compiled>.fromOpaque(address)._withUnsafeGuaranteedRef(body)
    }

    public var index: Int { compiled.index }
    public var sid: String? { compiled.sid }
    public var effect: Effect { compiled.effect }
    var principal: PrincipalClause { compiled.principal }
    var actions: Clause<WildcardPattern> { compiled.actions }
    var resources: Clause<ResourcePattern> { compiled.resources }
    var conditions: [ConditionClause] { compiled.conditions }

    /// `statement 2 ("DenyPuts")`, the way decisions and errors name it.
    public var label: String {
        guard let sid, !sid.isEmpty else { return "statement \(index)" }
        return "statement \(index) (\"\(sid)\")"
    }

    /// Whether this statement speaks to this request on `resource`: principal, action, resource and every
    /// condition must all match.
    func applies(to context: RequestContext, resource: ResourceName) -> Bool {
        resource.withBytes { compiled.applies(to: context, resource: $0) }
    }

    /// Whether principal, action and conditions match the request (the part of ``applies(to:resource:)`` that does
    /// not depend on the resource).
    func matchesRequest(_ context: RequestContext) -> Bool { compiled.matchesRequest(context) }
}

extension PolicyStatement.Compiled {
    func applies(to context: RequestContext, resource: ResourceBytes) -> Bool {
        covers(resource, in: context) && matchesRequest(context)
    }

    /// Whether the statement's resource element covers `resource` (the part of ``applies(to:resource:)`` that
    /// depends on the resource).
    func covers(_ resource: ResourceBytes, in context: RequestContext) -> Bool {
        let resourceMatch = resources.patterns.contains { pattern in
            switch pattern {
            case .constant(let arn): return arn.matches(resource)
            case .template(let template):
                guard let pieces = template.resolve(in: context) else { return false }
                return ARNPattern(pieces: pieces).matches(resource)
            }
        }
        return resourceMatch != resources.negated
    }

    func matchesRequest(_ context: RequestContext) -> Bool {
        let operation = context.operationBit
        if operation != 0 {
            guard operations & operation != 0 else { return false }
        } else {
            let actionMatch = context.withLowercasedAction { action in
                actions.patterns.contains { $0.matches(bytes: action) }
            }
            guard actionMatch != actions.negated else { return false }
        }
        if !principalIsEveryone {
            switch principal {
            case .principal(let set): guard set.contains(principalOf: context) else { return false }
            case .notPrincipal(let set): guard !set.contains(principalOf: context) else { return false }
            case .holder: break
            }
        }
        // Read in place: iterating the array would copy each clause and its reference-counted fields.
        return conditions.withUnsafeBufferPointer { conditions in
            for index in conditions.indices {
                // The array holds the clause, so it needs no retain of its own while it is read.
                let holds = Unmanaged.passUnretained(conditions[index])._withUnsafeGuaranteedRef {
                    $0.holds(in: context)
                }
                if !holds { return false }
            }
            return true
        }
    }
}
