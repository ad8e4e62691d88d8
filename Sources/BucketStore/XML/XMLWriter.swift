internal import AccessPointCore

/// Builds the XML documents S3 answers with, escaping every text through `XMLText`.
struct XMLWriter {
    static let namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

    private(set) var text = #"<?xml version="1.0" encoding="UTF-8"?>"#

    /// Starts a document whose root element carries the S3 namespace.
    init(root: String) {
        text += "<\(root) xmlns=\"\(Self.namespace)\">"
    }

    mutating func open(_ name: String) { text += "<\(name)>" }

    /// Opens an element with attributes (names as given, values escaped).
    mutating func open(_ name: String, attributes: [(name: String, value: String)]) {
        text += "<\(name)"
        for attribute in attributes {
            text += " \(attribute.name)=\""
            XMLText.escape(attribute.value, into: &text)
            text += "\""
        }
        text += ">"
    }
    mutating func close(_ name: String) { text += "</\(name)>" }

    mutating func element(_ name: String, _ value: String) {
        text += "<\(name)>"
        XMLText.escape(value, into: &text)
        text += "</\(name)>"
    }

    mutating func element(_ name: String, _ value: some BinaryInteger) { element(name, String(value)) }
    mutating func element(_ name: String, _ value: Bool) { element(name, value ? "true" : "false") }

    mutating func element(_ name: String, _ children: (inout XMLWriter) -> Void) {
        open(name)
        children(&self)
        close(name)
    }
}
