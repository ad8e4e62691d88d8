internal import AccessPointCore

/// A parsed request body: an element with its children and text. Namespaces are dropped from names; S3 Control
/// bodies use one default namespace.
struct XMLNode: Sendable, Equatable {
    var name: String
    var children: [XMLNode]
    var text: String

    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// The trimmed text of child `name`, or nil when there is no such child.
    func value(_ name: String) -> String? {
        child(name).map { $0.text.trimmingWhitespace() }
    }

    /// `true`/`false` in child `name`; nil when absent.
    ///
    /// - Throws: `S3Error.malformedXML` for any other text.
    func boolean(_ name: String) throws(S3Error) -> Bool? {
        guard let text = value(name) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw .malformedXML.because("\(name) must be true or false, not '\(text)'")
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
