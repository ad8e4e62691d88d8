extension PolicyDocument {
    /// What one policy says about one request on one resource.
    enum Verdict: Sendable {
        /// A matching `Deny`: nothing else matters.
        case deny(StatementReference)
        /// No matching `Deny`, and this is the first matching `Allow`.
        case allow(StatementReference)
        /// No statement applies.
        case silent
    }

    /// Evaluates the statements against `resource`. A matching `Deny` anywhere in the document wins over an
    /// earlier `Allow`, so the scan reads every `Deny` before it may allow; once an `Allow` has matched, later
    /// `Allow`s cannot change the verdict and are not evaluated.
    ///
    /// `kind` and `policyIndex` are how the decision names the statement: the layer the policy serves, and which
    /// identity policy it is. The statements are read in place
    /// through the array's buffer, so no `PolicyStatement` is copied.
    func verdict(
        for context: RequestContext,
        on resource: ResourceName,
        as kind: PolicyKind,
        policyIndex: Int? = nil
    ) -> Verdict {
        let found: (deny: Int?, allow: Int?) = statements.withUnsafeBufferPointer { statements in
            var firstAllow: Int?
            for index in statements.indices {
                let isDeny = statements[index].effect == .deny
                guard isDeny || firstAllow == nil else { continue }
                guard statements[index].applies(to: context, resource: resource) else { continue }
                if isDeny { return (index, nil) }
                firstAllow = index
            }
            return (nil, firstAllow)
        }
        if let deny = found.deny { return .deny(StatementReference(statements[deny], of: kind, index: policyIndex)) }
        if let allow = found.allow {
            return .allow(StatementReference(statements[allow], of: kind, index: policyIndex))
        }
        return .silent
    }
}
