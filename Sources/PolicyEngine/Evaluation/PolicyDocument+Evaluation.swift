extension PolicyDocument {
    /// What one policy says about one request on one resource.
    enum Verdict: Sendable {
        /// A matching `Deny`: nothing else matters.
        case deny(PolicyStatement)
        /// No matching `Deny`, and this is the first matching `Allow`.
        case allow(PolicyStatement)
        /// No statement applies.
        case silent
    }

    /// Evaluates every statement against `resource`. A matching `Deny` anywhere in the document wins over an
    /// earlier `Allow`, so the scan reads every statement before it may allow.
    func verdict(for context: RequestContext, on resource: ResourceName) -> Verdict {
        var firstAllow: PolicyStatement?
        for statement in statements where statement.applies(to: context, resource: resource) {
            if statement.effect == .deny { return .deny(statement) }
            if firstAllow == nil { firstAllow = statement }
        }
        return firstAllow.map(Verdict.allow) ?? .silent
    }
}
