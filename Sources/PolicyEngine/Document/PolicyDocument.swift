public import AccessPointCore

/// A policy document, parsed and compiled once (spec §4.2).
///
/// The control API builds one when a policy is put, and refuses the put with the `MalformedPolicy` it throws; the
/// router receives the compiled value in its snapshot and only evaluates it. The original text is kept so the
/// control API can hand it back unchanged from `GetAccessPointPolicy`.
public struct PolicyDocument: Sendable, Equatable {
    /// The policy language version. Policy variables exist only in 2012-10-17; a document without `Version` is
    /// read as 2008-10-17, as IAM does.
    public enum Version: String, Sendable, Hashable {
        case v2012_10_17 = "2012-10-17"
        case v2008_10_17 = "2008-10-17"
    }

    /// Access point, bucket and multi-region access point policies are limited to 20 KB (spec §3); the same bound
    /// keeps every other kind of document cheap to parse.
    public static let maximumSize = 20 * 1024

    /// The compiled document, shared by every copy: a decision reads up to five policies, and copying one is then a
    /// single retain instead of one per string and array.
    private final class Storage: Sendable {
        let kind: PolicyKind
        let version: Version
        let id: String?
        let statements: [PolicyStatement]
        let text: String
        let status: PolicyStatus
        let readsExistingObjectTags: Bool

        init(kind: PolicyKind, version: Version, id: String?, statements: [PolicyStatement], text: String) {
            self.kind = kind
            self.version = version
            self.id = id
            self.statements = statements
            self.text = text
            self.status = PolicyStatus(classifying: statements)
            self.readsExistingObjectTags = statements.contains { statement in
                statement.conditions.contains { $0.key.hasPrefix("s3:existingobjecttag/") }
            }
        }
    }

    private let storage: Storage

    public var kind: PolicyKind { storage.kind }
    public var version: Version { storage.version }
    public var id: String? { storage.id }
    public var statements: [PolicyStatement] { storage.statements }
    /// The document exactly as it was put.
    public var text: String { storage.text }
    /// Whether the policy is public (spec §4.4), decided once here.
    public var status: PolicyStatus { storage.status }
    /// Whether a condition tests `s3:ExistingObjectTag/…`: the router then reads the object's tags before
    /// deciding, and only then.
    public var readsExistingObjectTags: Bool { storage.readsExistingObjectTags }

    /// Parses and compiles `text` as a policy of `kind`.
    ///
    /// - Throws: `S3Error.malformedPolicy`, whose message names the problem and, for a statement, its number:
    ///   too large, not JSON, nested too deeply, a wrong type, an unknown field or operator, a value an operator
    ///   cannot compare. Never traps, whatever the input.
    public init(parsing text: String, kind: PolicyKind) throws(S3Error) {
        let size = text.utf8.count
        guard size <= Self.maximumSize else {
            throw .malformedPolicy.because(
                "Policy is \(size) bytes; a \(kind) may be at most \(Self.maximumSize) bytes (20 KB)"
            )
        }
        let json: JSONValue
        do { json = try JSONParser.parse(text) } catch {
            throw .malformedPolicy.because("Policies must be valid JSON: \(error.message) at byte \(error.offset)")
        }
        guard let members = json.members else {
            throw .malformedPolicy.because("Policy must be a JSON object, found \(json.typeName)")
        }
        var version = Version.v2008_10_17
        var id: String?
        var statementValue: JSONValue?
        for (name, value) in members {
            switch (name, value) {
            case ("Version", .string(let text)):
                guard let known = Version(rawValue: text) else {
                    throw .malformedPolicy.because("Version '\(text)' is not 2012-10-17 or 2008-10-17")
                }
                version = known
            case ("Id", .string(let text)): id = text
            case ("Statement", _): statementValue = value
            case ("Version", _), ("Id", _):
                throw .malformedPolicy.because("\(name) must be a string, found \(value.typeName)")
            default:
                throw .malformedPolicy.because("Unknown field '\(name)' in the policy; expected Version, Id, Statement")
            }
        }
        let elements: [JSONValue]
        switch statementValue {
        case nil: throw .malformedPolicy.because("Missing required field Statement")
        case .object?: elements = [statementValue ?? .null]
        case .array(let array)? where !array.isEmpty: elements = array
        case .array?: throw .malformedPolicy.because("Statement is an empty array")
        case let other?:
            throw .malformedPolicy.because("Statement must be an object or an array, found \(other.typeName)")
        }
        var statements: [PolicyStatement] = []
        var sids: [String: Int] = [:]
        for (index, element) in elements.enumerated() {
            let statement = try PolicyStatement(
                parsing: element,
                index: index,
                kind: kind,
                variables: version == .v2012_10_17
            )
            if let sid = statement.sid, !sid.isEmpty {
                if let first = sids[sid] {
                    throw .malformedPolicy.because(
                        "Statement \(index): Sid \"\(sid)\" is already used by statement \(first); Sids must be unique"
                    )
                }
                sids[sid] = index
            }
            statements.append(statement)
        }
        self.storage = Storage(kind: kind, version: version, id: id, statements: statements, text: text)
    }

    /// Equal when they are the same kind of policy with the same text.
    public static func == (lhs: PolicyDocument, rhs: PolicyDocument) -> Bool {
        lhs.kind == rhs.kind && lhs.text == rhs.text
    }
}
