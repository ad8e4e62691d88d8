internal import AccessPointCore
internal import Foundation

#if canImport(FoundationXML)
internal import FoundationXML
#endif

/// Parses a request body into an `XMLNode` tree with Foundation's `XMLParser` (FoundationXML on Linux, libxml2
/// underneath). Control bodies are a few kilobytes at most and arrive whole, so a tree built in memory is simpler
/// than a streaming decoder and needs no extra dependency. External entities are not resolved.
enum XMLBodyParser {
    /// The largest body accepted; policies are at most 20 KB, and their XML escaping can double that.
    static let maximumSize = 64 * 1024

    /// - Throws: `S3Error.malformedXML` when the bytes are not well-formed XML.
    static func parse(_ bytes: [UInt8]) throws(S3Error) -> XMLNode {
        let delegate = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        guard parser.parse(), let root = delegate.root else {
            throw .malformedXML
        }
        return root
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [XMLNode] = []
        var root: XMLNode?

        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            stack.append(XMLNode(name: elementName, children: [], text: ""))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(
            _ parser: XMLParser,
            didEndElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?
        ) {
            guard let node = stack.popLast() else { return }
            if stack.isEmpty {
                root = node
            } else {
                stack[stack.count - 1].children.append(node)
            }
        }
    }
}
