public import AccessPointCore
internal import Yams

/// YAML text to the core's `ConfigNode` tree, keeping the line of every node.
///
/// Yams (libyaml) does the parsing; this only translates its node tree, so the core never sees a YAML type.
public enum YAMLConfigNode {
    /// Parses one YAML document. An empty document is an empty mapping: a lab file may say nothing and take
    /// every default.
    public static func parse(_ text: String) throws(ConfigurationProblems) -> ConfigNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationProblems([syntaxError(error)])
        } catch {
            throw ConfigurationProblems([.syntax.at("", "cannot parse YAML: \(error)")])
        }
        guard let root else { return ConfigNode(.mapping([]), line: 1) }
        var problems: [ConfigurationError] = []
        let node = convert(root, path: "", problems: &problems)
        guard problems.isEmpty else { throw ConfigurationProblems(problems) }
        return node
    }

    private static func convert(_ node: Node, path: String, problems: inout [ConfigurationError]) -> ConfigNode {
        let line = node.mark?.line
        switch node {
        case .scalar(let scalar):
            return ConfigNode(.scalar(scalar.string, kind(ofResolved: node.tag)), line: line)
        case .sequence(let sequence):
            let items = sequence.enumerated().map { index, item in
                convert(item, path: "\(path)[\(index)]", problems: &problems)
            }
            return ConfigNode(.sequence(items), line: line)
        case .mapping(let mapping):
            var entries: [ConfigNode.Entry] = []
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    problems.append(.typeMismatch.at(path, "mapping keys must be plain text", line: key.mark?.line))
                    continue
                }
                let childPath = path.isEmpty ? keyScalar.string : "\(path).\(keyScalar.string)"
                entries.append(
                    .init(key: keyScalar.string, value: convert(value, path: childPath, problems: &problems))
                )
            }
            return ConfigNode(.mapping(entries), line: line)
        case .alias:
            problems.append(.syntax.at(path, "YAML aliases (*name) are not supported in lab files", line: line))
            return ConfigNode(.scalar("", .null), line: line)
        }
    }

    /// The kind from the resolved tag (`Node.tag` runs the resolver; a scalar's own tag may still be implicit).
    private static func kind(ofResolved tag: Tag) -> ConfigNode.ScalarKind {
        switch tag.description {
        case Tag.Name.null.rawValue: .null
        case Tag.Name.bool.rawValue: .boolean
        case Tag.Name.int.rawValue: .integer
        case Tag.Name.float.rawValue: .float
        default: .string
        }
    }

    private static func syntaxError(_ error: YamlError) -> ConfigurationError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return .syntax.at("", "invalid YAML at column \(mark.column): \(detail)", line: mark.line)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .duplicate.at(
                "",
                "duplicate keys \(duplicates.joined(separator: ", ")) in one mapping",
                line: context.mark.line
            )
        default:
            return .syntax.at("", "invalid YAML: \(error)")
        }
    }
}
