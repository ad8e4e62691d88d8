/// The part of an object a `Range` header asks for (RFC 9110 §14.1.2), as S3 reads it: one range only; a header
/// it cannot parse is ignored (the whole object, 200); a range that starts past the end is unsatisfiable (416).
enum ByteRange: Equatable {
    case whole
    /// Inclusive offsets.
    case partial(first: Int64, last: Int64)
    case unsatisfiable

    static func resolve(_ header: String?, size: Int64) -> ByteRange {
        guard let header = header?.trimmingSpaces, header.hasPrefix("bytes=") else { return .whole }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let startText = spec[..<dash].trimmingSpaces
        let endText = spec[spec.index(after: dash)...].trimmingSpaces
        if startText.isEmpty {
            guard let suffix = Int64(digits: endText) else { return .whole }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .partial(first: max(0, size - suffix), last: size - 1)
        }
        guard let first = Int64(digits: startText) else { return .whole }
        if endText.isEmpty {
            return first < size ? .partial(first: first, last: size - 1) : .unsatisfiable
        }
        guard let last = Int64(digits: endText), last >= first else { return .whole }
        return first < size ? .partial(first: first, last: min(last, size - 1)) : .unsatisfiable
    }
}

extension Int64 {
    /// Only ASCII digits (no sign, no spaces), and no overflow.
    init?(digits text: String) {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        self.init(text)
    }
}

extension ByteRange {
    /// The number of bytes `bytes=first-last` asks for, or nil for any other form.
    static func requestedLength(_ header: String) -> Int64? {
        let parts = header.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        guard header.hasPrefix("bytes="), parts.count == 2, let first = Int64(digits: String(parts[0])),
            let last = Int64(digits: String(parts[1])), last >= first
        else { return nil }
        return last - first + 1
    }
}
