/// An ARN pattern as IAM matches it in `Resource` and `ArnLike`/`ArnEquals` (spec §4.2): the first five `:` fields
/// are matched one by one, so a `*` in the region cannot swallow the account, and everything after the fifth `:` is
/// matched as one string, so `bucket/*` covers keys containing `/` and `:`.
///
/// A pattern that is not shaped like an ARN (fewer than six fields) is matched as one string, and only against
/// values that are not ARNs either: its `*` must not reach across the fields an ARN keeps apart.
struct ARNPattern: Sendable, Hashable {
    private enum Form: Sendable, Hashable {
        case anything
        case fields([WildcardPattern])
        /// The first five fields are plain text (`arn:aws:s3:us-west-2:111122223333:`): one byte comparison covers
        /// them, and the resource's first five colons must then sit where the text's do.
        case literalFields(prefix: [UInt8], resource: WildcardPattern)
        case whole(WildcardPattern)
    }

    private let form: Form

    init(_ text: String) { self.init(pieces: [(text, true)]) }

    /// A pattern from pieces, some of them literal (the resolved value of a policy variable).
    init(pieces: [(text: String, wildcards: Bool)]) {
        let text = pieces.map(\.text).joined()
        if text == "*" && pieces.count == 1 && pieces[0].wildcards {
            form = .anything
            return
        }
        guard ResourceName.fields(of: text).count == 6 else {
            form = .whole(WildcardPattern(pieces: pieces))
            return
        }
        // Split the pieces at the first five colons, keeping each piece's wildcard flag.
        var fields: [[(text: String, wildcards: Bool)]] = [[]]
        for piece in pieces {
            var current = Substring(piece.text)
            while fields.count < 6, let colon = current.firstIndex(of: ":") {
                fields[fields.count - 1].append((String(current[..<colon]), piece.wildcards))
                fields.append([])
                current = current[current.index(after: colon)...]
            }
            fields[fields.count - 1].append((String(current), piece.wildcards))
        }
        let patterns = fields.map(WildcardPattern.init(pieces:))
        var prefix: [UInt8] = []
        for pattern in patterns.prefix(5) {
            guard let literal = pattern.literal else {
                form = .fields(patterns)
                return
            }
            prefix += literal
            prefix.append(UInt8(ascii: ":"))
        }
        form = .literalFields(prefix: prefix, resource: patterns[5])
    }

    /// Whether this pattern is a bare `*`.
    var matchesEverything: Bool { form == .anything }

    func matches(_ resource: ResourceName) -> Bool {
        if case .anything = form { return true }
        return resource.withBytes { matches($0) }
    }

    /// The matcher itself, on bytes lent for the whole evaluation: a resource's text is reached once per decision,
    /// not once per pattern. Inlined into the statements' resource check, where a call per pattern cost more than
    /// most patterns take to match.
    @inline(__always)
    func matches(_ resource: ResourceBytes) -> Bool {
        switch form {
        case .anything:
            return true
        case .whole(let pattern):
            return !resource.isARN && pattern.matches(bytes: resource.bytes)
        case .literalFields(let prefix, let pattern):
            // The five literal fields hold no `:`, so a text that starts with `prefix` has its first five colons at
            // the same places: it is an ARN whose first five fields are these. So the fifth colon must end the
            // prefix, which settles most other forms (the bucket form against an access point pattern) unread.
            let bytes = resource.bytes
            guard let colons = resource.colons, colons[4] + 1 == prefix.count, let base = bytes.baseAddress else {
                return false
            }
            let same = prefix.withUnsafeBufferPointer { prefix in
                prefix.baseAddress.map { WildcardPattern.equalBytes(base, $0, count: prefix.count) } ?? true
            }
            return same && pattern.matches(bytes: UnsafeBufferPointer(rebasing: bytes[prefix.count...]))
        case .fields(let patterns):
            guard resource.isARN else { return false }
            // Every field must match, so the order is free: the account and the resource, which tell ARNs of one
            // partition and service apart, go first.
            for index in [4, 5, 3, 2, 1, 0] where !patterns[index].matches(bytes: resource.field(index)) {
                return false
            }
            return true
        }
    }
}

/// A resource's UTF-8 bytes and the offsets of its first five colons, lent for one evaluation (see
/// ``ResourceName/withBytes(_:)`` and ``RequestContext/withResources(_:)``): a plain value, so the patterns that read
/// it copy and retain nothing.
struct ResourceBytes {
    let bytes: UnsafeBufferPointer<UInt8>
    let colons: ResourceName.Colons?

    /// Whether the text has the six `:`-separated fields of an ARN (the last one may hold more `:`).
    var isARN: Bool { colons != nil }

    /// Field 0…5 of an ARN; only for ``isARN`` values.
    func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard let colons else { return bytes }
        let start = index == 0 ? 0 : colons[index - 1] + 1
        let end = index == 5 ? bytes.count : colons[index]
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }
}

/// A resource or ARN-valued condition value, with the UTF-8 offsets of its first five `:` found once, so every
/// pattern that looks at it reads the same six fields without splitting the text again.
struct ResourceName: Sendable, Hashable {
    /// The UTF-8 offsets of the five `:` that separate an ARN's six fields.
    struct Colons: Sendable {
        var offsets: (Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0)

        subscript(index: Int) -> Int {
            switch index {
            case 0: offsets.0
            case 1: offsets.1
            case 2: offsets.2
            case 3: offsets.3
            default: offsets.4
            }
        }
    }

    let text: String
    private let colons: Colons?

    /// A name whose colons are already known (``Colons/find(in:)`` on the same text, or on a prefix of it that holds
    /// all five).
    init(_ text: String, colons: Colons?) {
        self.text = text
        self.colons = colons
    }

    init(_ text: String) {
        self.text = text
        self.colons = Colons.find(in: text)
    }

    /// The text of lent bytes, with their colons.
    init(_ bytes: ResourceBytes) {
        self.text = String(decoding: bytes.bytes, as: UTF8.self)
        self.colons = bytes.colons
    }
}

extension ResourceName.Colons {
    /// The first five colons of `text`; nil when it has fewer.
    static func find(in text: String) -> Self? {
        typealias Colons = ResourceName.Colons
        func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Colons? {
            var colons = Colons()
            var found = 0
            for offset in bytes.indices where bytes[offset] == UInt8(ascii: ":") {
                switch found {
                case 0: colons.offsets.0 = offset
                case 1: colons.offsets.1 = offset
                case 2: colons.offsets.2 = offset
                case 3: colons.offsets.3 = offset
                default: colons.offsets.4 = offset
                }
                found += 1
                if found == 5 { return colons }
            }
            return nil
        }
        return text.utf8.withContiguousStorageIfAvailable(find) ?? Array(text.utf8).withUnsafeBufferPointer(find)
    }
}

extension ResourceName {

    /// Whether the text has the six `:`-separated fields of an ARN (the last one may hold more `:`).
    var isARN: Bool { colons != nil }

    /// Calls `body` with the text's bytes and colons, from the string's own storage when it has one.
    func withBytes<Result>(_ body: (ResourceBytes) -> Result) -> Result {
        let colons = colons
        let result = text.utf8.withContiguousStorageIfAvailable { body(ResourceBytes(bytes: $0, colons: colons)) }
        if let result { return result }
        return Array(text.utf8).withUnsafeBufferPointer { body(ResourceBytes(bytes: $0, colons: colons)) }
    }

    static func == (lhs: ResourceName, rhs: ResourceName) -> Bool { lhs.text == rhs.text }
    func hash(into hasher: inout Hasher) { hasher.combine(text) }

    static func fields(of text: String) -> [Substring] {
        text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
    }
}
