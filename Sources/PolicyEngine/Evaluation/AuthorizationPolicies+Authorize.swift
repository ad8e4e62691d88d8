internal import AccessPointCore

extension AuthorizationPolicies {
    /// Decides one request (spec §4.1 steps 4–8):
    ///
    /// 4. a `Deny` in any identity policy, the front policy (access point form), the bucket policy (bucket form)
    ///    or the endpoint policy (either form) denies;
    /// 5. the front layer needs its policy, or a same-account identity policy, to allow the access point form;
    /// 6. the bucket layer needs the bucket policy, or a same-account identity policy, to allow the bucket form;
    /// 7. through a VPC endpoint, its policy must allow both forms;
    /// 8. under RestrictPublicBuckets a public policy's grants count only for the owner's principals and services.
    ///
    /// The more restrictive policy always wins, since every layer must allow and any one may deny. Each policy is
    /// evaluated once per resource form; the verdicts serve both the `Deny` scan and the layer checks. The layers
    /// are plain values on the stack, and so are the grants it returns: an allowed decision allocates nothing.
    public func authorize(_ context: RequestContext) -> AuthorizationDecision {
        guard !context.principal.isAnonymous else {
            return AuthorizationDecision(action: context.action, reason: .anonymous)
        }
        return context.withResources { front, bucket in authorize(context, front: front, bucket: bucket) }
    }

    /// ``authorize(_:)`` with the two resource forms' bytes lent for the whole decision.
    private func authorize(
        _ context: RequestContext,
        front frontForm: ResourceBytes,
        bucket bucketForm: ResourceBytes
    ) -> AuthorizationDecision {
        let action = context.action
        func decision(_ reason: AuthorizationDecision.Reason) -> AuthorizationDecision {
            AuthorizationDecision(action: action, reason: reason)
        }
        let front = frontLayer(for: context, on: frontForm)
        let bucket = LayerVerdicts(
            self,
            layer: .bucket,
            kind: .bucket,
            policy: bucketPolicy,
            resource: bucketForm,
            callerIsOwner: context.callerOwnsBucket,
            context: context
        )
        let endpoint = endpointVerdicts(for: context, on: frontForm, and: bucketForm)
        let endpointFront = endpoint?.front
        let endpointBucket = endpoint?.bucket
        if let (statement, resource) = firstDeny(front, bucket, endpointFront, endpointBucket, in: context) {
            return decision(.explicitDeny(reference(to: statement), resource: resource))
        }

        // The layers' answers are plain values; the decision's grants are made once, at the end.
        let frontGrant: NamedStatement
        switch grant(front, in: context) {
        case .granted(let statement): frontGrant = statement
        case let refusal: return decision(reason(refusal, front, in: context))
        }
        let bucketGrant: NamedStatement
        switch grant(bucket, in: context) {
        case .granted(let statement): bucketGrant = statement
        case let refusal: return decision(reason(refusal, bucket, in: context))
        }
        let frontLayer = front.layer
        guard context.network.isThroughVPCEndpoint else {
            return allowed(action, (frontLayer, frontGrant), bucketGrant, endpoint: nil)
        }
        guard vpcEndpointPolicy != nil else {
            return allowed(action, (frontLayer, frontGrant), bucketGrant, endpoint: .some(nil))
        }
        guard case .allow(let statement)? = endpointFront else {
            return decision(.noAllow(.vpcEndpoint, resource: context.frontResource))
        }
        guard case .allow? = endpointBucket else {
            return decision(.noAllow(.vpcEndpoint, resource: context.bucketResource))
        }
        let endpointGrant = NamedStatement(kind: .vpcEndpoint, identityPolicy: nil, statement: statement)
        return allowed(action, (frontLayer, frontGrant), bucketGrant, endpoint: endpointGrant)
    }

    /// The allowed decision, its grants made at once from the layers' statements; `endpoint` is nil when the request
    /// did not come through an endpoint, `.some(nil)` for an endpoint's default policy.
    private func allowed(
        _ action: String,
        _ front: (layer: AuthorizationLayer, statement: NamedStatement),
        _ bucket: NamedStatement,
        endpoint: NamedStatement??
    ) -> AuthorizationDecision {
        var grants = AuthorizationDecision.Grants()
        grants.append(.init(layer: front.layer, statement: reference(to: front.statement)))
        grants.append(.init(layer: .bucket, statement: reference(to: bucket)))
        if let endpoint { grants.append(.init(layer: .vpcEndpoint, statement: endpoint.map(reference(to:)))) }
        return AuthorizationDecision(action: action, reason: .allowed(grants))
    }

    /// A statement a verdict found, by position: which policy (its kind and, for an identity policy, which one)
    /// and which statement. A plain value; ``reference(to:)`` adds the `Sid` for the decision.
    private struct NamedStatement {
        let kind: PolicyKind
        let identityPolicy: Int?
        let statement: Int
    }

    /// The decision's name for `named`, with its `Sid`: looked up once, for a statement the decision reports.
    private func reference(to named: NamedStatement) -> StatementReference {
        // Each policy is read in place: binding it to a local copied the document.
        let sid: String?? =
            switch named.kind {
            case .accessPoint: accessPointPolicy?.sid(ofStatement: named.statement)
            case .multiRegionAccessPoint: multiRegionAccessPointPolicy?.sid(ofStatement: named.statement)
            case .bucket: bucketPolicy?.sid(ofStatement: named.statement)
            case .vpcEndpoint: vpcEndpointPolicy?.sid(ofStatement: named.statement)
            case .identity: named.identityPolicy.map { identityPolicies[$0].sid(ofStatement: named.statement) }
            }
        guard let sid else {
            preconditionFailure("a verdict names statement \(named.statement) of a \(named.kind) it was not read from")
        }
        return StatementReference(
            policy: named.kind,
            policyIndex: named.identityPolicy,
            statement: named.statement,
            sid: sid
        )
    }

    /// What one layer's policies said about the request on that layer's resource form.
    private struct LayerVerdicts {
        let layer: AuthorizationLayer
        /// The kind of the layer's resource policy, which names its statements.
        let kind: PolicyKind
        /// Whether the layer has a policy and it is public (spec §4.4), for RestrictPublicBuckets.
        let policyIsPublic: Bool
        let verdict: PolicyDocument.Verdict
        /// The first identity policy (in order) that denies, and its statement; the decision needs no other.
        let identityDeny: (policy: Int, statement: Int)?
        /// The first identity policy (in order) that allows, and its statement: read when none denies.
        let identityAllow: (policy: Int, statement: Int)?
        /// Whether the caller belongs to the account that owns the layer's resource (its identity policies then
        /// count, and RestrictPublicBuckets lets it use public grants). A flag, so the owner is not copied.
        let callerIsOwner: Bool

        init(
            _ policies: AuthorizationPolicies,
            layer: AuthorizationLayer,
            kind: PolicyKind,
            policy: PolicyDocument?,
            resource: ResourceBytes,
            callerIsOwner: Bool,
            context: RequestContext
        ) {
            self.layer = layer
            self.kind = kind
            self.policyIsPublic = policy?.status.isPublic ?? false
            self.verdict = policy?.verdict(for: context, on: resource) ?? .silent
            // Two plain values rather than an array of every identity policy's verdict, which was allocated for
            // each layer of each decision.
            var deny: (policy: Int, statement: Int)?
            var allow: (policy: Int, statement: Int)?
            scan: for index in policies.identityPolicies.indices {
                switch policies.identityPolicies[index].verdict(for: context, on: resource) {
                case .deny(let statement):
                    // The first `Deny` decides; the policies after it cannot change the decision.
                    deny = (index, statement)
                    break scan
                case .allow(let statement) where allow == nil:
                    allow = (index, statement)
                case .allow, .silent:
                    break
                }
            }
            self.identityDeny = deny
            self.identityAllow = allow
            self.callerIsOwner = callerIsOwner
        }

        /// A statement of the layer's resource policy.
        func named(_ statement: Int) -> NamedStatement {
            NamedStatement(kind: kind, identityPolicy: nil, statement: statement)
        }

        /// A statement of identity policy `index`.
        func named(_ statement: Int, identityPolicy index: Int) -> NamedStatement {
            NamedStatement(kind: .identity, identityPolicy: index, statement: statement)
        }

        /// The resource form the layer was read on, for messages (kept out of the value, which is then cheaper to
        /// destroy).
        func resource(in context: RequestContext) -> String {
            layer == .bucket ? context.bucketResource : context.frontResource
        }
    }

    /// The front layer: the access point or multi-region access point policy, on the access point form.
    private func frontLayer(for context: RequestContext, on resource: ResourceBytes) -> LayerVerdicts {
        // Each branch passes its policy straight through: picking it into a local first copied the document.
        if case .multiRegionAccessPoint = context.target.front {
            return LayerVerdicts(
                self,
                layer: .multiRegionAccessPoint,
                kind: .multiRegionAccessPoint,
                policy: multiRegionAccessPointPolicy,
                resource: resource,
                callerIsOwner: context.callerOwnsFront,
                context: context
            )
        }
        return LayerVerdicts(
            self,
            layer: .accessPoint,
            kind: .accessPoint,
            policy: accessPointPolicy,
            resource: resource,
            callerIsOwner: context.callerOwnsFront,
            context: context
        )
    }

    /// The endpoint policy's verdicts on both resource forms, from one scan; nil when the request did not come
    /// through an endpoint or the endpoint has the default policy.
    private func endpointVerdicts(
        for context: RequestContext,
        on front: ResourceBytes,
        and bucket: ResourceBytes
    ) -> (front: PolicyDocument.Verdict, bucket: PolicyDocument.Verdict)? {
        guard context.network.isThroughVPCEndpoint else { return nil }
        // Read in place: binding the policy to a local copied it.
        return vpcEndpointPolicy?.verdicts(for: context, on: front, and: bucket)
    }

    /// Step 4: the first `Deny`, identity policies first, then the resource policies in layer order (front,
    /// bucket, then the endpoint policy on the front and the bucket form).
    private func firstDeny(
        _ front: LayerVerdicts,
        _ bucket: LayerVerdicts,
        _ endpointFront: PolicyDocument.Verdict?,
        _ endpointBucket: PolicyDocument.Verdict?,
        in context: RequestContext
    ) -> (NamedStatement, String)? {
        if let (index, statement) = front.identityDeny {
            return (front.named(statement, identityPolicy: index), front.resource(in: context))
        }
        if let (index, statement) = bucket.identityDeny {
            return (bucket.named(statement, identityPolicy: index), bucket.resource(in: context))
        }
        if case .deny(let statement) = front.verdict { return (front.named(statement), front.resource(in: context)) }
        if case .deny(let statement) = bucket.verdict {
            return (bucket.named(statement), bucket.resource(in: context))
        }
        let endpoint = { NamedStatement(kind: .vpcEndpoint, identityPolicy: nil, statement: $0) }
        if case .deny(let statement)? = endpointFront { return (endpoint(statement), context.frontResource) }
        if case .deny(let statement)? = endpointBucket { return (endpoint(statement), context.bucketResource) }
        return nil
    }

    /// One layer's answer: the statement that grants it, or why it refuses (a plain value: the decision's reason
    /// is made only for a refusal, by ``reason(_:_:in:)``).
    private enum LayerGrant {
        case granted(NamedStatement)
        /// RestrictPublicBuckets set aside this grant of a public policy.
        case restricted(NamedStatement)
        case noAllow
    }

    /// The decision's reason for a layer's refusal.
    private func reason(
        _ refusal: LayerGrant,
        _ layer: LayerVerdicts,
        in context: RequestContext
    ) -> AuthorizationDecision.Reason {
        switch refusal {
        case .restricted(let statement): .restrictedPublicPolicy(layer.layer, reference(to: statement))
        case .granted, .noAllow: .noAllow(layer.layer, resource: layer.resource(in: context))
        }
    }

    /// Steps 5, 6 and 8 for one layer: its resource policy's `Allow` (unless RestrictPublicBuckets sets it
    /// aside), or else an identity policy's `Allow` when the caller belongs to the layer's owner.
    private func grant(_ layer: LayerVerdicts, in context: RequestContext) -> LayerGrant {
        var restricted: Int?
        if case .allow(let statement) = layer.verdict {
            guard restrictsPublicGrant(layer.policyIsPublic, to: context, callerIsOwner: layer.callerIsOwner) else {
                return .granted(layer.named(statement))
            }
            restricted = statement
        }
        if layer.callerIsOwner, let (index, statement) = layer.identityAllow {
            return .granted(layer.named(statement, identityPolicy: index))
        }
        if let restricted { return .restricted(layer.named(restricted)) }
        return .noAllow
    }

    /// RestrictPublicBuckets (spec §4.5): when the governing policy is public, only principals of the owning
    /// account and AWS services may use its grants.
    private func restrictsPublicGrant(
        _ policyIsPublic: Bool,
        to context: RequestContext,
        callerIsOwner: Bool
    ) -> Bool {
        guard publicAccessBlock.restrictPublicBuckets, policyIsPublic else { return false }
        return !callerIsOwner && context.principal.service == nil
    }
}
