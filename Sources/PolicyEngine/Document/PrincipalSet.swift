internal import AccessPointCore

/// The principals one `Principal` or `NotPrincipal` element names (spec §4.2).
///
/// `"*"` and `{"AWS": "*"}` mean everyone, anonymous callers included. An account id and the account's root ARN
/// (`arn:aws:iam::111122223333:root`) both mean every principal of that account. Other ARNs name one user or role
/// exactly: IAM allows no partial wildcards in principals, so neither does this parser.
struct PrincipalSet: Sendable, Hashable {
    private(set) var everyone = false
    private(set) var accounts: Set<String> = []
    private(set) var arns: Set<String> = []
    private(set) var services: Set<String> = []
    private(set) var otherIDs: Set<String> = []

    /// Whether the set names no principal of its own but everyone (the mark of a public grant).
    var isEveryone: Bool { everyone }

    init(parsing value: JSONValue, field: String) throws(PrincipalError) {
        if case .string("*") = value {
            everyone = true
            return
        }
        guard let members = value.members, !members.isEmpty else {
            throw PrincipalError(reason: "\(field) must be \"*\" or an object such as {\"AWS\": …}")
        }
        for (type, entries) in members {
            let names: [String]
            switch entries {
            case .string(let name): names = [name]
            case .array(let array) where !array.isEmpty:
                var collected: [String] = []
                for element in array {
                    guard case .string(let name) = element else {
                        throw PrincipalError(reason: "\(field).\(type) must list strings, found \(element.typeName)")
                    }
                    collected.append(name)
                }
                names = collected
            default:
                throw PrincipalError(reason: "\(field).\(type) must be a string or a non-empty array of strings")
            }
            for name in names { try add(name, type: type, field: field) }
        }
    }

    private mutating func add(_ name: String, type: String, field: String) throws(PrincipalError) {
        switch type {
        case "AWS":
            if name == "*" {
                everyone = true
            } else if AccountID.isValid(name) {
                accounts.insert(name)
            } else if let account = Self.rootAccount(name) {
                accounts.insert(account)
            } else if name.hasPrefix("arn:"), !name.contains("*"), ResourceName.fields(of: name).count == 6 {
                arns.insert(name)
            } else {
                throw PrincipalError(reason: "\(field).AWS '\(name)' is not \"*\", an account id or an IAM ARN")
            }
        case "Service":
            guard !name.isEmpty, !name.contains("*") else {
                throw PrincipalError(reason: "\(field).Service '\(name)' is not a service principal")
            }
            services.insert(name)
        case "CanonicalUser", "Federated":
            guard !name.isEmpty else { throw PrincipalError(reason: "\(field).\(type) is empty") }
            otherIDs.insert(name)
        default:
            throw PrincipalError(
                reason:
                    "\(field) has unknown principal type '\(type)'; expected AWS, Service, CanonicalUser or Federated"
            )
        }
    }

    /// The account of `arn:PARTITION:iam::ACCOUNT:root`.
    private static func rootAccount(_ arn: String) -> String? {
        let fields = ResourceName.fields(of: arn)
        guard fields.count == 6, fields[0] == "arn", fields[2] == "iam", fields[5] == "root",
            AccountID.isValid(fields[4])
        else { return nil }
        return String(fields[4])
    }

    /// Whether the request's principal is in the set. Its fields are read one by one from the context: taking the
    /// principal whole copied all its strings.
    func contains(principalOf context: RequestContext) -> Bool {
        if everyone { return true }
        if let account = context.principal.account, Self.has(accounts, account.rawValue) { return true }
        if let arn = context.principal.arn, Self.has(arns, arn) { return true }
        if let service = context.principal.service, Self.has(services, service) { return true }
        return false
    }

    /// Set membership without hashing for the one or two names a principal element usually lists: comparing a
    /// few strings is cheaper than hashing one.
    private static func has(_ names: Set<String>, _ name: String) -> Bool {
        switch names.count {
        case 0: false
        case 1...4: names.contains { $0 == name }
        default: names.contains(name)
        }
    }
}

/// Why a principal element was refused; the statement parser adds the statement it was in.
struct PrincipalError: Error {
    let reason: String
}
