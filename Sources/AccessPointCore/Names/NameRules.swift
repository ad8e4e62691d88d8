/// Character-level checks shared by the name types. ASCII only: every S3 name is ASCII by rule.
enum NameRules {
    static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || isDigit(byte)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isLowerLetter(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }

    /// Checks length bounds and an allowed character set, then that the first and last bytes are lower-case
    /// alphanumerics. `what` names the thing for the message ("access point name").
    static func checkShape(
        _ name: String,
        what: String,
        length: ClosedRange<Int>,
        allowed: (UInt8) -> Bool,
        allowedDescription: String
    ) throws(NameError) {
        let bytes = name.utf8
        if bytes.count < length.lowerBound {
            throw .tooShort.because(
                "\(what) '\(name)' must be at least \(length.lowerBound) characters long, it has \(name.count)"
            )
        }
        if bytes.count > length.upperBound {
            throw .tooLong.because(
                "\(what) must be at most \(length.upperBound) characters long, it has \(name.count)"
            )
        }
        if let bad = name.unicodeScalars.first(where: { !$0.isASCII || !allowed(UInt8($0.value)) }) {
            throw .invalidCharacter.because(
                "\(what) '\(name)' contains \(quoted(bad)); only \(allowedDescription) are allowed"
            )
        }
        if let first = bytes.first, !isLowerAlphanumeric(first) {
            throw .badFirstCharacter.because("\(what) '\(name)' must start with a lower-case letter or a digit")
        }
        if let last = bytes.last, !isLowerAlphanumeric(last) {
            throw .badLastCharacter.because("\(what) '\(name)' must end with a lower-case letter or a digit")
        }
    }

    static func quoted(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case " ": "a space"
        case "\t": "a tab"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            "the control character U+\(String(scalar.value, radix: 16, uppercase: true))"
        default: "'\(Character(scalar))'"
        }
    }
}
