/// Walks a `ConfigNode` tree for the decoder, collecting every problem instead of stopping at the first, and
/// remembering the source line of each key path so that later validation can point at lines too.
struct ConfigReader {
    private(set) var problems: [ConfigurationError] = []
    private(set) var lines: [String: Int] = [:]

    /// A mapping's entries by key, after unknown and repeated keys were reported.
    struct Fields {
        let path: String
        let entries: [String: ConfigNode]

        /// The node at `key`, nil when absent or null.
        subscript(key: String) -> ConfigNode? {
            guard let node = entries[key], !node.isNull else { return nil }
            return node
        }

        func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    }

    mutating func report(_ kind: ConfigurationError, _ path: String, _ message: String, _ node: ConfigNode? = nil) {
        problems.append(kind.at(path, message, line: node?.line ?? lines[path]))
    }

    /// Reads a mapping whose keys must come from `allowed`; an unknown key gets a "did you mean" when one is close.
    mutating func fields(_ node: ConfigNode, _ path: String, allowed: [String]) -> Fields? {
        remember(node, path)
        guard case .mapping(let entries) = node.value else {
            report(.typeMismatch, path, "expected a mapping, found \(node.kindDescription)", node)
            return nil
        }
        var byKey: [String: ConfigNode] = [:]
        for entry in entries {
            let entryPath = path.isEmpty ? entry.key : "\(path).\(entry.key)"
            remember(entry.value, entryPath)
            guard allowed.contains(entry.key) else {
                let hint = Self.closest(to: entry.key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                report(
                    .unknownKey,
                    entryPath,
                    "unknown key '\(entry.key)'\(hint); allowed here: \(allowed.joined(separator: ", "))",
                    entry.value
                )
                continue
            }
            if byKey[entry.key] != nil {
                report(.duplicate, entryPath, "key '\(entry.key)' appears more than once", entry.value)
                continue
            }
            byKey[entry.key] = entry.value
        }
        return Fields(path: path, entries: byKey)
    }

    /// The node at `key`, or a `missingKey` problem.
    mutating func required(_ fields: Fields, _ key: String) -> ConfigNode? {
        if let node = fields[key] { return node }
        report(.missingKey, fields.path(key), "required key '\(key)' is missing")
        return nil
    }

    mutating func scalar(_ node: ConfigNode, _ path: String) -> String? {
        guard case .scalar(let text, let kind) = node.value, kind != .null else {
            report(.typeMismatch, path, "expected a single value, found \(node.kindDescription)", node)
            return nil
        }
        return text
    }

    /// A scalar turned into `T` by a validating initialiser whose error explains the rule.
    mutating func value<T, E: Error & CustomStringConvertible>(
        _ node: ConfigNode,
        _ path: String,
        _ make: (String) throws(E) -> T
    ) -> T? {
        guard let text = scalar(node, path) else { return nil }
        do {
            return try make(text)
        } catch {
            report(.invalidValue, path, error.description, node)
            return nil
        }
    }

    /// A scalar turned into `T` by a failable parser; `expected` describes the accepted form.
    mutating func value<T>(_ node: ConfigNode, _ path: String, expected: String, _ parse: (String) -> T?) -> T? {
        guard let text = scalar(node, path) else { return nil }
        guard let result = parse(text) else {
            report(.invalidValue, path, "'\(text)' is not \(expected)", node)
            return nil
        }
        return result
    }

    mutating func bool(_ node: ConfigNode, _ path: String) -> Bool? {
        value(node, path, expected: "true or false") {
            switch $0.lowercased() {
            case "true": true
            case "false": false
            default: nil
            }
        }
    }

    /// The items of a list with their key paths (`vpcs[0]`).
    mutating func list(_ node: ConfigNode, _ path: String) -> [(node: ConfigNode, path: String)] {
        guard case .sequence(let items) = node.value else {
            report(.typeMismatch, path, "expected a list, found \(node.kindDescription)", node)
            return []
        }
        return items.enumerated().map { index, item in
            let itemPath = "\(path)[\(index)]"
            remember(item, itemPath)
            return (item, itemPath)
        }
    }

    /// A policy: JSON text in a string, or a YAML mapping written out as JSON.
    mutating func policy(_ node: ConfigNode, _ path: String) -> String? {
        switch node.value {
        case .mapping: return node.jsonText
        case .scalar(let text, .string):
            guard text.drop(while: \.isWhitespace).hasPrefix("{") else {
                report(
                    .invalidValue,
                    path,
                    "a policy must be a JSON object (text starting with '{') or a mapping",
                    node
                )
                return nil
            }
            return text
        default:
            report(.typeMismatch, path, "expected a policy document, found \(node.kindDescription)", node)
            return nil
        }
    }

    private mutating func remember(_ node: ConfigNode, _ path: String) {
        if let line = node.line, lines[path] == nil { lines[path] = line }
    }

    /// The allowed key within edit distance 2 of `key`, if any: catches `enableDnsSuport` and `cidr`.
    static func closest(to key: String, in allowed: [String]) -> String? {
        let candidates = allowed.map { ($0, editDistance(key.lowercased(), $0.lowercased())) }
        guard let best = candidates.min(by: { $0.1 < $1.1 }), best.1 <= 2 else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
