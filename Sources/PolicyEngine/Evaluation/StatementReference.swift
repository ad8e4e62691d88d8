/// Names one statement of one policy, for decisions, access logs and debug error messages:
/// `statement 2 ("DenyPuts") of the bucket policy`, `statement 0 of identity policy 1`.
public struct StatementReference: Sendable, Hashable, CustomStringConvertible {
    public let policy: PolicyKind
    /// Which of the caller's identity policies, counted from 0; nil for the other kinds, of which there is one.
    public let policyIndex: Int?
    /// The statement's position in the document, counted from 0.
    public let statement: Int
    public let sid: String?

    public init(policy: PolicyKind, policyIndex: Int? = nil, statement: Int, sid: String? = nil) {
        self.policy = policy
        self.policyIndex = policyIndex
        self.statement = statement
        self.sid = sid
    }

    init(_ statement: PolicyStatement, of policy: PolicyKind, index: Int? = nil) {
        self.init(policy: policy, policyIndex: index, statement: statement.index, sid: statement.sid)
    }

    public var description: String {
        let name = policyIndex.map { "\(policy) \($0)" } ?? "the \(policy)"
        guard let sid, !sid.isEmpty else { return "statement \(statement) of \(name)" }
        return "statement \(statement) (\"\(sid)\") of \(name)"
    }
}

/// The layers of spec §4.1 that each must allow a request (steps 5–7).
public enum AuthorizationLayer: String, Sendable, Hashable, CustomStringConvertible {
    case accessPoint = "access point"
    case multiRegionAccessPoint = "multi-region access point"
    case bucket = "bucket"
    case vpcEndpoint = "VPC endpoint"

    /// A stable token for log fields and rejection details.
    var token: String {
        switch self {
        case .accessPoint: "access_point"
        case .multiRegionAccessPoint: "multi_region_access_point"
        case .bucket: "bucket"
        case .vpcEndpoint: "vpc_endpoint"
        }
    }

    public var description: String { rawValue }
}
