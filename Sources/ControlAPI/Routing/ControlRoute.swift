internal import S3HTTP

/// The S3 Control operation a request names, decided from its method and raw path alone (spec §2).
///
/// Labels are percent-decoded only after the route is chosen, so an encoded `/` never changes the route.
/// Access point names are a single segment; the suffixed routes (`/policy`, `/policyStatus`) are matched by
/// segment count, so they can never be mistaken for a name.
enum ControlRoute: Equatable, Sendable {
    case createAccessPoint(name: String)
    case getAccessPoint(name: String)
    case deleteAccessPoint(name: String)
    case listAccessPoints
    case putAccessPointPolicy(name: String)
    case getAccessPointPolicy(name: String)
    case deleteAccessPointPolicy(name: String)
    case getAccessPointPolicyStatus(name: String)
    case putPublicAccessBlock
    case getPublicAccessBlock
    case deletePublicAccessBlock
    /// A multi-region access point operation: recognised, not implemented yet.
    case multiRegion

    static let prefix = "/v20180820/"

    /// The operation, or nil when the path or method names none; a label that does not percent-decode is nil too.
    init?(method: String, path: String) {
        guard path.hasPrefix(Self.prefix) else { return nil }
        let rest = path.dropFirst(Self.prefix.count)
        let segments = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch (method, segments.first) {
        case (_, "async-requests"), (_, "mrap"):
            self = .multiRegion
        case (_, "configuration") where segments == ["configuration", "publicAccessBlock"]:
            switch method {
            case "PUT": self = .putPublicAccessBlock
            case "GET": self = .getPublicAccessBlock
            case "DELETE": self = .deletePublicAccessBlock
            default: return nil
            }
        case ("GET", "accesspoint") where segments.count == 1:
            self = .listAccessPoints
        case (_, "accesspoint") where segments.count == 2 || segments.count == 3:
            guard !segments[1].isEmpty, let name = PercentDecoding.decode(segments[1]) else { return nil }
            switch (method, segments.count == 3 ? segments[2] : nil) {
            case ("PUT", nil): self = .createAccessPoint(name: name)
            case ("GET", nil): self = .getAccessPoint(name: name)
            case ("DELETE", nil): self = .deleteAccessPoint(name: name)
            case ("PUT", "policy"): self = .putAccessPointPolicy(name: name)
            case ("GET", "policy"): self = .getAccessPointPolicy(name: name)
            case ("DELETE", "policy"): self = .deleteAccessPointPolicy(name: name)
            case ("GET", "policyStatus"): self = .getAccessPointPolicyStatus(name: name)
            default: return nil
            }
        default:
            return nil
        }
    }
}
