/// The XML body of an S3 error, in the envelope the client's service uses (spec §2.3, §5.7).
///
/// Data-plane S3 writes a flat `<Error>`; S3 Control (as recorded from AWS) wraps it in `<ErrorResponse>` with
/// `RequestId` and `HostId` outside `<Error>`. This is the only code that turns an `S3Error` into XML; the HTTP
/// layer adds the status and the `x-amz-request-id` / `x-amz-id-2` headers.
public struct S3ErrorDocument: Sendable {
    public enum Envelope: Sendable {
        /// `<Error><Code/><Message/>[extra][<Resource/>]<RequestId/><HostId/></Error>`
        case s3
        /// `<ErrorResponse><Error><Code/><Message/>[extra]</Error><RequestId/><HostId/></ErrorResponse>`
        case control
    }

    public var error: S3Error
    public var envelope: Envelope
    public var requestID: String
    public var hostID: String
    /// The resource the request named (`/bucket/key`), rendered as `<Resource>` in the S3 envelope when set.
    public var resource: String?

    public init(_ error: S3Error, envelope: Envelope, requestID: String, hostID: String, resource: String? = nil) {
        self.error = error
        self.envelope = envelope
        self.requestID = requestID
        self.hostID = hostID
        self.resource = resource
    }

    /// The complete document, XML declaration included.
    public func render() -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"#
        xml.reserveCapacity(256)
        if envelope == .control { xml += "<ErrorResponse>" }
        xml += "<Error>"
        Self.element("Code", error.code, into: &xml)
        Self.element("Message", error.message, into: &xml)
        for (name, value) in error.details { Self.element(name, value, into: &xml) }
        switch envelope {
        case .s3:
            if let resource { Self.element("Resource", resource, into: &xml) }
            Self.element("RequestId", requestID, into: &xml)
            Self.element("HostId", hostID, into: &xml)
            xml += "</Error>"
        case .control:
            xml += "</Error>"
            Self.element("RequestId", requestID, into: &xml)
            Self.element("HostId", hostID, into: &xml)
            xml += "</ErrorResponse>"
        }
        return xml
    }

    static func element(_ name: String, _ value: String, into xml: inout String) {
        xml += "<\(name)>"
        XMLText.escape(value, into: &xml)
        xml += "</\(name)>"
    }
}

/// XML character data escaping, shared by every XML writer of the project.
public enum XMLText {
    /// Appends `text` with `&`, `<`, `>`, `"` and `'` escaped, and characters XML 1.0 cannot carry (C0 controls
    /// other than tab, newline and carriage return) written as U+FFFD, so untrusted input cannot break the document.
    public static func escape(_ text: String, into xml: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": xml += "&amp;"
            case "<": xml += "&lt;"
            case ">": xml += "&gt;"
            case "\"": xml += "&quot;"
            case "'": xml += "&apos;"
            case "\t", "\n", "\r": xml.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                xml += "\u{FFFD}"
            default: xml.unicodeScalars.append(scalar)
            }
        }
    }

    public static func escaped(_ text: String) -> String {
        var result = ""
        escape(text, into: &result)
        return result
    }
}
