extension PolicyDocument {
    /// What one policy says about one request on one resource, naming the statement by its position in the
    /// document: a plain value, so the scans and the layer checks copy no `Sid`; the decision resolves the
    /// statement's name once, for the statements it reports (``AuthorizationPolicies``).
    enum Verdict: Sendable, Equatable {
        /// A matching `Deny`: nothing else matters.
        case deny(Int)
        /// No matching `Deny`, and this is the first matching `Allow`.
        case allow(Int)
        /// No statement applies.
        case silent
    }

    /// The `Sid` of statement `index`, read in place, for the statement a decision names.
    func sid(ofStatement index: Int) -> String? {
        statements.withUnsafeBufferPointer { statements in
            PolicyStatement.withCompiled(statements, at: index) { $0.sid }
        }
    }

    /// Evaluates the statements against `resource`. A matching `Deny` anywhere in the document wins over an
    /// earlier `Allow`, so the scan reads every `Deny` before it may allow; once an `Allow` has matched, later
    /// `Allow`s cannot change the verdict and are not evaluated.
    ///
    /// The statements are read in place through the array's buffer, so no `PolicyStatement` is copied.
    func verdict(for context: RequestContext, on resource: ResourceBytes) -> Verdict {
        let found: (deny: Int?, allow: Int?) = statements.withUnsafeBufferPointer { statements in
            var firstAllow: Int?
            for index in statements.indices {
                let applies: Bool? = PolicyStatement.withCompiled(statements, at: index) { statement in
                    let isDeny = statement.effect == .deny
                    guard isDeny || firstAllow == nil else { return nil }
                    return statement.applies(to: context, resource: resource) ? isDeny : nil
                }
                guard let isDeny = applies else { continue }
                if isDeny { return (index, nil) }
                firstAllow = index
            }
            return (nil, firstAllow)
        }
        if let deny = found.deny { return .deny(deny) }
        if let allow = found.allow { return .allow(allow) }
        return .silent
    }

    /// ``verdict(for:on:)`` for two resource forms in one scan, as the endpoint policy is read
    /// (spec §4.1 step 7): a statement's principal, action and conditions do not depend on the resource, so they
    /// are evaluated once for both forms. Each form's verdict is the one its own scan would give.
    func verdicts(
        for context: RequestContext,
        on first: ResourceBytes,
        and second: ResourceBytes
    ) -> (Verdict, Verdict) {
        typealias Found = (deny: Int?, allow: Int?)
        let (one, two): (Found, Found) = statements.withUnsafeBufferPointer { statements in
            var one: Found = (nil, nil)
            var two: Found = (nil, nil)
            for index in statements.indices {
                let (isDeny, coversOne, coversTwo) = PolicyStatement.withCompiled(statements, at: index) { statement in
                    let isDeny = statement.effect == .deny
                    // A form is settled by a Deny; after its first Allow, only Denies can change it.
                    let wantOne = one.deny == nil && (isDeny || one.allow == nil)
                    let wantTwo = two.deny == nil && (isDeny || two.allow == nil)
                    let coversOne = wantOne && statement.covers(first, in: context)
                    let coversTwo = wantTwo && statement.covers(second, in: context)
                    guard coversOne || coversTwo, statement.matchesRequest(context) else {
                        return (isDeny, false, false)
                    }
                    return (isDeny, coversOne, coversTwo)
                }
                guard coversOne || coversTwo else { continue }
                if coversOne {
                    if isDeny { one.deny = index } else { one.allow = index }
                }
                if coversTwo {
                    if isDeny { two.deny = index } else { two.allow = index }
                }
                if one.deny != nil && two.deny != nil { break }
            }
            return (one, two)
        }
        func verdict(_ found: Found) -> Verdict {
            if let deny = found.deny { return .deny(deny) }
            if let allow = found.allow { return .allow(allow) }
            return .silent
        }
        return (verdict(one), verdict(two))
    }
}
