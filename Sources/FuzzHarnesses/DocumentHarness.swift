import AccessPointCore
import PolicyEngine

/// The documents a client sends in a request's body: XML (every body the servers read: `XMLDocumentParser`) and
/// IAM policies (`PolicyDocument`, the JSON of Put…Policy).
enum DocumentHarness {
    /// Parses the input as XML. The parser's promise is no trap and a depth of at most
    /// `XMLDocumentParser.maximumDepth`.
    static func xml(_ input: UnsafeRawBufferPointer) {
        guard let parsed = try? XMLDocumentParser.parse(Array(input)) else { return }
        require(depth(parsed) <= XMLDocumentParser.maximumDepth, "a document deeper than the parser allows")
    }

    private static func depth(_ node: ParsedXML) -> Int {
        1 + (node.children.map(depth).max() ?? 0)
    }

    /// Compiles the input as a policy of the kind its first byte picks; one that compiles is decided for a GET of an
    /// object through a VPC access point and for a ListBucket through an internet one, and the same request is decided
    /// alike when asked again (the decision keeps no state between requests). Policies are text, so inputs that are
    /// not UTF-8 are left to the XML harness.
    static func policy(_ input: UnsafeRawBufferPointer) {
        guard let first = input.first else { return }
        let kind = PolicyKind.allCases[Int(first) % PolicyKind.allCases.count]
        guard let text = String(validating: input.dropFirst(), as: UTF8.self),
            let document = try? PolicyDocument(parsing: text, kind: kind)
        else { return }
        var policies = AuthorizationPolicies()
        switch kind {
        case .accessPoint: policies.accessPointPolicy = document
        case .bucket: policies.bucketPolicy = document
        case .vpcEndpoint: policies.vpcEndpointPolicy = document
        case .multiRegionAccessPoint: policies.multiRegionAccessPointPolicy = document
        case .identity: policies.identityPolicies = [document]
        }
        for context in contexts {
            let decision = policies.authorize(context)
            require(policies.authorize(context) == decision, "the same request decided otherwise the second time")
        }
    }

    static let contexts: [RequestContext] = {
        guard let privateIP = IPAddress("127.0.10.5"), let publicIP = IPAddress("127.0.20.5") else {
            preconditionFailure("the policy harness's addresses do not parse")
        }
        do {
            let owner = try AccountID(validating: "123456789012")
            let region = try Region(validating: "us-west-2")
            let bucket = try BucketName(validating: "example-bucket")
            let time = RequestTime(epochSeconds: 1_795_694_400)
            let alice = RequestPrincipal.user("alice", account: owner, userID: "AIDAALICE")
            let vpcAccessPoint = AccessPointARN(
                region: region,
                account: owner,
                name: try AccessPointName(validating: "vpc-ap")
            )
            let internetAccessPoint = AccessPointARN(
                region: region,
                account: owner,
                name: try AccessPointName(validating: "internet-ap")
            )
            return [
                RequestContext(
                    operation: .getObject,
                    target: RequestTarget(
                        front: .accessPoint(vpcAccessPoint),
                        bucket: bucket,
                        bucketOwner: owner,
                        networkOrigin: .vpc,
                        key: "Jane/report.csv"
                    ),
                    principal: alice,
                    network: .vpcEndpoint("vpce-1a2b3c4d", vpc: "vpc-1a2b3c", privateIP: privateIP),
                    time: time
                ),
                RequestContext(
                    operation: .listObjectsV2,
                    target: RequestTarget(
                        front: .accessPoint(internetAccessPoint),
                        bucket: bucket,
                        bucketOwner: owner,
                        networkOrigin: .internet,
                        key: nil
                    ),
                    principal: alice,
                    network: .internet(publicIP),
                    time: time
                ),
            ]
        } catch {
            preconditionFailure("the policy harness's requests do not build: \(error)")
        }
    }()
}
