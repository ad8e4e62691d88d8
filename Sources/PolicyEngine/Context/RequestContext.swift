internal import AccessPointCore

/// Everything a policy can ask about one request: who, which action, on which resources, and the condition keys
/// (spec §4.1 step 3, §4.3).
///
/// Built once per request by the router, then only read: every policy of the chain is evaluated against the same
/// value. Condition keys are stored under lower-cased names because IAM compares key names without regard to case;
/// the action is kept lower-cased next to its original spelling for the same reason.
public struct RequestContext: Sendable {
    public let principal: RequestPrincipal
    /// The IAM action, e.g. `s3:GetObject`.
    public let action: String
    public let target: RequestTarget
    public let network: NetworkPath
    /// The resource in the access point (or multi-region access point) form.
    public var frontResource: String { front.text }
    /// The resource in the bucket form.
    public var bucketResource: String { bucket.text }

    let lowercasedAction: String
    let front: ResourceName
    let bucket: ResourceName
    private var keys: [String: [String]]

    /// The context for `operation`, with its IAM action and resource level from the spec's mapping.
    public init(
        operation: S3Operation,
        target: RequestTarget,
        principal: RequestPrincipal,
        network: NetworkPath,
        time: RequestTime,
        details: S3RequestDetails = S3RequestDetails()
    ) {
        self.init(
            action: operation.iamAction,
            objectLevel: operation.isObjectLevel,
            target: target,
            principal: principal,
            network: network,
            time: time,
            details: details
        )
    }

    /// The context for an explicit action, e.g. `s3:GetObject` on a copy source.
    public init(
        action: String,
        objectLevel: Bool,
        target: RequestTarget,
        principal: RequestPrincipal,
        network: NetworkPath,
        time: RequestTime,
        details: S3RequestDetails = S3RequestDetails()
    ) {
        self.principal = principal
        self.action = action
        self.lowercasedAction = action.lowercased()
        self.target = target
        self.network = network
        self.front = ResourceName(target.frontResource(objectLevel: objectLevel))
        self.bucket = ResourceName(target.bucketResource(objectLevel: objectLevel))
        self.keys = [:]
        fillIdentityKeys()
        fillNetworkKeys()
        fillTargetKeys()
        fillTimeKeys(time)
        fillRequestKeys(details)
    }

    /// The values of a condition key, whatever the case of `key`; nil when the request does not carry it.
    public func values(for key: String) -> [String]? { keys[key.lowercased()] }

    /// Sets (or, with an empty array, removes) a condition key, for keys the router learns that the standard
    /// initialiser does not know about.
    public mutating func setValues(_ values: [String], for key: String) {
        keys[key.lowercased()] = values.isEmpty ? nil : values
    }

    /// The hot-path lookup: `key` is already lower-cased by the policy compiler.
    func lowercasedKeyValues(_ key: String) -> [String]? { keys[key] }

    private mutating func set(_ key: String, _ value: String?) {
        if let value { keys[key.lowercased()] = [value] }
    }

    private mutating func fillIdentityKeys() {
        set(ConditionKey.principalAccount, principal.account?.rawValue)
        set(ConditionKey.principalArn, principal.arn)
        set(ConditionKey.username, principal.userName)
        set(ConditionKey.userid, principal.userID)
    }

    private mutating func fillNetworkKeys() {
        let address = network.sourceIP?.description
        set(network.isThroughVPCEndpoint ? ConditionKey.vpcSourceIp : ConditionKey.sourceIp, address)
        set(ConditionKey.sourceVpc, network.vpc)
        set(ConditionKey.sourceVpce, network.vpcEndpoint)
        set(ConditionKey.secureTransport, network.secureTransport ? "true" : "false")
    }

    private mutating func fillTargetKeys() {
        set(ConditionKey.dataAccessPointArn, target.frontARN)
        set(ConditionKey.dataAccessPointAccount, target.frontOwner.rawValue)
        if case .accessPoint = target.front {
            set(ConditionKey.accessPointNetworkOrigin, target.networkOrigin.rawValue)
        }
        set(ConditionKey.resourceAccount, target.bucketOwner.rawValue)
    }

    private mutating func fillTimeKeys(_ time: RequestTime) {
        set(ConditionKey.currentTime, time.iso8601)
        set(ConditionKey.epochTime, String(time.epochSeconds))
    }

    private mutating func fillRequestKeys(_ details: S3RequestDetails) {
        set(ConditionKey.prefix, details.prefix)
        set(ConditionKey.delimiter, details.delimiter)
        set(ConditionKey.maxKeys, details.maxKeys.map(String.init))
        set(ConditionKey.cannedACL, details.cannedACL)
        for (tagKey, value) in details.existingObjectTags { set(ConditionKey.existingObjectTag(tagKey), value) }
        set(ConditionKey.authType, details.authType?.rawValue)
        set(ConditionKey.signatureVersion, details.signatureVersion)
        set(ConditionKey.signatureAge, details.signatureAgeMilliseconds.map { String($0) })
        set(ConditionKey.contentSHA256, details.contentSHA256)
        set(ConditionKey.tlsVersion, details.tlsVersion)
    }
}
