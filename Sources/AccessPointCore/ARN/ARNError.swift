/// Why an ARN was refused. Equal by kind; `reason` says what was wrong in terms a user can act on.
public struct ARNError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case malformed, unsupportedService, invalidPartition, invalidRegion,
            invalidAccount, invalidResource
    }
    private let kind: Kind
    public let reason: String

    private init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public static let malformed = ARNError(.malformed, "is not an ARN")
    public static let unsupportedService = ARNError(.unsupportedService, "is not an Amazon S3 ARN")
    public static let invalidPartition = ARNError(.invalidPartition, "has an invalid partition")
    public static let invalidRegion = ARNError(.invalidRegion, "has an invalid region")
    public static let invalidAccount = ARNError(.invalidAccount, "has an invalid account id")
    public static let invalidResource = ARNError(.invalidResource, "has an invalid resource")

    func because(_ reason: String) -> ARNError { ARNError(kind, reason) }

    public static func == (lhs: ARNError, rhs: ARNError) -> Bool { lhs.kind == rhs.kind }
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }
    public var description: String { reason }
}
