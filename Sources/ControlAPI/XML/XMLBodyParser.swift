internal import AccessPointCore

/// Parses a control request body into an `XMLNode` tree with `XMLDocumentParser`, the parser of every request body
/// (see there why not Foundation's). Control bodies are a few kilobytes at most and arrive whole.
enum XMLBodyParser {
    /// The largest body accepted; policies are at most 20 KB, and their XML escaping can double that.
    static let maximumSize = 64 * 1024

    /// - Throws: `S3Error.malformedXML` when the bytes are not well-formed XML.
    static func parse(_ bytes: [UInt8]) throws(S3Error) -> XMLNode {
        XMLNode(try XMLDocumentParser.parse(bytes))
    }
}

extension XMLNode {
    init(_ parsed: ParsedXML) {
        self.init(name: parsed.name, children: parsed.children.map(XMLNode.init), text: parsed.text)
    }
}
