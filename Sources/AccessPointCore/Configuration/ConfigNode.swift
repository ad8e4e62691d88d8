/// A configuration document as a tree of scalars, sequences and mappings with their source lines: what the YAML
/// adapter hands the core, so that decoding and validation stay pure and every problem can name its line.
///
/// Scalars keep their text (an unquoted `123456789012` stays `"123456789012"`, never a number that loses leading
/// zeros) and the kind the YAML resolver gave them, which only matters when a subtree is re-emitted as JSON.
public struct ConfigNode: Sendable, Equatable {
    public enum ScalarKind: Sendable, Equatable { case string, integer, float, boolean, null }

    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: ConfigNode

        public init(key: String, value: ConfigNode) {
            self.key = key
            self.value = value
        }
    }

    public indirect enum Value: Sendable, Equatable {
        case scalar(String, ScalarKind)
        case sequence([ConfigNode])
        case mapping([Entry])
    }

    public var value: Value
    /// 1-based line in the source file, when known.
    public var line: Int?

    public init(_ value: Value, line: Int? = nil) {
        self.value = value
        self.line = line
    }

    public static func string(_ text: String, line: Int? = nil) -> ConfigNode {
        ConfigNode(.scalar(text, .string), line: line)
    }
    public static let null = ConfigNode(.scalar("", .null))

    public var isNull: Bool { if case .scalar(_, .null) = value { true } else { false } }

    /// What kind of node this is, in the words of an error message ("a mapping").
    var kindDescription: String {
        switch value {
        case .scalar(_, .null): "null"
        case .scalar(let text, _): "the scalar '\(text)'"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    /// The subtree as compact JSON, for policies written as YAML mappings. Scalars the resolver typed as numbers,
    /// booleans or null are written bare; everything else as a JSON string.
    public var jsonText: String {
        switch value {
        case .scalar(let text, .string): return Self.jsonString(text)
        case .scalar(_, .null): return "null"
        case .scalar(let text, _): return text
        case .sequence(let items): return "[" + items.map(\.jsonText).joined(separator: ",") + "]"
        case .mapping(let entries):
            return "{" + entries.map { Self.jsonString($0.key) + ":" + $0.value.jsonText }.joined(separator: ",") + "}"
        }
    }

    static func jsonString(_ text: String) -> String {
        var json = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": json += "\\\""
            case "\\": json += "\\\\"
            case "\n": json += "\\n"
            case "\r": json += "\\r"
            case "\t": json += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: json.unicodeScalars.append(scalar)
            }
        }
        return json + "\""
    }
}
