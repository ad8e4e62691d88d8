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
    /// What never changes once the context is built. It keeps the request's parts as they came, and the keys the
    /// router fills in are read from them when a condition asks (``Fixed/entry(_:)``), so building a context fills
    /// no table.
    private struct Parts {
        let principal: RequestPrincipal
        let action: String
        let lowercasedAction: String
        /// The operation's ``S3Operation/bit``; 0 for a context built for an explicit action, whose action is then
        /// matched against the patterns.
        let operationBit: UInt64
        let target: RequestTarget
        let network: NetworkPath
        let time: RequestTime
        /// nil for `S3RequestDetails()`, every default (a request signed in its header with SigV4): nothing to
        /// pass, store or release then.
        let details: S3RequestDetails?
        /// The lengths of the texts in the bytes that follow: the front form first (it starts with the front's
        /// ARN, `s3:DataAccessPointArn`, `frontARNCount` bytes), then the bucket form, then the lower-cased action.
        let frontCount: Int
        let frontARNCount: Int
        let bucketCount: Int
        let actionCount: Int
        // The forms' colons are the ARNs', read from the target (``withForms(_:)``): the header is moved twice as
        // it is built, and every byte left out of it is a byte less to move.
    }

    /// The parts and, after them in the same allocation, the UTF-8 of the two resource forms (`…/object/KEY` and
    /// `arn:aws:s3:::BUCKET/KEY`) and of the lower-cased action: building a context is one allocation, a copy of it
    /// is one retain, and a decision reaches every text it matches patterns against through one pointer.
    private final class Fixed: ManagedBuffer<Parts, UInt8> {
        /// The parts are taken over (`consuming`), so building the header copies none of them.
        static func make(
            principal: consuming RequestPrincipal,
            action: consuming String,
            lowercasedAction: consuming String,
            operationBit: UInt64,
            target: consuming RequestTarget,
            network: consuming NetworkPath,
            time: RequestTime,
            details: consuming S3RequestDetails?,
            objectLevel: Bool
        ) -> Fixed {
            // The ARNs and their colons come ready from the target; only the key is appended here. The texts are
            // measured here and copied below where they are, without taking a copy of any of them.
            let hasKey = objectLevel && target.key != nil
            let frontInfix: StaticString = "/object/"
            let bucketInfix: StaticString = "/"
            let keyCount = hasKey ? target.key?.utf8.count ?? 0 : 0
            let frontARNCount = target.frontARN.utf8.count
            let frontCount = frontARNCount + (hasKey ? frontInfix.utf8CodeUnitCount + keyCount : 0)
            let bucketCount = target.bucketARN.utf8.count + (hasKey ? bucketInfix.utf8CodeUnitCount + keyCount : 0)
            let actionCount = lowercasedAction.utf8.count
            // Every part is moved in, none copied: the header is taken out of an optional by the factory.
            var parts: Parts? = Parts(
                principal: principal,
                action: action,
                lowercasedAction: lowercasedAction,
                operationBit: operationBit,
                target: target,
                network: network,
                time: time,
                details: details,
                frontCount: frontCount,
                frontARNCount: frontARNCount,
                bucketCount: bucketCount,
                actionCount: actionCount
            )
            let fixed = unsafeDowncast(
                Fixed.create(minimumCapacity: frontCount + bucketCount + actionCount) { _ in
                    guard let parts = parts.take() else { preconditionFailure("the header is made once") }
                    return parts
                },
                to: Fixed.self
            )
            fixed.withUnsafeMutablePointers { parts, bytes in
                // Read from the header, where the parts now live: each text lends its bytes in place.
                let frontKey = bytes + frontARNCount
                let bucket = bytes + frontCount
                parts.pointee.target.withARNs { frontARN, bucketARN in
                    copyUTF8(frontARN, to: bytes)
                    copyUTF8(bucketARN, to: bucket)
                }
                if hasKey, let key = parts.pointee.target.key {
                    let bucketKey = bucket + (bucketCount - keyCount - bucketInfix.utf8CodeUnitCount)
                    frontKey.initialize(from: frontInfix.utf8Start, count: frontInfix.utf8CodeUnitCount)
                    copyUTF8(key, to: frontKey + frontInfix.utf8CodeUnitCount)
                    bucketKey.initialize(from: bucketInfix.utf8Start, count: bucketInfix.utf8CodeUnitCount)
                    copyUTF8(key, to: bucketKey + bucketInfix.utf8CodeUnitCount)
                }
                copyUTF8(parts.pointee.lowercasedAction, to: bucket + bucketCount)
            }
            return fixed
        }

        /// Copies the UTF-8 of `text` to `destination`, from the string's own storage when it has one.
        @inline(__always)
        private static func copyUTF8(_ text: String, to destination: UnsafeMutablePointer<UInt8>) {
            let copied: Void? = text.utf8.withContiguousStorageIfAvailable { source in
                guard let base = source.baseAddress else { return }
                destination.initialize(from: base, count: source.count)
            }
            if copied == nil {
                for (offset, byte) in text.utf8.enumerated() { (destination + offset).initialize(to: byte) }
            }
        }

        /// Calls `body` with the lower-cased action's bytes.
        @inline(__always)
        func withLowercasedAction<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
            withUnsafeMutablePointers { parts, bytes in
                let start = parts.pointee.frontCount + parts.pointee.bucketCount
                return body(UnsafeBufferPointer(start: bytes + start, count: parts.pointee.actionCount))
            }
        }

        /// Calls `body` with the two resource forms and `s3:DataAccessPointArn`, as bytes of this object.
        @inline(__always)
        func withForms<Result>(
            _ body: (_ front: ResourceBytes, _ bucket: ResourceBytes, _ dataAccessPointArn: ResourceBytes) -> Result
        ) -> Result {
            withUnsafeMutablePointers { parts, bytes in
                let bytes = UnsafePointer(bytes)
                let front = UnsafeBufferPointer(start: bytes, count: parts.pointee.frontCount)
                let bucket = UnsafeBufferPointer(start: bytes + front.count, count: parts.pointee.bucketCount)
                let arn = UnsafeBufferPointer(start: bytes, count: parts.pointee.frontARNCount)
                let frontColons = parts.pointee.target.frontColons
                return body(
                    ResourceBytes(bytes: front, colons: frontColons),
                    ResourceBytes(bytes: bucket, colons: parts.pointee.target.bucketColons),
                    ResourceBytes(bytes: arn, colons: frontColons)
                )
            }
        }

        /// The header, valid while this object lives. Read through it rather than `header`, a class property that
        /// is checked for exclusive access at run time on every read; the `_read` accessors lend each part in place,
        /// so reading `context.principal` copies no string.
        private var parts: UnsafeMutablePointer<Parts> { withUnsafeMutablePointerToHeader { $0 } }

        var principal: RequestPrincipal { _read { yield parts.pointee.principal } }
        var action: String { _read { yield parts.pointee.action } }
        var lowercasedAction: String { _read { yield parts.pointee.lowercasedAction } }
        var target: RequestTarget { _read { yield parts.pointee.target } }
        var network: NetworkPath { _read { yield parts.pointee.network } }
        var time: RequestTime { parts.pointee.time }
        var operationBit: UInt64 { parts.pointee.operationBit }
        /// The request's details, the defaults when the caller gave none (read only for `s3:` keys).
        var details: S3RequestDetails { parts.pointee.details ?? Self.defaultDetails }
        private static let defaultDetails = S3RequestDetails()

        /// The front form, as text (for messages).
        var front: ResourceName { withForms { front, _, _ in ResourceName(front) } }
        var bucket: ResourceName { withForms { _, bucket, _ in ResourceName(bucket) } }

        /// A key the router fills in, read from the request's parts.
        func entry(_ slot: WellKnownKey) -> ContextEntry? {
            if let text = text(slot) { return text.map { .one(.text($0)) } }
            switch slot {
            case .sourceIp, .vpcSourceIp: return address(slot).map { .one(.address($0)) }
            case .secureTransport: return .one(.bool(network.secureTransport))
            case .currentTime: return .one(.time(time))
            case .epochTime: return .one(.integer(time.epochSeconds))
            case .maxKeys: return details.maxKeys.map { .one(.integer(Int64($0))) }
            case .signatureAge: return details.signatureAgeMilliseconds.map { .one(.integer($0)) }
            default: return nil
            }
        }

        /// A text-valued key: `.some(nil)` when the request lacks it, nil when `slot` is not a text-valued key.
        func text(_ slot: WellKnownKey) -> String?? {
            switch slot {
            case .principalAccount: principal.account?.rawValue
            case .principalArn: principal.arn
            case .username: principal.userName
            case .userid: principal.userID
            case .sourceVpc: network.vpc
            case .sourceVpce: network.vpcEndpoint
            case .dataAccessPointArn: target.frontARN
            case .dataAccessPointAccount: target.frontOwner.rawValue
            case .accessPointNetworkOrigin:
                if case .accessPoint = target.front { target.networkOrigin.rawValue } else { .some(nil) }
            case .resourceAccount: target.bucketOwner.rawValue
            case .prefix: details.prefix
            case .delimiter: details.delimiter
            case .cannedACL: details.cannedACL
            case .authType: details.authType?.rawValue
            case .signatureVersion: details.signatureVersion
            case .contentSHA256: details.contentSHA256
            case .tlsVersion: details.tlsVersion
            case .serverSideEncryption: details.writes?.serverSideEncryption
            case .kmsKeyID: details.writes?.kmsKeyID
            case .storageClass: details.writes?.storageClass
            case .ifMatch: details.writes?.ifMatch
            case .ifNoneMatch: details.writes?.ifNoneMatch
            case .sourceIp, .vpcSourceIp, .secureTransport, .currentTime, .epochTime, .maxKeys, .signatureAge: nil
            }
        }

        /// ``text(_:)`` lent to `body` where it lives, without taking a copy of the string; nil, without calling
        /// `body`, when `slot` is not text-valued.
        @inline(__always)
        func withText<Result>(_ slot: WellKnownKey, _ body: (String?) -> Result) -> Result? {
            let parts = parts
            switch slot {
            case .principalAccount: return body(parts.pointee.principal.account?.rawValue)
            case .principalArn: return body(parts.pointee.principal.arn)
            case .username: return body(parts.pointee.principal.userName)
            case .userid: return body(parts.pointee.principal.userID)
            case .sourceVpc: return body(parts.pointee.network.vpc)
            case .sourceVpce: return body(parts.pointee.network.vpcEndpoint)
            case .dataAccessPointAccount: return body(parts.pointee.target.frontOwner.rawValue)
            case .resourceAccount: return body(parts.pointee.target.bucketOwner.rawValue)
            default: return text(slot).map(body)
            }
        }

        /// `aws:SourceIp` (not through an endpoint) or `aws:VpcSourceIp` (through one).
        func address(_ slot: WellKnownKey) -> IPAddress? {
            switch slot {
            case .sourceIp: network.isThroughVPCEndpoint ? nil : network.sourceIP
            case .vpcSourceIp: network.isThroughVPCEndpoint ? network.sourceIP : nil
            default: nil
            }
        }
    }

    public var principal: RequestPrincipal { _read { yield fixed.principal } }
    /// The IAM action, e.g. `s3:GetObject`.
    public var action: String { _read { yield fixed.action } }
    public var target: RequestTarget { _read { yield fixed.target } }
    public var network: NetworkPath { _read { yield fixed.network } }
    /// The resource in the access point (or multi-region access point) form.
    public var frontResource: String { fixed.front.text }
    /// The resource in the bucket form.
    public var bucketResource: String { fixed.bucket.text }

    var lowercasedAction: String { _read { yield fixed.lowercasedAction } }

    /// Whether the caller belongs to the account that owns the access point (or multi-region access point), or the
    /// bucket: the layers' owners, compared where they are stored.
    var callerOwnsFront: Bool { fixed.principal.account == fixed.target.frontOwner }
    var callerOwnsBucket: Bool { fixed.principal.account == fixed.target.bucketOwner }

    /// The ``S3Operation/bit`` of the operation the context was built for; 0 when it was built for an explicit
    /// action.
    var operationBit: UInt64 { fixed.operationBit }

    /// Calls `body` with ``lowercasedAction``'s bytes, as the action patterns read it.
    @inline(__always)
    func withLowercasedAction<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        fixed.withLowercasedAction(body)
    }
    var front: ResourceName { fixed.front }
    var bucket: ResourceName { fixed.bucket }

    /// Never changed once made, so sharing it between tasks is safe (`ManagedBuffer` opts out of `Sendable`
    /// because its contents may change).
    nonisolated(unsafe) private let fixed: Fixed
    /// The ``WellKnownKey``s a caller replaced with ``setValues(_:for:)``, one bit per raw value; their entries are
    /// in `replaced`, which stays empty (and unallocated) until a key is set.
    private var replacedKeys: UInt32 = 0
    private var replaced: [ContextEntry?] = []
    /// Every other key, under its lower-cased name.
    private var otherKeys: [String: [String]] = Dictionary()

    /// The context for `operation`, with its IAM action and resource level from the spec's mapping. `details` nil
    /// stands for `S3RequestDetails()`, and costs nothing to build.
    public init(
        operation: S3Operation,
        target: RequestTarget,
        principal: RequestPrincipal,
        network: NetworkPath,
        time: RequestTime,
        details: S3RequestDetails? = nil
    ) {
        self.init(
            action: operation.iamAction,
            lowercasedAction: operation.lowercasedIAMAction,
            operationBit: operation.bit,
            objectLevel: operation.isObjectLevel,
            target: target,
            principal: principal,
            network: network,
            time: time,
            details: details
        )
    }

    /// The context for an explicit action, e.g. `s3:GetObject` on a copy source; `details` as above.
    public init(
        action: String,
        objectLevel: Bool,
        target: RequestTarget,
        principal: RequestPrincipal,
        network: NetworkPath,
        time: RequestTime,
        details: S3RequestDetails? = nil
    ) {
        self.init(
            action: action,
            lowercasedAction: Self.lowercased(action),
            operationBit: 0,
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
        operationBit: UInt64,
        objectLevel: Bool,
        target: RequestTarget,
        principal: RequestPrincipal,
        network: NetworkPath,
        time: RequestTime,
        details: S3RequestDetails?
    ) {
        if let tags = details?.existingObjectTags, !tags.isEmpty {
            for (tagKey, value) in tags {
                otherKeys[ConditionKey.existingObjectTag(tagKey).lowercased()] = [value]
            }
        }
        self.fixed = Fixed.make(
            principal: consume principal,
            action: consume action,
            lowercasedAction: consume lowercasedAction,
            operationBit: operationBit,
            target: consume target,
            network: consume network,
            time: time,
            details: consume details,
            objectLevel: objectLevel
        )
    }

    /// The action lower-cased: actions are ASCII (`s3:GetObject`), lower-cased byte by byte into a small string
    /// (`String.lowercased()` goes through Unicode tables); anything else takes the general path.
    private static func lowercased(_ action: String) -> String {
        let count = action.utf8.count
        let ascii: String? = action.withUTF8Bytes { bytes in
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

    /// Whether `slot` holds the router's value (no caller replaced it with ``setValues(_:for:)``), so a condition
    /// may read it typed through ``filledText(_:)``, ``filledAddress(_:)`` or ``network``.
    @inline(__always)
    func isFilled(_ slot: WellKnownKey) -> Bool { replacedKeys & 1 << slot.rawValue == 0 }

    /// A filled text-valued key: `.some(nil)` when the request lacks it, nil when `slot` is not text-valued.
    func filledText(_ slot: WellKnownKey) -> String?? { fixed.text(slot) }

    /// ``filledText(_:)`` lent to `body` in place; nil, without calling `body`, when `slot` is not text-valued.
    @inline(__always)
    func withFilledText<Result>(_ slot: WellKnownKey, _ body: (String?) -> Result) -> Result? {
        fixed.withText(slot, body)
    }

    /// A filled `aws:SourceIp` or `aws:VpcSourceIp`; nil when the request lacks it.
    func filledAddress(_ slot: WellKnownKey) -> IPAddress? { fixed.address(slot) }

    /// Calls `body` with the ARN-valued key `slot` (`aws:PrincipalArn`, `s3:DataAccessPointArn`) as bytes with its
    /// colons, as `ArnLike` reads it, or with nil when the request lacks it; returns nil without calling `body` when
    /// `slot` is not one of those or a caller replaced it (its text then takes the general path).
    @inline(__always)
    func withARN<Result>(_ slot: WellKnownKey, _ body: (ResourceBytes?) -> Result) -> Result? {
        guard replacedKeys & 1 << slot.rawValue == 0 else { return nil }
        switch slot {
        case .principalArn:
            // Its colons are found only when an `ArnLike` reads it: most requests meet none.
            guard let arn = fixed.principal.arn else { return body(nil) }
            return ResourceName(arn).withBytes(body)
        case .dataAccessPointArn: return fixed.withForms { _, _, arn in body(arn) }
        default: return nil
        }
    }

    /// Calls `body` with the two resource forms' bytes, reached once for a whole decision.
    @inline(__always)
    func withResources<Result>(_ body: (_ front: ResourceBytes, _ bucket: ResourceBytes) -> Result) -> Result {
        fixed.withForms { front, bucket, _ in body(front, bucket) }
    }

    /// The lookup by lower-cased name alone, for policy variables.
    func entry(lowercased key: String) -> ContextEntry? {
        entry(WellKnownKey(lowercased: key), lowercased: key)
    }
}
