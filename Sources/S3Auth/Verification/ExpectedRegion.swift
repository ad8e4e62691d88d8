/// The regions a credential scope may name for the endpoint a request reached (spec §5.3).
///
/// An access-point host names its region, so the router usually passes `.exactly`; a custom endpoint whose host
/// carries no region takes the region from the credential scope (spec §7) and passes `.any`.
public enum ExpectedRegion: Hashable, Sendable {
    /// Only this region.
    case exactly(String)
    /// Any of these regions.
    case anyOf(Set<String>)
    /// Whatever region the client signed for.
    case any

    /// Whether a scope for `region` is acceptable.
    public func accepts(_ region: String) -> Bool {
        switch self {
        case .exactly(let expected): region == expected
        case .anyOf(let expected): expected.contains(region)
        case .any: true
        }
    }

    /// The region an error names as expected.
    var expectedName: String {
        switch self {
        case .exactly(let expected): expected
        case .anyOf(let expected): expected.sorted().joined(separator: ",")
        case .any: ""
        }
    }
}
