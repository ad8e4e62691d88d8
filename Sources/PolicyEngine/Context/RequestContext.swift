internal import AccessPointCore

/// Everything a policy can ask about one request: who, which action, on which resources, and the condition keys
/// (spec §4.1 step 3, §4.3).
///
/// Built once per request by the router, then only read: every policy of the chain is evaluated against the same
/// value. IAM compares key names without regard to case: the keys the router fills in are interned
/// (``WellKnownKey``) and read, typed, straight from the request's parts (the source address parsed, ARNs with their
/// colons found, the time as a number), so a policy compiled once reads them without a lookup; a key a caller sets,
/// and any other key, is stored under its lower-cased name. The action is kept lower-cased next to its original
/// spelling for the same reason.
public struct RequestContext: Sendable {
    /// What never changes once the context is built, shared by every copy: copying a context (the router hands it
    /// from stage to stage) is then one retain. It keeps the request's parts as they came, and the keys the router
    /// fills in are read from them when a condition asks (``entry(_:)``), so building a context fills no table.
    private final class Fixed: Sendable {
        let principal: RequestPrincipal
        let action: String
        let target: RequestTarget
        let network: NetworkPath
        let time: RequestTime
        let details: S3RequestDetails
        let lowercasedAction: String
        let front: ResourceName
        let bucket: ResourceName
        /// `s3:DataAccessPointArn`: the target's ARN, rendered when the target was made.
        let dataAccessPointArn: ResourceName
        /// `aws:PrincipalArn`, its colons found once.
        let principalArn: ResourceName?

        init(
            principal: RequestPrincipal,
            action: String,
            lowercasedAction: String,
            target: RequestTarget,
            network: NetworkPath,
            time: RequestTime,
            details: S3RequestDetails,
            objectLevel: Bool
        ) {
            self.lowercasedAction = lowercasedAction
            self.principalArn = principal.arn.map { ResourceName($0) }
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
            // Stored last, each moved in: they are not read above once stored, so nothing is copied.
            self.principal = principal
            self.action = action
            self.target = target
            self.network = network
            self.time = time
            self.details = details
        }

        /// The action lower-cased: actions are ASCII (`s3:GetObject`), lower-cased byte by byte into a small string
        /// (`String.lowercased()` goes through Unicode tables); anything else takes the general path.
        static func lowercased(_ action: String) -> String {
            var action = action
            let count = action.utf8.count
            let ascii: String? = action.withUTF8 { bytes in
                guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
                return String(unsafeUninitializedCapacity: count) { buffer in
                    for index in bytes.indices {
                        let byte = bytes[index]
                        buffer[index] = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
                    }
                    return count
                }
            }
            return ascii ?? action.lowercased()
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

        /// A key the router fills in, read from the request's parts.
        func entry(_ slot: WellKnownKey) -> ContextEntry? {
            func text(_ text: String?) -> ContextEntry? { text.map { .one(.text($0)) } }
            switch slot {
            case .principalAccount: return text(principal.account?.rawValue)
            case .principalArn: return text(principal.arn)
            case .username: return text(principal.userName)
            case .userid: return text(principal.userID)
            case .sourceIp:
                guard !network.isThroughVPCEndpoint, let address = network.sourceIP else { return nil }
                return .one(.address(address))
            case .vpcSourceIp:
                guard network.isThroughVPCEndpoint, let address = network.sourceIP else { return nil }
                return .one(.address(address))
            case .sourceVpc: return text(network.vpc)
            case .sourceVpce: return text(network.vpcEndpoint)
            case .secureTransport: return .one(.bool(network.secureTransport))
            case .dataAccessPointArn: return text(dataAccessPointArn.text)
            case .dataAccessPointAccount: return text(target.frontOwner.rawValue)
            case .accessPointNetworkOrigin:
                guard case .accessPoint = target.front else { return nil }
                return text(target.networkOrigin.rawValue)
            case .resourceAccount: return text(target.bucketOwner.rawValue)
            case .currentTime: return .one(.time(time))
            case .epochTime: return .one(.integer(time.epochSeconds))
            case .prefix: return text(details.prefix)
            case .delimiter: return text(details.delimiter)
            case .maxKeys: return details.maxKeys.map { .one(.integer(Int64($0))) }
            case .cannedACL: return text(details.cannedACL)
            case .authType: return text(details.authType?.rawValue)
            case .signatureVersion: return text(details.signatureVersion)
            case .signatureAge: return details.signatureAgeMilliseconds.map { .one(.integer($0)) }
            case .contentSHA256: return text(details.contentSHA256)
            case .tlsVersion: return text(details.tlsVersion)
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
    /// The ``WellKnownKey``s a caller replaced with ``setValues(_:for:)``, one bit per raw value; their entries are
    /// in `replaced`, which stays empty (and unallocated) until a key is set.
    private var replacedKeys: UInt32 = 0
    private var replaced: [ContextEntry?] = []
    /// Every other key, under its lower-cased name.
    private var otherKeys: [String: [String]] = [:]

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
            lowercasedAction: operation.lowercasedIAMAction,
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
        self.init(
            action: action,
            lowercasedAction: Fixed.lowercased(action),
            objectLevel: objectLevel,
            target: target,
            principal: principal,
            network: network,
            time: time,
            details: details
        )
    }

    private init(
        action: String,
        lowercasedAction: String,
        objectLevel: Bool,
        target: RequestTarget,
        principal: RequestPrincipal,
        network: NetworkPath,
        time: RequestTime,
        details: S3RequestDetails
    ) {
        for (tagKey, value) in details.existingObjectTags {
            otherKeys[ConditionKey.existingObjectTag(tagKey).lowercased()] = [value]
        }
        self.fixed = Fixed(
            principal: principal,
            action: action,
            lowercasedAction: lowercasedAction,
            target: target,
            network: network,
            time: time,
            details: details,
            objectLevel: objectLevel
        )
    }

    /// The values of a condition key, whatever the case of `key`; nil when the request does not carry it.
    public func values(for key: String) -> [String]? { entry(lowercased: key.lowercased())?.texts }

    /// Sets (or, with an empty array, removes) a condition key, for keys the router learns that the standard
    /// initialiser does not know about.
    public mutating func setValues(_ values: [String], for key: String) {
        let name = key.lowercased()
        if let slot = WellKnownKey(lowercased: name) {
            if replaced.isEmpty { replaced = Array(repeating: nil, count: WellKnownKey.allCases.count) }
            replaced[slot.rawValue] = ContextEntry(values)
            replacedKeys |= 1 << slot.rawValue
        } else {
            otherKeys[name] = values.isEmpty ? nil : values
        }
    }

    /// The hot-path lookup: `slot` is the key's interned form when it has one, `key` its lower-cased name.
    func entry(_ slot: WellKnownKey?, lowercased key: String) -> ContextEntry? {
        if let slot { return entry(slot) }
        return otherKeys[key].flatMap(ContextEntry.init)
    }

    /// A key the router fills in, unless a caller replaced it.
    @inline(__always)
    private func entry(_ slot: WellKnownKey) -> ContextEntry? {
        if replacedKeys & 1 << slot.rawValue != 0 { return replaced[slot.rawValue] }
        return fixed.entry(slot)
    }

    /// ``entry(_:lowercased:)`` lent to `body`, as conditions read it.
    @inline(__always)
    func withEntry<Result>(
        _ slot: WellKnownKey?,
        lowercased key: String,
        _ body: (ContextEntry?) -> Result
    ) -> Result {
        if let slot { return body(entry(slot)) }
        return body(otherKeys[key].flatMap(ContextEntry.init))
    }

    /// The ARN-valued key `slot` (`aws:PrincipalArn`, `s3:DataAccessPointArn`) with its colons, as `ArnLike` reads
    /// it; nil when it is not one of those, or a caller replaced it (its text then takes the general path).
    @inline(__always)
    func arn(_ slot: WellKnownKey) -> ResourceName?? {
        guard replacedKeys & 1 << slot.rawValue == 0 else { return nil }
        switch slot {
        case .principalArn: return .some(fixed.principalArn)
        case .dataAccessPointArn: return .some(fixed.dataAccessPointArn)
        default: return nil
        }
    }

    /// The lookup by lower-cased name alone, for policy variables.
    func entry(lowercased key: String) -> ContextEntry? {
        entry(WellKnownKey(lowercased: key), lowercased: key)
    }
}
