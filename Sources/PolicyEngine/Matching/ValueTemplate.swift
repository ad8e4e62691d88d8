/// A policy value that may contain policy variables: `${aws:username}`, `${aws:PrincipalAccount}`, the escapes
/// `${*}`, `${?}` and `${$}` (a literal `*`, `?` and `$`), and a default, `${aws:username, 'nobody'}`.
///
/// Variables exist only in Version 2012-10-17 documents; in 2008-10-17 documents `${…}` is plain text, as in IAM.
/// A variable whose key the request lacks (and that has no default) makes the value unresolvable: it then matches
/// nothing, so `Allow` on `…/home/${aws:username}/*` never grants to an anonymous caller.
struct ValueTemplate: Sendable, Hashable {
    enum Piece: Sendable, Hashable {
        /// Author text; wildcards in it are wildcards.
        case text(String)
        /// Text that stands for itself even in a `…Like` pattern: what `${*}`, `${?}` and `${$}` produce.
        case literal(String)
        /// A condition key, lower-cased, and the default to use when the request lacks it.
        case variable(key: String, fallback: String?)
    }

    let pieces: [Piece]

    /// Whether the value needs no request to be resolved.
    var isConstant: Bool { !pieces.contains { if case .variable = $0 { true } else { false } } }

    init(parsing text: String, variables: Bool) throws(TemplateError) {
        guard variables, text.contains("${") else {
            pieces = [.text(text)]
            return
        }
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            if start.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<start.lowerBound]))) }
            let inside = rest[start.upperBound...]
            guard let close = inside.firstIndex(of: "}") else {
                throw TemplateError(reason: "policy variable in '\(text)' has no closing '}'")
            }
            pieces.append(try Self.piece(String(inside[..<close]), in: text))
            rest = inside[inside.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
    }

    private static func piece(_ body: String, in text: String) throws(TemplateError) -> Piece {
        switch body {
        case "*", "?", "$": return .literal(body)
        default: break
        }
        let parts = body.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        let key = parts[0].trimmingSpaces
        guard !key.isEmpty, key.contains(":") else {
            throw TemplateError(reason: "'${\(body)}' in '\(text)' does not name a condition key")
        }
        var fallback: String?
        if parts.count == 2 {
            let quoted = parts[1].trimmingSpaces
            guard quoted.count >= 2, quoted.hasPrefix("'"), quoted.hasSuffix("'") else {
                throw TemplateError(reason: "the default in '${\(body)}' must be written in single quotes")
            }
            fallback = String(quoted.dropFirst().dropLast())
        }
        return .variable(key: key.lowercased(), fallback: fallback)
    }

    /// The value for this request, as pieces that say whether their wildcards count; nil when a variable's key is
    /// missing and has no default. A multi-valued key cannot be a variable; its first value is used.
    func resolve(in context: RequestContext) -> [(text: String, wildcards: Bool)]? {
        var resolved: [(text: String, wildcards: Bool)] = []
        resolved.reserveCapacity(pieces.count)
        for piece in pieces {
            switch piece {
            case .text(let text): resolved.append((text, true))
            case .literal(let text): resolved.append((text, false))
            case .variable(let key, let fallback):
                guard let value = context.entry(lowercased: key)?.firstText ?? fallback else { return nil }
                resolved.append((value, false))
            }
        }
        return resolved
    }

    /// The plain text of a constant template (no variables), for comparisons that need no request.
    var constantText: String? {
        guard isConstant else { return nil }
        return pieces.map {
            switch $0 {
            case .text(let text), .literal(let text): text
            case .variable: ""
            }
        }.joined()
    }
}

/// Why a policy variable could not be read; the statement parser adds where it was.
struct TemplateError: Error {
    let reason: String
}

extension Substring {
    /// The text without leading and trailing spaces; Foundation-free.
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
