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
        form = .fields(fields.map(WildcardPattern.init(pieces:)))
    }

    /// Whether this pattern is a bare `*`.
    var matchesEverything: Bool { form == .anything }

    func matches(_ resource: ResourceName) -> Bool {
        switch form {
        case .anything:
            return true
        case .whole(let pattern):
            return resource.fields.count < 6 && pattern.matches(resource.text)
        case .fields(let patterns):
            guard resource.fields.count == 6 else { return false }
            for (pattern, field) in zip(patterns, resource.fields) where !pattern.matches(field) { return false }
            return true
        }
    }
}

/// A resource or ARN-valued condition value, split into its six ARN fields once, so every pattern that looks at it
/// reads the same pieces.
struct ResourceName: Sendable, Hashable {
    let text: String
    let fields: [Substring]

    init(_ text: String) {
        self.text = text
        self.fields = Self.fields(of: text)
    }

    static func fields(of text: String) -> [Substring] {
        text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
    }
}
