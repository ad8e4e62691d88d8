/// The answer to "may this request proceed?", together with what decided it (spec §4.1 steps 4–8).
///
/// Never a bare Bool: the router writes `detail` into the access log and the rejection, and in debug mode
/// `description` into the error message, so "denied, because statement 1 of the bucket policy denies
/// s3:PutObject on arn:aws:s3:::reports/q3.csv" is what an operator reads.
public struct AuthorizationDecision: Sendable, Hashable, CustomStringConvertible {
    /// One layer's permission: the statement that allowed it, or nil when no endpoint policy is set and the
    /// default one allows everything.
    public struct Grant: Sendable, Hashable {
        public let layer: AuthorizationLayer
        public let statement: StatementReference?

        public init(layer: AuthorizationLayer, statement: StatementReference?) {
            self.layer = layer
            self.statement = statement
        }
    }

    /// The grants of an allowed request, one per layer in the order the layers were checked: at most three (front,
    /// bucket, VPC endpoint), held inline so that a decision allocates nothing.
    public struct Grants: RandomAccessCollection, ExpressibleByArrayLiteral, Sendable, Hashable {
        private var first: Grant?
        private var second: Grant?
        private var third: Grant?
        public private(set) var endIndex = 0

        public var startIndex: Int { 0 }

        public init() {}

        public init(arrayLiteral grants: Grant...) {
            for grant in grants { append(grant) }
        }

        public subscript(position: Int) -> Grant {
            let grant: Grant? =
                switch position {
                case 0: first
                case 1: second
                case 2: third
                default: nil
                }
            guard position < endIndex, let grant else { preconditionFailure("grant \(position) of \(endIndex)") }
            return grant
        }

        /// Adds the next layer's grant; a decision has at most three layers.
        mutating func append(_ grant: Grant) {
            switch endIndex {
            case 0: first = grant
            case 1: second = grant
            case 2: third = grant
            default: preconditionFailure("a decision has at most three layers")
            }
            endIndex += 1
        }
    }

    public enum Reason: Sendable, Hashable {
        /// Every layer allowed; one grant per layer, in the order the layers were checked.
        case allowed(Grants)
        /// Anonymous requests are refused before any policy is read (spec §3, §4.1 step 1).
        case anonymous
        /// A `Deny` matched (step 4); `resource` is the form it matched on.
        case explicitDeny(StatementReference, resource: String)
        /// No policy of the layer allowed the request on `resource` (steps 5–7).
        case noAllow(AuthorizationLayer, resource: String)
        /// The layer's policy is public and RestrictPublicBuckets keeps its grants to the owner's principals and
        /// AWS services (step 8, spec §4.5).
        case restrictedPublicPolicy(AuthorizationLayer, StatementReference)
    }

    public let action: String
    public let reason: Reason

    public init(action: String, reason: Reason) {
        self.action = action
        self.reason = reason
    }

    public var isAllowed: Bool {
        if case .allowed = reason { return true }
        return false
    }

    /// A stable, machine-readable code for logs, metrics and tests: `allowed`, `anonymous`, `explicit_deny`,
    /// `no_allow_access_point`, `no_allow_bucket`, `no_allow_vpc_endpoint`, `restrict_public_buckets`…
    public var detail: String {
        switch reason {
        case .allowed: "allowed"
        case .anonymous: "anonymous"
        case .explicitDeny: "explicit_deny"
        case .noAllow(let layer, _): "no_allow_\(layer.token)"
        case .restrictedPublicPolicy: "restrict_public_buckets"
        }
    }

    public var description: String {
        switch reason {
        case .allowed(let grants):
            let parts = grants.map { grant in
                grant.statement.map { "\($0)" } ?? "the default \(grant.layer) policy"
            }
            return "allowed, because \(parts.joined(separator: " and ")) allow \(action)"
        case .anonymous:
            return "denied, because anonymous requests are not accepted through access points"
        case .explicitDeny(let statement, let resource):
            return "denied, because \(statement) denies \(action) on \(resource)"
        case .noAllow(let layer, let resource):
            return "denied, because no statement at the \(layer) layer allows \(action) on \(resource)"
        case .restrictedPublicPolicy(let layer, let statement):
            return "denied, because the \(layer) policy is public (\(statement) grants everyone) and "
                + "RestrictPublicBuckets allows its grants only to the owner's principals and AWS services"
        }
    }
}
