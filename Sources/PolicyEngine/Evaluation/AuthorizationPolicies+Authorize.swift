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
    /// The more restrictive policy always wins, since every layer must allow and any one may deny.
    public func authorize(_ context: RequestContext) -> AuthorizationDecision {
        func decision(_ reason: AuthorizationDecision.Reason) -> AuthorizationDecision {
            AuthorizationDecision(action: context.action, reason: reason)
        }
        guard !context.principal.isAnonymous else { return decision(.anonymous) }

        let (frontLayer, frontKind, frontPolicy): (AuthorizationLayer, PolicyKind, PolicyDocument?) =
            switch context.target.front {
            case .accessPoint: (.accessPoint, .accessPoint, accessPointPolicy)
            case .multiRegionAccessPoint:
                (.multiRegionAccessPoint, .multiRegionAccessPoint, multiRegionAccessPointPolicy)
            }
        let endpointPolicy = context.network.isThroughVPCEndpoint ? vpcEndpointPolicy : nil

        // Step 4: any Deny, wherever it is.
        var identityFront: [PolicyDocument.Verdict] = []
        var identityBucket: [PolicyDocument.Verdict] = []
        for (index, identity) in identityPolicies.enumerated() {
            for (resource, collect) in [(context.front, true), (context.bucket, false)] {
                let verdict = identity.verdict(for: context, on: resource)
                if case .deny(let statement) = verdict {
                    return decision(
                        .explicitDeny(
                            StatementReference(statement, of: .identity, index: index),
                            resource: resource.text
                        )
                    )
                }
                if collect { identityFront.append(verdict) } else { identityBucket.append(verdict) }
            }
        }
        let frontVerdict = frontPolicy?.verdict(for: context, on: context.front) ?? .silent
        let bucketVerdict = bucketPolicy?.verdict(for: context, on: context.bucket) ?? .silent
        let endpointVerdicts =
            endpointPolicy.map {
                [
                    ($0.verdict(for: context, on: context.front), context.front),
                    ($0.verdict(for: context, on: context.bucket), context.bucket),
                ]
            } ?? []
        for (verdict, kind, resource) in [
            (frontVerdict, frontKind, context.front), (bucketVerdict, .bucket, context.bucket),
        ]
            + endpointVerdicts.map({ ($0.0, PolicyKind.vpcEndpoint, $0.1) })
        {
            if case .deny(let statement) = verdict {
                return decision(.explicitDeny(StatementReference(statement, of: kind), resource: resource.text))
            }
        }

        // Steps 5, 6 and 8: each resource layer.
        var grants: [AuthorizationDecision.Grant] = []
        let layers:
            [(
                AuthorizationLayer, PolicyKind, PolicyDocument?, PolicyDocument.Verdict, [PolicyDocument.Verdict],
                ResourceName, AccountID
            )] = [
                (
                    frontLayer, frontKind, frontPolicy, frontVerdict, identityFront, context.front,
                    context.target.frontOwner
                ),
                (
                    .bucket, .bucket, bucketPolicy, bucketVerdict, identityBucket, context.bucket,
                    context.target.bucketOwner
                ),
            ]
        for (layer, kind, policy, verdict, identityVerdicts, resource, owner) in layers {
            var restricted: StatementReference?
            if case .allow(let statement) = verdict, let policy {
                let reference = StatementReference(statement, of: kind)
                if restrictsPublicGrant(policy, to: context.principal, owner: owner) {
                    restricted = reference
                } else {
                    grants.append(.init(layer: layer, statement: reference))
                    continue
                }
            }
            if context.principal.account == owner,
                let (index, statement) = identityVerdicts.enumerated().lazy.compactMap({ index, verdict in
                    if case .allow(let statement) = verdict { (index, statement) } else { nil }
                }).first
            {
                grants.append(
                    .init(layer: layer, statement: StatementReference(statement, of: .identity, index: index))
                )
                continue
            }
            if let restricted { return decision(.restrictedPublicPolicy(layer, restricted)) }
            return decision(.noAllow(layer, resource: resource.text))
        }

        // Step 7: the endpoint policy, for both forms.
        if context.network.isThroughVPCEndpoint {
            guard let endpointPolicy else {
                grants.append(.init(layer: .vpcEndpoint, statement: nil))
                return decision(.allowed(grants))
            }
            for (verdict, resource) in endpointVerdicts {
                guard case .allow = verdict else { return decision(.noAllow(.vpcEndpoint, resource: resource.text)) }
            }
            if case .allow(let statement) = endpointVerdicts[0].0 {
                grants.append(
                    .init(layer: .vpcEndpoint, statement: StatementReference(statement, of: endpointPolicy.kind))
                )
            }
        }
        return decision(.allowed(grants))
    }

    /// RestrictPublicBuckets (spec §4.5): when the governing policy is public, only principals of the owning
    /// account and AWS services may use its grants.
    private func restrictsPublicGrant(
        _ policy: PolicyDocument,
        to principal: RequestPrincipal,
        owner: AccountID
    ) -> Bool {
        guard publicAccessBlock.restrictPublicBuckets, policy.status.isPublic else { return false }
        return principal.account != owner && principal.service == nil
    }
}
