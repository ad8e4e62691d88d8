public import AccessPointCore

/// HTTP header fields in the order they arrived, looked up without regard to case (RFC 9110 §5.1).
///
/// Ordered pairs rather than a dictionary: SigV4 canonicalisation and repeated fields need the original order.
public struct S3Headers: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// A field: the type every seam shares (``AccessPointCore/HTTPField``).
    public typealias Field = HTTPField

    public private(set) var fields: [Field]
    /// Whether every name is ASCII (every name an HTTP/1 parser lets through is): then a name looked up is told
    /// apart from most by its length alone, without reading either.
    private var namesAreASCII: Bool
    /// Whether every field can be written on the wire as it is: a name that is a token and a value without control
    /// characters (``HTTPFieldSyntax``), known from when each was added (a parser's fields were checked as they
    /// were read), so that writing them need not check them again.
    public private(set) var areWireSafe: Bool

    /// `fields` in their order; what is known of them all (`namesAreASCII`, `areWireSafe`) is found here.
    public init(_ fields: [HTTPField]) {
        self.fields = fields
        namesAreASCII = fields.allSatisfy { Self.isASCII($0.name) }
        areWireSafe = fields.allSatisfy { Self.isWireSafe(name: $0.name, value: $0.value) }
    }

    public init(_ fields: [(name: String, value: String)] = []) {
        self.init(fields.map { Field(name: $0.name, value: $0.value) })
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { Field(name: $0.0, value: $0.1) })
    }

    private static func isWireSafe(name: String, value: String) -> Bool {
        HTTPFieldSyntax.isValidName(name) && HTTPFieldSyntax.isValidValue(value)
    }

    /// The first value of `name`, compared case-insensitively.
    public subscript(name: String) -> String? {
        // Both ASCII: names of another length are passed over on their counts, the others compared in place.
        if namesAreASCII, Self.isASCII(name) {
            let count = name.utf8.count
            for index in fields.indices where fields[index].name.utf8.count == count {
                if Self.name(fields[index].name, matches: name) { return fields[index].value }
            }
            return nil
        }
        return fields.first { Self.name($0.name, matches: name) }?.value
    }

    private static func isASCII(_ name: String) -> Bool {
        name.utf8.withContiguousStorageIfAvailable { isASCII($0) } ?? name.utf8.allSatisfy { $0 < 0x80 }
    }

    /// Whether two field names are the same, ignoring case: `name.lowercased() == other.lowercased()`. Field
    /// names are tokens, ASCII only (RFC 9110 §5.1), and for ASCII that is a byte comparison with `A-Z` folded,
    /// done in place on the strings' contiguous UTF-8, where `lowercased()` on both made two strings per field per
    /// lookup; names with other bytes (which no HTTP/1 parser lets through) are still compared the String way.
    @inlinable
    public static func name(_ name: String, matches other: String) -> Bool {
        if let decided = asciiFoldedEqual(name, other) { return decided }
        return name.lowercased() == other.lowercased()
    }

    /// Whether `name` and `other` are equal with ASCII letters folded, when that decides it, read in place, without
    /// copying either string (`withUTF8` wants a `var`): every native or small string gives its bytes so. It only
    /// reads bytes, and says so (`@_effects(releasenone)`, like ``HTTPFieldSyntax``'s checks): a caller comparing
    /// names it holds in an array need not retain them around the call.
    @usableFromInline @_effects(releasenone)
    static func asciiFoldedEqual(_ name: String, _ other: String) -> Bool? {
        let ascii: Bool?? = name.utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b in asciiFoldedEqual(a, b) } ?? nil
        }
        guard let ascii else { return nil }
        return ascii
    }

    /// Whether `name` is `token`, a lower-case name the code states itself (`connection`), with `A-Z` folded. Field
    /// names are tokens (RFC 9110 §5.1: ASCII), which every parser here checks, so a name with another byte is never
    /// one of them: unlike ``name(_:matches:)`` this never lowercases a String, and it releases nothing
    /// (`@_effects(releasenone)`): a caller testing the names it holds in an array need not retain them.
    @_effects(releasenone)
    public static func name(_ name: String, isToken token: StaticString) -> Bool {
        let literal = UnsafeBufferPointer(start: token.utf8Start, count: token.utf8CodeUnitCount)
        if let equal = name.utf8.withContiguousStorageIfAvailable({ asciiFoldedEqual($0, literal) }) {
            return equal == true
        }
        return name.utf8.count == literal.count
            && zip(name.utf8, literal).allSatisfy { $0 == $1 || $0 | 0x20 == $1 && $1 >= 0x61 && $1 <= 0x7A }
    }

    /// Whether `a` and `b` are equal with ASCII letters folded, when that decides it: nil when a byte that
    /// differs is not ASCII, or when they differ and either holds a byte that is not (the String way decides).
    private static func asciiFoldedEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard a.count == b.count else { return isASCII(a) && isASCII(b) ? false : nil }
        for index in 0..<a.count {
            let x = a[index]
            let y = b[index]
            guard x != y else { continue }
            guard (x | y) & 0x80 == 0 else { return nil }
            let folded = x | 0x20
            guard folded == y | 0x20, folded >= UInt8(ascii: "a"), folded <= UInt8(ascii: "z") else {
                return isASCII(a) && isASCII(b) ? false : nil
            }
        }
        return true
    }

    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Eight bytes at a time: names of different lengths are told apart by this alone.
        HTTPFieldSyntax.isASCII(UnsafeRawBufferPointer(bytes))
    }

    public mutating func add(name: String, value: String) {
        if namesAreASCII, !Self.isASCII(name) { namesAreASCII = false }
        if areWireSafe, !Self.isWireSafe(name: name, value: value) { areWireSafe = false }
        fields.append(Field(name: name, value: value))
    }

    /// Appends a field of `source` as it is, without checking it again: what `source` knows of all its fields
    /// (names ASCII, fields wire-safe) holds for this one. A forwarder copying a request's fields uses it.
    package mutating func add(_ field: Field, from source: S3Headers) {
        if namesAreASCII, !source.namesAreASCII { namesAreASCII = false }
        if areWireSafe, !source.areWireSafe { areWireSafe = false }
        fields.append(field)
    }

    /// ``add(name:value:)`` for a field a parser checked as it read it: its name a token (so ASCII), its value
    /// without control characters; neither is looked at again.
    mutating func add(token name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Removes, in place, every field for which `shouldBeRemoved` is true; the others keep their order.
    public mutating func removeAll(where shouldBeRemoved: (Field) throws -> Bool) rethrows {
        // Kept fields move forward over removed ones, by index: `Array.removeAll(where:)` copied each field into
        // the predicate's argument, a retain and a release of both its strings.
        var kept = 0
        for index in fields.indices where try !shouldBeRemoved(fields[index]) {
            if kept != index { fields.swapAt(kept, index) }
            kept += 1
        }
        fields.removeLast(fields.count - kept)
    }

    /// Room for `count` fields in all, so adding them one by one does not grow the storage again and again.
    public mutating func reserveCapacity(_ count: Int) {
        fields.reserveCapacity(count)
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The same fields in the same order (`namesAreASCII` and `areWireSafe` follow from them).
    public static func == (lhs: S3Headers, rhs: S3Headers) -> Bool { lhs.fields == rhs.fields }
}
