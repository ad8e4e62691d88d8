/// What `If-Match`, `If-None-Match`, `If-Modified-Since` and `If-Unmodified-Since` make of a read, in the order
/// RFC 9110 §13.2.2 evaluates them, which is also what S3 documents for GetObject and HeadObject: a matching
/// `If-Match` overrides a failing `If-Unmodified-Since`, and a matching `If-None-Match` answers 304 whatever
/// `If-Modified-Since` says.
enum ReadConditions {
    enum Outcome: Equatable {
        case proceed
        case notModified
        case preconditionFailed
    }

    /// - Parameters:
    ///   - names: the four header names, so CopyObject can pass the `x-amz-copy-source-if-…` ones.
    ///   - lastModified: seconds since 1970 (HTTP dates have no finer resolution).
    static func evaluate(
        _ headers: (String) -> String?,
        names: Names = .standard,
        etag: String,
        lastModified: Int64
    ) -> Outcome {
        if let ifMatch = headers(names.ifMatch) {
            if !matches(ifMatch, etag: etag) { return .preconditionFailed }
        } else if let since = headers(names.ifUnmodifiedSince).flatMap(HTTPDate.parse), lastModified > since {
            return .preconditionFailed
        }
        if let ifNoneMatch = headers(names.ifNoneMatch) {
            if matches(ifNoneMatch, etag: etag) { return .notModified }
        } else if let since = headers(names.ifModifiedSince).flatMap(HTTPDate.parse), lastModified <= since {
            return .notModified
        }
        return .proceed
    }

    struct Names {
        var ifMatch: String
        var ifNoneMatch: String
        var ifModifiedSince: String
        var ifUnmodifiedSince: String

        static let standard = Names(
            ifMatch: "If-Match",
            ifNoneMatch: "If-None-Match",
            ifModifiedSince: "If-Modified-Since",
            ifUnmodifiedSince: "If-Unmodified-Since"
        )
        static let copySource = Names(
            ifMatch: "x-amz-copy-source-if-match",
            ifNoneMatch: "x-amz-copy-source-if-none-match",
            ifModifiedSince: "x-amz-copy-source-if-modified-since",
            ifUnmodifiedSince: "x-amz-copy-source-if-unmodified-since"
        )
    }

    /// Whether an entity-tag list (`"a", W/"b"` or `*`) names `etag` (given without quotes).
    static func matches(_ list: String, etag: String) -> Bool {
        list.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingSpaces
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = String(tag.dropFirst(2)) }
            return unquoted(tag) == etag
        }
    }

    static func unquoted(_ tag: String) -> String {
        var tag = tag
        if tag.hasPrefix("\"") { tag.removeFirst() }
        if tag.hasSuffix("\"") { tag.removeLast() }
        return tag
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
