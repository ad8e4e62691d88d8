import AccessPointCore
import PolicyEngine

/// Issue 6's figure: decisions per second for one request against a chain of 3 policies of 5 statements each, every
/// statement with conditions (target: under 2 µs per decision).
///
/// The request is alice's GetObject of `Jane/report.csv` through access point `reports`, arriving through a VPC
/// endpoint, so the chain is the access point policy, the bucket policy (delegating to the owner's access points)
/// and the endpoint policy, which is evaluated on both resource forms: 4 policy scans, 20 statements. The conditions
/// use StringLike, IpAddress, Bool `aws:SecureTransport`, StringEquals `s3:DataAccessPointAccount` and ArnLike;
/// most statements match action and resource so their conditions are really evaluated, and the request is allowed,
/// so every layer is consulted. `decision` evaluates a context built once (the router builds one per request and
/// reads it for each policy); `request` builds the ``RequestContext`` each time as well.
enum PolicyCase {
    static let accessPointPolicy = #"""
        {"Version":"2012-10-17","Statement":[
          {"Sid":"DenyPlainHTTP","Effect":"Deny","Principal":"*","Action":"s3:*",
           "Resource":["arn:aws:s3:us-west-2:111122223333:accesspoint/reports",
                       "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/*"],
           "Condition":{"Bool":{"aws:SecureTransport":"false"}}},
          {"Sid":"DenyConfidential","Effect":"Deny","Principal":"*","Action":"s3:GetObject",
           "Resource":"arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Confidential/*",
           "Condition":{"StringLike":{"aws:userid":"AIDA*"}}},
          {"Sid":"JaneObjectsFromTheVPC","Effect":"Allow","Principal":{"AWS":"111122223333"},
           "Action":["s3:GetObject","s3:PutObject"],
           "Resource":"arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Jane/*",
           "Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/*"},
                        "IpAddress":{"aws:VpcSourceIp":["10.0.0.0/16","192.168.0.0/24"]}}},
          {"Sid":"JaneListing","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},
           "Action":"s3:ListBucket","Resource":"arn:aws:s3:us-west-2:111122223333:accesspoint/reports",
           "Condition":{"StringLike":{"s3:prefix":"Jane/*"}}},
          {"Sid":"Roles","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject",
           "Resource":"arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/*",
           "Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/*"}}}
        ]}
        """#

    static let bucketPolicy = #"""
        {"Version":"2012-10-17","Statement":[
          {"Sid":"DenyPlainHTTP","Effect":"Deny","Principal":"*","Action":"s3:*",
           "Resource":["arn:aws:s3:::reports-bucket","arn:aws:s3:::reports-bucket/*"],
           "Condition":{"Bool":{"aws:SecureTransport":"false"}}},
          {"Sid":"DelegateToOwnAccessPoints","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*",
           "Resource":["arn:aws:s3:::reports-bucket","arn:aws:s3:::reports-bucket/*"],
           "Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}},
          {"Sid":"NoPublicACLs","Effect":"Deny","Principal":"*","Action":"s3:PutObject",
           "Resource":"arn:aws:s3:::reports-bucket/*",
           "Condition":{"StringLike":{"s3:x-amz-acl":"public-*"}}},
          {"Sid":"PublicFolderFromTheOffice","Effect":"Allow","Principal":"*","Action":"s3:GetObject",
           "Resource":"arn:aws:s3:::reports-bucket/Public/*",
           "Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}},
          {"Sid":"NoForeignAccessPoints","Effect":"Deny","Principal":"*","Action":"s3:*",
           "Resource":"arn:aws:s3:::reports-bucket/*",
           "Condition":{"ArnLike":{"s3:DataAccessPointArn":"arn:aws:s3:*:444455556666:accesspoint/*"}}}
        ]}
        """#

    static let vpcEndpointPolicy = #"""
        {"Version":"2012-10-17","Statement":[
          {"Sid":"ReadsThroughOwnAccessPoints","Effect":"Allow","Principal":"*","Action":"s3:GetObject",
           "Resource":["arn:aws:s3:::reports-bucket/*",
                       "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/*"],
           "Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"},
                        "Bool":{"aws:SecureTransport":"true"}}},
          {"Sid":"WritesFromTheSubnet","Effect":"Allow","Principal":"*","Action":"s3:PutObject",
           "Resource":["arn:aws:s3:::reports-bucket/*",
                       "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/*"],
           "Condition":{"IpAddress":{"aws:VpcSourceIp":"10.0.1.0/24"}}},
          {"Sid":"DenyPlainHTTP","Effect":"Deny","Principal":"*","Action":"*","Resource":"*",
           "Condition":{"Bool":{"aws:SecureTransport":"false"}}},
          {"Sid":"DenySecrets","Effect":"Deny","Principal":"*","Action":"s3:GetObject",
           "Resource":["arn:aws:s3:::reports-bucket/Secret/*",
                       "arn:aws:s3:us-west-2:111122223333:accesspoint/reports/object/Secret/*"],
           "Condition":{"StringLike":{"aws:PrincipalArn":"*"}}},
          {"Sid":"ListingThroughOwnAccessPoints","Effect":"Allow","Principal":"*","Action":"s3:ListBucket",
           "Resource":"*",
           "Condition":{"ArnLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-west-2:111122223333:accesspoint/*"}}}
        ]}
        """#

    static func variants() -> [Variant] {
        let policies: AuthorizationPolicies
        let makeContext: () -> RequestContext
        do {
            let owner = try AccountID(validating: "111122223333")
            let accessPoint = AccessPointARN(
                region: try Region(validating: "us-west-2"),
                account: owner,
                name: try AccessPointName(validating: "reports")
            )
            let target = RequestTarget(
                front: .accessPoint(accessPoint),
                bucket: try BucketName(validating: "reports-bucket"),
                bucketOwner: owner,
                networkOrigin: .vpc,
                key: "Jane/report.csv"
            )
            guard let privateIP = IPAddress("10.0.1.25") else { fail("the private address does not parse") }
            let principal = RequestPrincipal.user("alice", account: owner, userID: "AIDAALICE")
            let network = NetworkPath.vpcEndpoint("vpce-1a2b3c4d", vpc: "vpc-1a2b3c", privateIP: privateIP)
            let time = RequestTime(epochSeconds: 1_795_694_400)
            makeContext = {
                RequestContext(
                    operation: .getObject,
                    target: target,
                    principal: principal,
                    network: network,
                    time: time
                )
            }
            policies = AuthorizationPolicies(
                accessPointPolicy: try PolicyDocument(parsing: accessPointPolicy, kind: .accessPoint),
                bucketPolicy: try PolicyDocument(parsing: bucketPolicy, kind: .bucket),
                vpcEndpointPolicy: try PolicyDocument(parsing: vpcEndpointPolicy, kind: .vpcEndpoint)
            )
        } catch {
            fail("the policy case's fixtures do not parse: \(error)")
        }
        let context = makeContext()
        let decision = policies.authorize(context)
        guard decision.isAllowed, case .allowed(let grants) = decision.reason, grants.count == 3 else {
            fail("the policy case's request should be allowed by all three layers, but: \(decision)")
        }

        return [
            Variant(name: "decision", operation: "decision", bytesPerOperation: nil) { n in
                authorizeLoop(n, policies: policies) { context }
            },
            Variant(name: "request", operation: "decision", bytesPerOperation: nil) { n in
                authorizeLoop(n, policies: policies, context: makeContext)
            },
        ]
    }

    /// `n` decisions, each on the context `context` returns; folds each decision's grant count into the checksum.
    @inline(never)
    static func authorizeLoop(
        _ n: Int,
        policies: AuthorizationPolicies,
        context: () -> RequestContext
    ) -> UInt64 {
        var checksum: UInt64 = 0
        for _ in 0..<n {
            let decision = policies.authorize(context())
            if case .allowed(let grants) = decision.reason { checksum &+= UInt64(grants.count) }
        }
        return checksum
    }
}
