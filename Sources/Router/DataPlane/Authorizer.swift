import AccessPointCore
import PolicyEngine
import S3Auth
import S3HTTP

/// Builds the policy engine's request context for one authenticated request and decides it against every policy
/// that applies (spec §4.1): the access point's or multi-region access point's, the bucket's, the caller's identity
/// policies and, through a VPC endpoint, the endpoint's.
struct Authorizer: Sendable {
    let table: RouterTable
    let principal: RequestPrincipal
    let identityPolicies: [PolicyDocument]
    let network: NetworkPath
    let endpointPolicy: PolicyDocument?
    let time: RequestTime
    let details: S3RequestDetails

    /// Given the parts of the authentication it reads: passed the whole, a struct of a dozen fields, the caller
    /// (an async function) copied it to hand it over.
    init(
        table: RouterTable,
        identity: SigV4Identity,
        signature: (
            location: SigV4Authentication.Location, algorithm: SigV4Authentication.Algorithm, signedAt: AmzDate
        ),
        method: String,
        tlsVersion: String?,
        query: [(name: String, value: String)],
        headers: S3Headers,
        network: NetworkPath,
        time: RequestTime
    ) {
        func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
        self.table = table
        let user = table.lab.users[identity.userARN]
        // The lab's principal for this ARN, made when the router started, unless the credential names the user
        // otherwise (it does not: both come from the same lab).
        if let user, user.principal.userName == identity.userName, user.principal.account == identity.accountID {
            self.principal = user.principal
        } else {
            self.principal = .user(identity.userName, account: identity.accountID)
        }
        self.identityPolicies = user?.policies ?? []
        self.network = network
        self.endpointPolicy = network.vpcEndpoint.flatMap { _ in
            network.sourceIP.flatMap { table.vpc(containing: $0)?.endpoint?.policy }
        }
        self.time = time
        self.details = S3RequestDetails(
            prefix: value("prefix"),
            delimiter: value("delimiter"),
            maxKeys: value("max-keys").flatMap { Int($0) },
            cannedACL: headers["x-amz-acl"],
            authType: signature.location == .header ? .header : .queryString,
            signatureVersion: signature.algorithm.name,
            // `s3:signatureAge`: how long ago the request was signed (a presigned URL's age), in milliseconds.
            signatureAgeMilliseconds: max(0, time.epochSeconds - signature.signedAt.secondsSince1970) * 1000,
            contentSHA256: headers["x-amz-content-sha256"],
            tlsVersion: tlsVersion,
            // Reads carry none of these: their fields are not looked through for them.
            writes: method == "GET" || method == "HEAD"
                ? nil
                : S3RequestDetails.WriteDetails(
                    serverSideEncryption: headers["x-amz-server-side-encryption"],
                    kmsKeyID: headers["x-amz-server-side-encryption-aws-kms-key-id"],
                    storageClass: headers["x-amz-storage-class"],
                    ifMatch: headers["If-Match"],
                    ifNoneMatch: headers["If-None-Match"]
                )
        )
    }

    func authorize(
        _ operation: S3Operation,
        front: Front,
        route: Front.Route,
        bucket: RouterTable.Bucket,
        policies: AuthorizationPolicies,
        key: String?,
        existingObjectTags: [String: String] = [:]
    ) -> AuthorizationDecision {
        // The details are copied only when tags are added to them (the request context keeps a copy either way).
        func tagged() -> S3RequestDetails {
            var details = details
            details.existingObjectTags = existingObjectTags
            return details
        }
        let context = RequestContext(
            operation: operation,
            target: target(route, front, bucket, key),
            principal: principal,
            network: network,
            time: time,
            details: existingObjectTags.isEmpty ? details : tagged()
        )
        return policies.authorize(context)
    }

    /// The source of a CopyObject or UploadPartCopy: it must be an object behind an access point (its ARN, or
    /// its alias as the bucket), and the caller needs `s3:GetObject` on it through that access point.
    ///
    /// - Returns: the copy source as the store names it, `bucket/key` with the key URI-encoded.
    func authorizeCopySource(
        _ header: String,
        sameStoreAs bucket: RouterTable.Bucket,
        expectedOwner: String?,
        explain: Bool
    ) throws(S3Error) -> String {
        guard let decoded = PercentDecoding.decode(header) else {
            throw S3Error.invalidArgument.because("x-amz-copy-source is not valid percent-encoded UTF-8.")
        }
        var source = decoded.hasPrefix("/") ? String(decoded.dropFirst()) : decoded
        var version = ""
        if let mark = source.firstRange(of: "?versionId=") {
            // Encoded again for the store: decoded, it could hold a line break (header injection) or a `+`.
            version = "?versionId=" + CanonicalQuery.uriEncode(source[mark.upperBound...].utf8, keepingSlash: false)
            source = String(source[..<mark.lowerBound])
        }
        let accessPoint: RouterTable.AccessPoint?
        let key: String
        if source.hasPrefix("arn:") {
            guard case .accessPointObject(let arn, let objectKey)? = try? S3ResourceARN(parsing: source) else {
                throw S3Error.invalidArgument.because(
                    "x-amz-copy-source must name an object through an access point: arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME/object/KEY."
                )
            }
            accessPoint = table.accessPoint(named: arn.name, account: arn.account, region: arn.region)
            key = objectKey
        } else {
            guard let slash = source.firstIndex(of: "/") else {
                throw S3Error.invalidArgument.because(
                    "x-amz-copy-source must be ACCESS-POINT-ARN/object/KEY or ALIAS/KEY."
                )
            }
            accessPoint = table.accessPoint(alias: String(source[..<slash]))
            key = String(source[source.index(after: slash)...])
        }
        guard let accessPoint, let sourceBucket = accessPoint.bucket else {
            throw S3Error.noSuchAccessPoint.because("The copy source's access point does not exist.")
        }
        if let expectedOwner, expectedOwner != sourceBucket.owner.rawValue {
            throw explain
                ? S3Error.accessDenied.because(
                    "The copy source's bucket owner is not the x-amz-source-expected-bucket-owner account."
                ) : .accessDenied
        }
        let front = accessPoint.front
        if let required = front.vpcId, network.vpc != required {
            throw S3Error.accessDenied.because("The request did not come from the copy source access point's VPC.")
        }
        let decision = policies(front: front, bucket: sourceBucket).authorize(
            RequestContext(
                action: "s3:GetObject",
                objectLevel: true,
                target: target(front.routes.first, front, sourceBucket, key),
                principal: principal,
                network: network,
                time: time,
                details: details
            )
        )
        guard decision.isAllowed else { throw S3Error.accessDenied }
        return "\(sourceBucket.name)/\(CanonicalQuery.uriEncode(key, keepingSlash: true))\(version)"
    }

    /// The snapshot's target for the route with this request's key: no ARN is rendered per request.
    private func target(
        _ route: Front.Route?,
        _ front: Front,
        _ bucket: RouterTable.Bucket,
        _ key: String?
    ) -> RequestTarget {
        if var target = route?.target, target.bucket == bucket.name {
            target.key = key
            return target
        }
        return RequestTarget(
            front: front.requestFront,
            bucket: bucket.name,
            bucketOwner: bucket.owner,
            networkOrigin: front.vpcId == nil ? .internet : .vpc,
            key: key
        )
    }

    /// The policies that decide `front`'s requests to `bucket`: made once per route, for `authorize` and for
    /// asking whether the object's stored tags are needed (`readExistingObjectTags`).
    func policies(front: Front, bucket: RouterTable.Bucket) -> AuthorizationPolicies {
        AuthorizationPolicies(
            accessPointPolicy: front.isMultiRegion ? nil : front.policy,
            multiRegionAccessPointPolicy: front.isMultiRegion ? front.policy : nil,
            bucketPolicy: bucket.policy,
            identityPolicies: identityPolicies,
            vpcEndpointPolicy: endpointPolicy,
            publicAccessBlock: front.publicAccessBlock
        )
    }
}
