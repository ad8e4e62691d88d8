/// A remote store's `endpoint` split into the parts a request needs: scheme, authority and an optional base path.
///
/// The lab configuration has already checked the shape (`http(s)://host[:port][/path]`); parsing again here keeps
/// the forwarder honest about what it was handed, and an endpoint it cannot read answers `ServiceUnavailable`
/// instead of trapping.
struct UpstreamEndpoint: Sendable, Equatable {
    /// `http` or `https`.
    var scheme: String
    /// `host[:port]` exactly as configured; it is the `Host` header of a path-style request.
    var authority: String
    /// The path before the bucket or key, without a trailing `/`; empty for most servers.
    var basePath: String

    init?(_ text: String) {
        let rest: Substring
        if text.hasPrefix("http://") {
            scheme = "http"
            rest = text.dropFirst("http://".count)
        } else if text.hasPrefix("https://") {
            scheme = "https"
            rest = text.dropFirst("https://".count)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains(where: { $0 == " " || $0 == "@" }) else { return nil }
        self.authority = String(authority)
        var path = rest.dropFirst(authority.count).prefix { $0 != "?" && $0 != "#" }
        while path.hasSuffix("/") { path = path.dropLast() }
        self.basePath = String(path)
    }
}
