/// One problem with a lab configuration, naming where it is (file, line, key path) and what was expected.
///
/// Equal by kind only, so tests can `#expect(problems.contains(.unknownKey))` and then check the key path.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: String, Sendable {
        case syntax, missingKey, unknownKey, typeMismatch, invalidValue, duplicate, unknownReference, conflict
        case unreadable
    }

    private let kind: Kind
    /// Dotted key path with list indices: `vpcs[0].cidrs[1]`. Empty for the document as a whole.
    public let keyPath: String
    public let message: String
    /// The file, once the loader knows it.
    public var file: String?
    /// The 1-based line, when the source map knows it.
    public var line: Int?

    private init(_ kind: Kind, _ keyPath: String, _ message: String, line: Int? = nil) {
        self.kind = kind
        self.keyPath = keyPath
        self.message = message
        self.line = line
    }

    public static let syntax = ConfigurationError(.syntax, "", "is not valid YAML")
    public static let missingKey = ConfigurationError(.missingKey, "", "is required")
    public static let unknownKey = ConfigurationError(.unknownKey, "", "is not a known key")
    public static let typeMismatch = ConfigurationError(.typeMismatch, "", "has the wrong type")
    public static let invalidValue = ConfigurationError(.invalidValue, "", "has an invalid value")
    public static let duplicate = ConfigurationError(.duplicate, "", "is given more than once")
    public static let unknownReference = ConfigurationError(.unknownReference, "", "names something not defined")
    public static let conflict = ConfigurationError(.conflict, "", "conflicts with another setting")
    public static let unreadable = ConfigurationError(.unreadable, "", "cannot be read")

    /// This kind of problem at `keyPath`, explained by `message`.
    public func at(_ keyPath: String, _ message: String, line: Int? = nil) -> ConfigurationError {
        ConfigurationError(kind, keyPath, message, line: line)
    }

    /// `lab.yaml:12: vpcs[0].cidrs[1]: '127.0.10.0/33' is not a CIDR block`
    public var description: String {
        var location = file ?? "configuration"
        if let line { location += ":\(line)" }
        return keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }

    public static func == (lhs: ConfigurationError, rhs: ConfigurationError) -> Bool { lhs.kind == rhs.kind }
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }
}
