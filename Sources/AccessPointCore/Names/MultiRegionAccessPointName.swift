/// A valid multi-region access point name: `^[a-z0-9][-a-z0-9]{1,48}[a-z0-9]$` (S3 Control model), unique per
/// account and never reused for another alias.
public struct MultiRegionAccessPointName: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(validating name: String) throws(NameError) {
        try NameRules.checkShape(
            name,
            what: "multi-region access point name",
            length: 3...50,
            allowed: { NameRules.isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") },
            allowedDescription: "lower-case letters, digits and '-'"
        )
        self.rawValue = name
    }

    public var description: String { rawValue }
}

/// A multi-region access point alias as it appears in ARNs and hosts: `^[a-z][a-z0-9]*[.]mrap$`, at most 63
/// characters, e.g. `mfzwi23gnjvgw.mrap`.
public struct MultiRegionAccessPointAlias: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(validating alias: String) throws(NameError) {
        guard alias.hasSuffix(".mrap") else {
            throw .invalidFormat.because("multi-region access point alias '\(alias)' must end with '.mrap'")
        }
        let stem = alias.utf8.dropLast(5)
        guard let first = stem.first else {
            throw .tooShort.because("multi-region access point alias '\(alias)' has nothing before '.mrap'")
        }
        guard alias.utf8.count <= 63 else {
            throw .tooLong.because("multi-region access point alias must be at most 63 characters long")
        }
        guard NameRules.isLowerLetter(first) else {
            throw .badFirstCharacter.because("multi-region access point alias '\(alias)' must start with a letter")
        }
        guard stem.allSatisfy(NameRules.isLowerAlphanumeric) else {
            throw .invalidCharacter.because(
                "multi-region access point alias '\(alias)' may only contain lower-case letters and digits before '.mrap'"
            )
        }
        self.rawValue = alias
    }

    public var description: String { rawValue }
}
