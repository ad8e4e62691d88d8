/// Which policy a document is. The kind decides what a valid document looks like (identity policies have no
/// `Principal`; resource policies must have one; a VPC endpoint policy may leave it out, meaning everyone) and how
/// decisions name the policy in access logs ("statement 2 of the bucket policy").
public enum PolicyKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case accessPoint = "access point policy"
    case bucket = "bucket policy"
    case vpcEndpoint = "VPC endpoint policy"
    case multiRegionAccessPoint = "multi-region access point policy"
    case identity = "identity policy"

    enum PrincipalRule {
        case required
        case forbidden
        /// Absent means `"*"`.
        case optional
    }

    var principalRule: PrincipalRule {
        switch self {
        case .accessPoint, .bucket, .multiRegionAccessPoint: .required
        case .identity: .forbidden
        case .vpcEndpoint: .optional
        }
    }

    public var description: String { rawValue }
}
