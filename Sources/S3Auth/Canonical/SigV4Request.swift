public import AccessPointCore

/// The parts of an HTTP request that SigV4 signs, exactly as they arrived.
///
/// S3 signs the request target as sent, so `path` and `query` are the raw, still percent-encoded text before and
/// after the first `?`; nothing here decodes or normalises them (spec §5.2). Headers keep their order and repeats,
/// because a header sent twice is signed as its values joined with commas in the order they came.
public struct SigV4Request: Sendable {
    /// The method, e.g. `GET`, as received (SigV4 signs it verbatim).
    public var method: String
    /// The raw path of the request target, e.g. `/photos/2024%20trip/a%2Bb.jpg`; empty means `/`.
    public var path: String
    /// The raw query after `?`, without the `?`; empty when there is none.
    public var query: String
    /// ``query`` split into its pieces (``CanonicalQuery/parts(of:)``), on each call.
    ///
    /// The verifier and the signer read a query as SDKs write it on its raw bytes and split it only when that
    /// reading declines, so a request is not made to keep an array of pieces it may never read.
    public var queryParts: [CanonicalQuery.Part] { CanonicalQuery.parts(of: query) }
    /// Every header in arrival order; names in any case. The array a server parsed (`S3Headers.fields`) is used as
    /// it is.
    public var headers: [HTTPField]

    /// A request from its already separated parts.
    public init(method: String, path: String, query: String = "", headers: [HTTPField]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }

    /// A request from its already separated parts, its headers as `(name, value)` pairs.
    public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)]) {
        self.init(method: method, path: path, query: query, headers: headers.map(HTTPField.init))
    }

    /// A request from its request target (`/key?query`), its headers as `(name, value)` pairs.
    public init(method: String, target: String, headers: [(name: String, value: String)]) {
        self.init(method: method, target: target, headers: headers.map(HTTPField.init))
    }

    /// A request from its request target (`/key?query`), split at the first `?`.
    public init(method: String, target: String, headers: [HTTPField]) {
        // An ASCII target (every one HTTP/1 parsers let through) is searched on its bytes, where each is a
        // Character: the Character search cost about 300 instructions a byte before the `?`.
        let ascii = HeaderName.isASCII(target)
        if let mark = ascii ? target.utf8.firstIndex(of: UInt8(ascii: "?")) : target.firstIndex(of: "?") {
            self.init(
                method: method,
                path: String(target[..<mark]),
                query: String(target[target.utf8.index(after: mark)...]),
                headers: headers
            )
        } else {
            self.init(method: method, path: target, headers: headers)
        }
    }

    /// The values of every header called `name` (any case), in arrival order.
    public func values(of name: String) -> [String] {
        let wanted = name.lowercased()
        guard HeaderName.isASCII(wanted) else {
            return headers.filter { $0.name.lowercased() == wanted }.map(\.value)
        }
        return headers.compactMap { HeaderName.matches($0.name, wanted) ? $0.value : nil }
    }

    /// The single value of header `name` (several values are joined with `,`), or `nil` when it is absent.
    public func value(of name: String) -> String? {
        // A lower-case ASCII name (what every caller passes) is used as it is, not lower-cased into a new string.
        let wanted = HeaderName.isLowercaseASCII(name) ? name : name.lowercased()
        guard HeaderName.isASCII(wanted) else {
            let found = values(of: name)
            return found.isEmpty ? nil : found.joined(separator: ",")
        }
        return value(ofLowercased: wanted)
    }

    /// ``value(of:)`` for a lower-case ASCII `name`, without lower-casing it or gathering an array.
    func value(ofLowercased name: String) -> String? {
        var found: String?
        // By index: binding each header to a local retained and released both of its strings.
        for index in headers.indices where HeaderName.matches(headers[index].name, name) {
            if let earlier = found {
                found = earlier + "," + headers[index].value
            } else {
                found = headers[index].value
            }
        }
        return found
    }

    /// How many headers are called `name` (lower-case ASCII), any case.
    func count(ofLowercased name: String) -> Int {
        headers.reduce(0) { $0 + (HeaderName.matches($1.name, name) ? 1 : 0) }
    }

    /// The query split into decoded `(name, value)` pairs, in order; a piece without `=` has an empty value.
    public var queryParameters: [(name: String, value: String)] {
        queryParts.map {
            (String(decoding: $0.name, as: UTF8.self), String(decoding: $0.value, as: UTF8.self))
        }
    }
}
