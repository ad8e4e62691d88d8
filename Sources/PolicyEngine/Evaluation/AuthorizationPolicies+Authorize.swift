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
    /// evaluated once per resource form; the verdicts serve both the `Deny` scan and the layer checks.
    public func authorize(_ context: RequestContext) -> AuthorizationDecision {
        func decision(_ reason: AuthorizationDecision.Reason) -> AuthorizationDecision {
            AuthorizationDecision(action: context.action, reason: reason)
        }
        guard !context.principal.isAnonymous else { return decision(.anonymous) }

        let layers = resourceLayers(for: context)
        let endpoint = endpointVerdicts(for: context)
        if let (statement, resource) = firstDeny(in: layers + endpoint) {
            return decision(.explicitDeny(statement, resource: resource))
        }

        var grants: [AuthorizationDecision.Grant] = []
        for layer in layers {
            switch grant(layer, to: context.principal) {
            case .success(let grant): grants.append(grant)
            case .failure(let refusal): return decision(refusal.reason)
            }
        }

        guard context.network.isThroughVPCEndpoint else { return decision(.allowed(grants)) }
        guard let first = endpoint.first else {
            grants.append(.init(layer: .vpcEndpoint, statement: nil))
            return decision(.allowed(grants))
        }
        for form in endpoint {
            guard case .allow = form.verdict else {
                return decision(.noAllow(.vpcEndpoint, resource: form.resource.text))
            }
        }
        if case .allow(let statement) = first.verdict {
            grants.append(.init(layer: .vpcEndpoint, statement: StatementReference(statement, of: .vpcEndpoint)))
        }
        return decision(.allowed(grants))
    }

    /// What one layer's policies said about the request on that layer's resource form.
    private struct LayerVerdicts {
        let layer: AuthorizationLayer
        let kind: PolicyKind
        let policy: PolicyDocument?
        let verdict: PolicyDocument.Verdict
        /// One per identity policy, in order.
        let identity: [PolicyDocument.Verdict]
        let resource: ResourceName
        let owner: AccountID?
    }

    /// The front (access point or multi-region access point) layer and the bucket layer.
    private func resourceLayers(for context: RequestContext) -> [LayerVerdicts] {
        let (frontLayer, frontKind, frontPolicy): (AuthorizationLayer, PolicyKind, PolicyDocument?) =
            switch context.target.front {
            case .accessPoint: (.accessPoint, .accessPoint, accessPointPolicy)
            case .multiRegionAccessPoint:
                (.multiRegionAccessPoint, .multiRegionAccessPoint, multiRegionAccessPointPolicy)
            }
        let forms: [(AuthorizationLayer, PolicyKind, PolicyDocument?, ResourceName, AccountID)] = [
            (frontLayer, frontKind, frontPolicy, context.front, context.target.frontOwner),
            (.bucket, .bucket, bucketPolicy, context.bucket, context.target.bucketOwner),
        ]
        return forms.map { layer, kind, policy, resource, owner in
            LayerVerdicts(
                layer: layer,
                kind: kind,
                policy: policy,
                verdict: policy?.verdict(for: context, on: resource) ?? .silent,
                identity: identityPolicies.map { $0.verdict(for: context, on: resource) },
                resource: resource,
                owner: owner
            )
        }
    }

    /// The endpoint policy on both resource forms; empty when the request did not come through an endpoint or
    /// the endpoint has the default policy.
    private func endpointVerdicts(for context: RequestContext) -> [LayerVerdicts] {
        guard context.network.isThroughVPCEndpoint, let policy = vpcEndpointPolicy else { return [] }
        return [context.front, context.bucket].map { resource in
            LayerVerdicts(
                layer: .vpcEndpoint,
                kind: .vpcEndpoint,
                policy: policy,
                verdict: policy.verdict(for: context, on: resource),
                identity: [],
                resource: resource,
                owner: nil
            )
        }
    }

    /// Step 4: the first `Deny`, identity policies first, then the resource policies in layer order.
    private func firstDeny(in layers: [LayerVerdicts]) -> (StatementReference, String)? {
        for layer in layers {
            for (index, verdict) in layer.identity.enumerated() {
                if case .deny(let statement) = verdict {
                    return (StatementReference(statement, of: .identity, index: index), layer.resource.text)
                }
            }
        }
        for layer in layers {
            if case .deny(let statement) = layer.verdict {
                return (StatementReference(statement, of: layer.kind), layer.resource.text)
            }
        }
        return nil
    }

    private struct Refusal: Error {
        let reason: AuthorizationDecision.Reason
    }

    /// Steps 5, 6 and 8 for one layer: its resource policy's `Allow` (unless RestrictPublicBuckets sets it
    /// aside), or else an identity policy's `Allow` when the caller belongs to the layer's owner.
    private func grant(
        _ layer: LayerVerdicts,
        to principal: RequestPrincipal
    ) -> Result<AuthorizationDecision.Grant, Refusal> {
        var restricted: StatementReference?
        if case .allow(let statement) = layer.verdict, let policy = layer.policy {
            let reference = StatementReference(statement, of: layer.kind)
            guard restrictsPublicGrant(policy, to: principal, owner: layer.owner) else {
                return .success(.init(layer: layer.layer, statement: reference))
            }
            restricted = reference
        }
        if let owner = layer.owner, principal.account == owner {
            for (index, verdict) in layer.identity.enumerated() {
                if case .allow(let statement) = verdict {
                    let reference = StatementReference(statement, of: .identity, index: index)
                    return .success(.init(layer: layer.layer, statement: reference))
                }
            }
        }
        if let restricted { return .failure(Refusal(reason: .restrictedPublicPolicy(layer.layer, restricted))) }
        return .failure(Refusal(reason: .noAllow(layer.layer, resource: layer.resource.text)))
    }

    /// RestrictPublicBuckets (spec §4.5): when the governing policy is public, only principals of the owning
    /// account and AWS services may use its grants.
    private func restrictsPublicGrant(
        _ policy: PolicyDocument,
        to principal: RequestPrincipal,
        owner: AccountID?
    ) -> Bool {
        guard publicAccessBlock.restrictPublicBuckets, policy.status.isPublic else { return false }
        return principal.account != owner && principal.service == nil
    }
}
