internal import AccessPointCore

/// Everything a policy can ask about one request: who, which action, on which resources, and the condition keys
/// (spec §4.1 step 3, §4.3).
///
/// Built once per request by the router, then only read: every policy of the chain is evaluated against the same
/// value. IAM compares key names without regard to case: the keys the router fills in are interned
/// (``WellKnownKey``) and hold typed values (the source address parsed, ARNs split, the time as a number), so a
/// policy compiled once reads them by index; any other key is stored under its lower-cased name. The action is kept
/// lower-cased next to its original spelling for the same reason.
public struct RequestContext: Sendable {
    /// What never changes once the context is built, shared by every copy: copying a context (the router hands it
    /// from stage to stage) is then a few retains, not one per string.
    private final class Fixed: Sendable {
        let principal: RequestPrincipal
        let action: String
        let target: RequestTarget
        let network: NetworkPath
        let lowercasedAction: String
        let front: ResourceName
        let bucket: ResourceName
        /// `s3:DataAccessPointArn`: the target's ARN, rendered when the target was made.
        let dataAccessPointArn: ResourceName

        init(
            principal: RequestPrincipal,
            action: String,
            target: RequestTarget,
            network: NetworkPath,
            objectLevel: Bool
        ) {
            self.principal = principal
            self.action = action
            self.target = target
            self.network = network
            self.lowercasedAction = action.lowercased()
            // The ARNs and their colons come ready from the target; only the key is appended here, each form one
            // allocation (none without a key).
            let frontARN = target.frontARN
            let bucketARN = target.bucketARN
            self.dataAccessPointArn = ResourceName(frontARN, colons: target.frontColons)
            if objectLevel, let key = target.key {
                self.front = ResourceName(Self.joined(frontARN, "/object/", key), colons: target.frontColons)
                self.bucket = ResourceName(Self.joined(bucketARN, "/", key), colons: target.bucketColons)
            } else {
                self.front = dataAccessPointArn
                self.bucket = ResourceName(bucketARN, colons: target.bucketColons)
            }
        }

        /// `head + infix + tail` in one allocation, each part copied once (interpolation grows the string as it goes).
        private static func joined(_ head: String, _ infix: StaticString, _ tail: String) -> String {
            var head = head
            var tail = tail
            let count = head.utf8.count + infix.utf8CodeUnitCount + tail.utf8.count
            return String(unsafeUninitializedCapacity: count) { buffer in
                var written = 0
                func append(_ bytes: UnsafeBufferPointer<UInt8>) {
                    guard let source = bytes.baseAddress, let target = buffer.baseAddress else { return }
                    (target + written).initialize(from: source, count: bytes.count)
                    written += bytes.count
                }
                head.withUTF8(append)
                infix.withUTF8Buffer(append)
                tail.withUTF8(append)
                return written
            }
        }
    }

    public var principal: RequestPrincipal { fixed.principal }
    /// The IAM action, e.g. `s3:GetObject`.
    public var action: String { fixed.action }
    public var target: RequestTarget { fixed.target }
    public var network: NetworkPath { fixed.network }
    /// The resource in the access point (or multi-region access point) form.
    public var frontResource: String { fixed.front.text }
    /// The resource in the bucket form.
    public var bucketResource: String { fixed.bucket.text }

    var lowercasedAction: String { fixed.lowercasedAction }
    var front: ResourceName { fixed.front }
    var bucket: ResourceName { fixed.bucket }

    private let fixed: Fixed
    /// One entry per ``WellKnownKey``, indexed by its raw value.
    private var slots: [ContextEntry?]
    /// Every other key, under its lower-cased name.
    private var otherKeys: [String: [String]]

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
        self.fixed = Fixed(
            principal: principal,
            action: action,
            target: target,
            network: network,
            objectLevel: objectLevel
        )
        self.slots = Array(repeating: nil, count: WellKnownKey.allCases.count)
        self.otherKeys = [:]
        fillIdentityKeys()
        fillNetworkKeys()
        fillTargetKeys()
        set(.currentTime, .time(time))
        set(.epochTime, .integer(time.epochSeconds))
        fillRequestKeys(details)
    }

    /// The values of a condition key, whatever the case of `key`; nil when the request does not carry it.
    public func values(for key: String) -> [String]? { entry(lowercased: key.lowercased())?.texts }

    /// Sets (or, with an empty array, removes) a condition key, for keys the router learns that the standard
    /// initialiser does not know about.
    public mutating func setValues(_ values: [String], for key: String) {
        let name = key.lowercased()
        if let slot = WellKnownKey(lowercased: name) {
            slots[slot.rawValue] = ContextEntry(values)
        } else {
            otherKeys[name] = values.isEmpty ? nil : values
        }
    }

    /// The hot-path lookup: `slot` is the key's interned form when it has one, `key` its lower-cased name.
    func entry(_ slot: WellKnownKey?, lowercased key: String) -> ContextEntry? {
        if let slot { return slots[slot.rawValue] }
        return otherKeys[key].flatMap(ContextEntry.init)
    }

    /// ``entry(_:lowercased:)`` read in place, as conditions read it: the entry is lent to `body` from the slot
    /// array instead of being copied out and destroyed for every clause.
    @inline(__always)
    func withEntry<Result>(
        _ slot: WellKnownKey?,
        lowercased key: String,
        _ body: (ContextEntry?) -> Result
    ) -> Result {
        if let slot { return slots.withUnsafeBufferPointer { body($0[slot.rawValue]) } }
        return body(otherKeys[key].flatMap(ContextEntry.init))
    }

    /// The lookup by lower-cased name alone, for policy variables.
    func entry(lowercased key: String) -> ContextEntry? {
        entry(WellKnownKey(lowercased: key), lowercased: key)
    }

    private mutating func set(_ slot: WellKnownKey, _ value: ContextValue?) {
        if let value { slots[slot.rawValue] = .one(value) }
    }

    private mutating func set(_ slot: WellKnownKey, _ text: String?) {
        if let text { slots[slot.rawValue] = .one(.text(text)) }
    }

    private mutating func fillIdentityKeys() {
        set(.principalAccount, principal.account?.rawValue)
        set(.principalArn, principal.arn.map { ContextValue.arn(ResourceName($0)) })
        set(.username, principal.userName)
        set(.userid, principal.userID)
    }

    private mutating func fillNetworkKeys() {
        set(network.isThroughVPCEndpoint ? .vpcSourceIp : .sourceIp, network.sourceIP.map(ContextValue.address))
        set(.sourceVpc, network.vpc)
        set(.sourceVpce, network.vpcEndpoint)
        set(.secureTransport, .bool(network.secureTransport))
    }

    private mutating func fillTargetKeys() {
        set(.dataAccessPointArn, .arn(fixed.dataAccessPointArn))
        set(.dataAccessPointAccount, target.frontOwner.rawValue)
        if case .accessPoint = target.front {
            set(.accessPointNetworkOrigin, target.networkOrigin.rawValue)
        }
        set(.resourceAccount, target.bucketOwner.rawValue)
    }

    private mutating func fillRequestKeys(_ details: S3RequestDetails) {
        set(.prefix, details.prefix)
        set(.delimiter, details.delimiter)
        set(.maxKeys, details.maxKeys.map { ContextValue.integer(Int64($0)) })
        set(.cannedACL, details.cannedACL)
        for (tagKey, value) in details.existingObjectTags {
            otherKeys[ConditionKey.existingObjectTag(tagKey).lowercased()] = [value]
        }
        set(.authType, details.authType?.rawValue)
        set(.signatureVersion, details.signatureVersion)
        set(.signatureAge, details.signatureAgeMilliseconds.map(ContextValue.integer))
        set(.contentSHA256, details.contentSHA256)
        set(.tlsVersion, details.tlsVersion)
    }
}
