internal import AccessPointCore

/// One value of a condition key, kept in the form its operators read: the router's source address stays an
/// `IPAddress`, the time stays a number. (The ARN-valued keys are text here; `ArnLike` and `ArnEquals` read them
/// with their colons already found, through ``RequestContext/arn(_:)``.) Operators that want text get
/// exactly the string the key always had (`description`, `iso8601`, `"true"`), made only when asked for.
enum ContextValue: Sendable {
    case text(String)
    /// `aws:SourceIp`, `aws:VpcSourceIp`.
    case address(IPAddress)
    /// `aws:SecureTransport`.
    case bool(Bool)
    /// `aws:CurrentTime`.
    case time(RequestTime)
    /// `aws:EpochTime`, `s3:max-keys`, `s3:signatureAge`.
    case integer(Int64)

    /// The value as the policy language writes it.
    var text: String {
        switch self {
        case .text(let text): text
        case .address(let address): address.description
        case .bool(let value): value ? "true" : "false"
        case .time(let time): time.iso8601
        case .integer(let value): String(value)
        }
    }
}

/// What a request carries under one condition key: one value (everything the router fills in), or the list a
/// caller set with `setValues(_:for:)`.
enum ContextEntry: Sendable {
    case one(ContextValue)
    case many([String])

    init?(_ values: [String]) {
        switch values.count {
        case 0: return nil
        case 1: self = .one(.text(values[0]))
        default: self = .many(values)
        }
    }

    var texts: [String] {
        switch self {
        case .one(let value): [value.text]
        case .many(let values): values
        }
    }

    var firstText: String? {
        switch self {
        case .one(let value): value.text
        case .many(let values): values.first
        }
    }
}

/// The condition keys the router fills in itself (``ConditionKey``), interned: a policy's key is mapped to its
/// slot once, when the policy is compiled, so evaluation reads the request's field for it instead of hashing the
/// key's name.
enum WellKnownKey: Int, CaseIterable, Sendable {
    case principalAccount, principalArn, username, userid
    case sourceIp, vpcSourceIp, sourceVpc, sourceVpce, secureTransport
    case dataAccessPointArn, dataAccessPointAccount, accessPointNetworkOrigin, resourceAccount
    case currentTime, epochTime
    case prefix, delimiter, maxKeys, cannedACL, authType, signatureVersion, signatureAge, contentSHA256, tlsVersion
    case serverSideEncryption, kmsKeyID, storageClass, ifMatch, ifNoneMatch

    /// The slot of a lower-cased key name; nil for keys the router does not fill in.
    init?(lowercased name: String) {
        guard let key = Self.byName[name] else { return nil }
        self = key
    }

    var name: String {
        switch self {
        case .principalAccount: ConditionKey.principalAccount
        case .principalArn: ConditionKey.principalArn
        case .username: ConditionKey.username
        case .userid: ConditionKey.userid
        case .sourceIp: ConditionKey.sourceIp
        case .vpcSourceIp: ConditionKey.vpcSourceIp
        case .sourceVpc: ConditionKey.sourceVpc
        case .sourceVpce: ConditionKey.sourceVpce
        case .secureTransport: ConditionKey.secureTransport
        case .dataAccessPointArn: ConditionKey.dataAccessPointArn
        case .dataAccessPointAccount: ConditionKey.dataAccessPointAccount
        case .accessPointNetworkOrigin: ConditionKey.accessPointNetworkOrigin
        case .resourceAccount: ConditionKey.resourceAccount
        case .currentTime: ConditionKey.currentTime
        case .epochTime: ConditionKey.epochTime
        case .prefix: ConditionKey.prefix
        case .delimiter: ConditionKey.delimiter
        case .maxKeys: ConditionKey.maxKeys
        case .cannedACL: ConditionKey.cannedACL
        case .authType: ConditionKey.authType
        case .signatureVersion: ConditionKey.signatureVersion
        case .signatureAge: ConditionKey.signatureAge
        case .contentSHA256: ConditionKey.contentSHA256
        case .tlsVersion: ConditionKey.tlsVersion
        case .serverSideEncryption: ConditionKey.serverSideEncryption
        case .kmsKeyID: ConditionKey.kmsKeyID
        case .storageClass: ConditionKey.storageClass
        case .ifMatch: ConditionKey.ifMatch
        case .ifNoneMatch: ConditionKey.ifNoneMatch
        }
    }

    private static let byName: [String: WellKnownKey] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0.name.lowercased(), $0) }
    )
}
