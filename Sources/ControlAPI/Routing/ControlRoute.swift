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
    case createMultiRegionAccessPoint
    case describeMultiRegionAccessPointOperation(token: String)
    case getMultiRegionAccessPoint(name: String)
    case listMultiRegionAccessPoints
    case deleteMultiRegionAccessPoint
    case putMultiRegionAccessPointPolicy
    case getMultiRegionAccessPointPolicy(name: String)
    case getMultiRegionAccessPointPolicyStatus(name: String)
    case tagResource(arn: String)
    case untagResource(arn: String)
    case listTagsForResource(arn: String)
    /// A multi-region access point operation that is recognised but not implemented yet.
    case getMultiRegionAccessPointRoutes(mrap: String)
    case submitMultiRegionAccessPointRoutes(mrap: String)

    static let prefix = "/v20180820/"

    /// The operation, or nil when the path or method names none; a label that does not percent-decode is nil too.
    init?(method: String, path: String) {
        guard path.hasPrefix(Self.prefix) else { return nil }
        let rest = path.dropFirst(Self.prefix.count)
        let segments = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch (method, segments.first) {
        case (_, "async-requests"), (_, "mrap"):
            guard let route = Self.multiRegion(method: method, segments: segments) else { return nil }
            self = route
        case (_, "configuration") where segments == ["configuration", "publicAccessBlock"]:
            switch method {
            case "PUT": self = .putPublicAccessBlock
            case "GET": self = .getPublicAccessBlock
            case "DELETE": self = .deletePublicAccessBlock
            default: return nil
            }
        case (_, "tags") where segments.count >= 2:
            // `{ResourceArn+}` is greedy: botocore encodes the ARN's `:` but leaves its `/` literal.
            guard let arn = PercentDecoding.decode(segments[1...].joined(separator: "/")), !arn.isEmpty else {
                return nil
            }
            switch method {
            case "POST": self = .tagResource(arn: arn)
            case "DELETE": self = .untagResource(arn: arn)
            case "GET": self = .listTagsForResource(arn: arn)
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

    /// `{RequestTokenARN+}` and `{name+}` are greedy: the POST verbs and the `/policy`, `/policystatus` and
    /// `/routes` suffixes are tested before the bare token and instance routes (spec §2).
    private static func multiRegion(method: String, segments: [String]) -> ControlRoute? {
        let head = Array(segments.prefix(3))
        if segments.first == "async-requests" {
            guard head.count == 3, head[1] == "mrap" else { return nil }
            if method == "POST" {
                guard segments.count == 3 else { return nil }
                switch head[2] {
                case "create": return .createMultiRegionAccessPoint
                case "delete": return .deleteMultiRegionAccessPoint
                case "put-policy": return .putMultiRegionAccessPointPolicy
                default: return nil
                }
            }
            guard method == "GET", let token = PercentDecoding.decode(segments[2...].joined(separator: "/")),
                !head[2].isEmpty
            else { return nil }
            return .describeMultiRegionAccessPointOperation(token: token)
        }
        if method == "PATCH", head.count >= 2, head[1] == "instances", segments.count > 3, segments.last == "routes" {
            guard let mrap = PercentDecoding.decode(segments[2..<(segments.count - 1)].joined(separator: "/")) else {
                return nil
            }
            return .submitMultiRegionAccessPointRoutes(mrap: mrap)
        }
        guard method == "GET", head.count >= 2, head[1] == "instances" else { return nil }
        if segments.count == 2 { return .listMultiRegionAccessPoints }
        let rest = segments[2...]
        if let last = rest.last, rest.count > 1, ["policy", "policystatus", "routes"].contains(last) {
            guard let name = PercentDecoding.decode(rest.dropLast().joined(separator: "/")), !name.isEmpty else {
                return nil
            }
            switch last {
            case "policy": return .getMultiRegionAccessPointPolicy(name: name)
            case "policystatus": return .getMultiRegionAccessPointPolicyStatus(name: name)
            default: return .getMultiRegionAccessPointRoutes(mrap: name)
            }
        }
        guard let name = PercentDecoding.decode(rest.joined(separator: "/")), !name.isEmpty else { return nil }
        return .getMultiRegionAccessPoint(name: name)
    }
}
