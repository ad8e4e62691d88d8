/// One element of a parsed request body: its local name (namespace prefix dropped), child elements and text.
public struct ParsedXML: Sendable, Equatable {
    public var name: String
    public var children: [ParsedXML] = []
    public var text: String = ""

    public init(name: String, children: [ParsedXML] = [], text: String = "") {
        self.name = name
        self.children = children
        self.text = text
    }

    public func child(_ name: String) -> ParsedXML? { children.first { $0.name == name } }
    public func children(named name: String) -> [ParsedXML] { children.filter { $0.name == name } }
}

/// The XML parser of every request body: the store's (Delete, CompleteMultipartUpload, Tagging) and the control
/// API's (access point, policy and multi-region access point requests).
///
/// Those bodies are flat, a few megabytes at most and arrive whole, so a loop with an explicit stack does: no
/// recursion, a depth limit, no DTDs (so no entity expansion), only the five predefined entities and character
/// references, and only UTF-8. Anything else is MalformedXML.
///
/// Ours rather than Foundation's `XMLParser` (libxml2 underneath): on Linux that one traps on an element name that
/// is not UTF-8 (the bytes `<a`, 0xFF, 0xFE, `>`: swift-corelibs-foundation's `_NSXMLParserStartElementNs`), which
/// took the whole server down for one signed control request.
public enum XMLDocumentParser {
    public static let maximumDepth = 16

    public static func parse(_ bytes: [UInt8]) throws(S3Error) -> ParsedXML {
        var parser = Parser(bytes: bytes)
        guard let root = parser.run() else { throw .malformedXML }
        return root
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0
        var stack: [(element: ParsedXML, text: [UInt8])] = []
        var root: ParsedXML?

        init(bytes: [UInt8]) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }

        mutating func run() -> ParsedXML? {
            while position < bytes.count {
                if bytes[position] == UInt8(ascii: "<") {
                    guard markup() else { return nil }
                } else {
                    guard characters() else { return nil }
                }
            }
            return stack.isEmpty ? root : nil
        }

        func starts(with text: String) -> Bool {
            bytes[position...].starts(with: text.utf8)
        }

        mutating func skip(past terminator: String) -> [UInt8]? {
            let pattern = Array(terminator.utf8)
            var index = position
            while index + pattern.count <= bytes.count {
                if bytes[index..<index + pattern.count].elementsEqual(pattern) {
                    defer { position = index + pattern.count }
                    return Array(bytes[position..<index])
                }
                index += 1
            }
            return nil
        }

        mutating func markup() -> Bool {
            if starts(with: "<?") {
                return skip(past: "?>") != nil
            }
            if starts(with: "<!--") {
                return skip(past: "-->") != nil
            }
            if starts(with: "<![CDATA[") {
                position += 9
                guard !stack.isEmpty, let content = skip(past: "]]>") else { return false }
                stack[stack.count - 1].text += content
                return true
            }
            if starts(with: "<!") { return false }  // DOCTYPE and the like: never needed, never expanded
            if starts(with: "</") {
                position += 2
                guard let tag = skip(past: ">"), let name = Self.localName(tag, closing: true),
                    let top = stack.popLast(), top.element.name == name, let decoded = Self.decodeText(top.text)
                else { return false }
                var finished = top.element
                finished.text = decoded
                if stack.isEmpty {
                    guard root == nil else { return false }
                    root = finished
                } else {
                    stack[stack.count - 1].element.children.append(finished)
                }
                return true
            }
            position += 1
            guard var tag = Self.tagContent(bytes: bytes, position: &position) else { return false }
            let selfClosing = tag.last == UInt8(ascii: "/")
            if selfClosing { tag.removeLast() }
            guard let name = Self.localName(tag, closing: false), root == nil, stack.count < maximumDepth else {
                return false
            }
            if selfClosing {
                if stack.isEmpty {
                    root = ParsedXML(name: name)
                } else {
                    stack[stack.count - 1].element.children.append(ParsedXML(name: name))
                }
            } else {
                stack.append((ParsedXML(name: name), []))
            }
            return true
        }

        mutating func characters() -> Bool {
            let start = position
            while position < bytes.count && bytes[position] != UInt8(ascii: "<") { position += 1 }
            let run = bytes[start..<position]
            if stack.isEmpty { return run.allSatisfy(Self.isSpace) }
            stack[stack.count - 1].text += run
            return true
        }

        /// The bytes of a start tag up to its `>`, skipping `>` inside quoted attribute values.
        static func tagContent(bytes: [UInt8], position: inout Int) -> [UInt8]? {
            var quote: UInt8?
            let start = position
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    return Array(bytes[start..<position - 1])
                }
            }
            return nil
        }

        /// The element name without its namespace prefix; attributes are ignored.
        static func localName(_ tag: [UInt8], closing: Bool) -> String? {
            let nameBytes = tag.prefix { !isSpace($0) }
            if closing && !tag[nameBytes.count...].allSatisfy(isSpace) { return nil }
            guard !nameBytes.isEmpty, let name = String(validating: nameBytes, as: UTF8.self) else { return nil }
            let local = name.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? name
            return local.isEmpty ? nil : local
        }

        static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }

        /// Text with its entity and character references replaced; nil for an unknown entity or invalid UTF-8.
        static func decodeText(_ raw: [UInt8]) -> String? {
            guard raw.contains(UInt8(ascii: "&")) else { return String(validating: raw, as: UTF8.self) }
            var output: [UInt8] = []
            var index = 0
            while index < raw.count {
                guard raw[index] == UInt8(ascii: "&") else {
                    output.append(raw[index])
                    index += 1
                    continue
                }
                guard let end = raw[index...].firstIndex(of: UInt8(ascii: ";")), end - index <= 12 else { return nil }
                let entity = String(decoding: raw[(index + 1)..<end], as: UTF8.self)
                switch entity {
                case "amp": output.append(UInt8(ascii: "&"))
                case "lt": output.append(UInt8(ascii: "<"))
                case "gt": output.append(UInt8(ascii: ">"))
                case "quot": output.append(UInt8(ascii: "\""))
                case "apos": output.append(UInt8(ascii: "'"))
                default:
                    let value: UInt32?
                    if entity.hasPrefix("#x") {
                        value = UInt32(entity.dropFirst(2), radix: 16)
                    } else if entity.hasPrefix("#") {
                        value = UInt32(entity.dropFirst(1))
                    } else {
                        value = nil
                    }
                    guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
                    output += Array(String(Character(scalar)).utf8)
                }
                index = end + 1
            }
            return String(validating: output, as: UTF8.self)
        }
    }
}
