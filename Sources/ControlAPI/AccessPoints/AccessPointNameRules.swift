internal import AccessPointCore

/// Names in a request path, judged as AWS judges them (spec §2.4): a name that fails the URI pattern (length
/// 3–50 of `a-z`, `0-9`, `-` and `.`) cannot even be routed, `400 InvalidURI`; one that fits the pattern but breaks
/// a naming rule (leading hyphen, a dot, the `-s3alias` suffix) is `400 InvalidRequest`.
enum AccessPointNameRules {
    static func matchesURIPattern(_ name: String) -> Bool {
        (3...50).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            }
    }

    static func invalidURI(_ name: String) -> S3Error {
        S3Error.invalidURI.because("Couldn't parse the specified URI.").adding("URI", "accesspoint/\(name)")
    }

    /// The name for creating an access point.
    static func forCreate(_ name: String) throws(S3Error) -> AccessPointName {
        guard matchesURIPattern(name) else { throw invalidURI(name) }
        do {
            return try AccessPointName(validating: name)
        } catch {
            throw .invalidRequest.because("Your Amazon S3 AccessPoint name is invalid")
        }
    }

    /// The name of an existing access point: a valid-looking name that no access point could have is simply
    /// not there.
    static func forLookup(_ name: String) throws(S3Error) -> AccessPointName {
        guard matchesURIPattern(name) else { throw invalidURI(name) }
        guard let valid = try? AccessPointName(validating: name) else { throw noSuchAccessPoint(name) }
        return valid
    }

    static func noSuchAccessPoint(_ name: String) -> S3Error {
        S3Error.noSuchAccessPoint.adding("AccessPointName", name)
    }
}
