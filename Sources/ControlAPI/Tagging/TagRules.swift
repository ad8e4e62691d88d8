internal import AccessPointCore
internal import Registry

/// The tagging rules of TagResource and CreateAccessPoint's `Tags` (spec §2.4, §3; botocore's `Tag`,
/// `TagKeyString` and `TagValueString` shapes): at most 50 tags; a key of 1–128 characters and a value of 0–256,
/// both of letters, separators, numbers and `_ . : / = + - @`; no `aws:` prefix; no key twice in one request.
/// A tag without `Key` or `Value` does not match the schema (`MalformedXML`); every other break is `InvalidTag`.
enum TagRules {
    static let maximumCount = 50
    static let maximumKeyLength = 128
    static let maximumValueLength = 256

    /// The `<Tag>` children of `list` (a `<Tags>` element), checked.
    static func tags(in list: XMLNode) throws(S3Error) -> [ResourceTag] {
        var tags: [ResourceTag] = []
        var keys: Set<String> = []
        for node in list.children("Tag") {
            guard let key = node.child("Key")?.text, let value = node.child("Value")?.text else {
                throw .malformedXML.because("Each Tag must have a Key and a Value")
            }
            try check(key: key, value: value)
            guard keys.insert(key).inserted else {
                throw .invalidTag.because("Cannot provide multiple Tags with the same key")
            }
            tags.append(ResourceTag(key: key, value: value))
        }
        guard tags.count <= maximumCount else { throw tooMany }
        return tags
    }

    static let tooMany = S3Error.invalidTag.because("Cannot have more than \(maximumCount) tags")

    static func check(key: String, value: String) throws(S3Error) {
        let keyLength = key.unicodeScalars.count
        guard (1...maximumKeyLength).contains(keyLength) else {
            throw .invalidTag.because("The TagKey you have provided is too long, max \(maximumKeyLength)")
                .adding("TagKey", key)
        }
        guard value.unicodeScalars.count <= maximumValueLength else {
            throw .invalidTag.because("The TagValue you have provided is too long, max \(maximumValueLength)")
                .adding("TagKey", key)
        }
        guard !key.lowercased().hasPrefix("aws:") else {
            throw .invalidTag.because("User-defined tag keys can't start with 'aws:'").adding("TagKey", key)
        }
        guard allowed(key), allowed(value) else {
            throw .invalidTag.because("The TagKey or TagValue you have provided is invalid").adding("TagKey", key)
        }
    }

    /// `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`
    private static func allowed(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            if "_.:/=+-@".unicodeScalars.contains(scalar) { return true }
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .spaceSeparator, .lineSeparator, .paragraphSeparator,
                .decimalNumber, .letterNumber, .otherNumber:
                return true
            default:
                return false
            }
        }
    }
}
