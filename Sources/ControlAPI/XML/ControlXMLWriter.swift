internal import AccessPointCore

/// Writes a response body: the XML declaration, then a root element in the S3 Control namespace. Elements are
/// written in the order the caller writes them, which is AWS's order (spec §2.1, §2.2).
struct ControlXMLWriter {
    static let namespace = "http://awss3control.amazonaws.com/doc/2018-08-20/"

    private(set) var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"

    init(root: String, _ body: (inout ControlXMLWriter) -> Void) {
        xml += "<\(root) xmlns=\"\(Self.namespace)\">"
        body(&self)
        xml += "</\(root)>"
    }

    mutating func element(_ name: String, _ text: String) {
        xml += "<\(name)>"
        XMLText.escape(text, into: &xml)
        xml += "</\(name)>"
    }

    mutating func element(_ name: String, _ value: Bool) {
        element(name, value ? "true" : "false")
    }

    mutating func element(_ name: String, _ body: (inout ControlXMLWriter) -> Void) {
        xml += "<\(name)>"
        body(&self)
        xml += "</\(name)>"
    }
}
