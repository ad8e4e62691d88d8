/// An error as an S3 or S3 Control client sees it: a code, an HTTP status, a message and optional extra elements.
///
/// Equal by code only, whatever the reason or the extra elements say, so a test can write
/// `#expect(throws: S3Error.accessDenied) { … }` without repeating the message. New codes are new static members;
/// no caller ever switches over them, so adding one breaks nobody (the `NIOSSLError` lesson).
///
/// Statuses and default messages follow Amazon S3's error catalogue (`spec/s3-access-points.md` §2.3, §5.7).
public struct S3Error: Error, Hashable, Sendable {
    /// The stable code, rendered as `<Code>`.
    public let code: String
    /// The HTTP status the renderer writes.
    public let status: Int
    /// Rendered as `<Message>`.
    public private(set) var message: String
    /// Extra elements rendered after `<Message>`, in order (e.g. `Region`, `AccessPointName`, `StringToSign`).
    public private(set) var details: [(name: String, value: String)]

    /// The catalogue's constructor; only `S3Error+Catalogue.swift` calls it.
    init(code: String, status: Int, message: String) {
        self.code = code
        self.status = status
        self.message = message
        self.details = []
    }

    /// The same error with another message.
    public func because(_ message: String) -> S3Error {
        var copy = self
        copy.message = message
        return copy
    }

    /// The same error with one more extra element, rendered after those already present.
    public func adding(_ name: String, _ value: String) -> S3Error {
        var copy = self
        copy.details.append((name, value))
        return copy
    }

    /// The value of the first extra element called `name`, if any.
    public func detail(_ name: String) -> String? {
        details.first { $0.name == name }?.value
    }

    public static func == (lhs: S3Error, rhs: S3Error) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

extension S3Error: CustomStringConvertible {
    public var description: String { "\(code) (\(status)): \(message)" }
}
