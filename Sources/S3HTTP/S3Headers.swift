/// HTTP header fields in the order they arrived, looked up without regard to case (RFC 9110 §5.1).
///
/// Ordered pairs rather than a dictionary: SigV4 canonicalisation and repeated fields need the original order.
public struct S3Headers: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields.map { Field(name: $0.name, value: $0.value) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    /// The first value of `name`, compared case-insensitively.
    public subscript(name: String) -> String? {
        fields.first { Self.name($0.name, matches: name) }?.value
    }

    /// Whether two field names are the same, ignoring case: `name.lowercased() == other.lowercased()`. Field
    /// names are tokens, ASCII only (RFC 9110 §5.1), and for ASCII that is a byte comparison with `A-Z` folded,
    /// done in place, where `lowercased()` on both made two strings per field per lookup; names with other bytes
    /// (which no HTTP/1 parser lets through) are still compared the String way.
    public static func name(_ name: String, matches other: String) -> Bool {
        let isASCII = { (text: String) in text.utf8.allSatisfy { $0 < 0x80 } }
        guard isASCII(name), isASCII(other) else { return name.lowercased() == other.lowercased() }
        guard name.utf8.count == other.utf8.count else { return false }
        for (a, b) in zip(name.utf8, other.utf8) where a != b {
            guard a | 0x20 == b | 0x20, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(a | 0x20) else {
                return false
            }
        }
        return true
    }

    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}
