import AccessPointCore
public import S3Auth

/// The access keys `aprouter store serve` accepts, given as `ACCESS_KEY_ID:SECRET_ACCESS_KEY` on the command line
/// or one pair a line in a file (blank lines and `#` comments ignored). Every key authenticates the same
/// principal: the store has no users, only keys that may use it.
public enum StoreCredentials {
    /// The account every key belongs to, named as the buckets' owner in ListBuckets.
    static let account: AccountID = {
        do {
            return try AccountID(validating: "000000000000")
        } catch {
            preconditionFailure("twelve zeros are an account id")
        }
    }()

    /// One `ACCESS_KEY_ID:SECRET_ACCESS_KEY` pair (the secret may itself contain `:`), or why it is not one.
    public static func parse(_ text: some StringProtocol) -> Result<SigV4Credential, StoreCredentialsError> {
        guard let colon = text.firstIndex(of: ":") else {
            return .failure(StoreCredentialsError("expected ACCESS_KEY_ID:SECRET_ACCESS_KEY, found no ':'"))
        }
        let key = String(text[..<colon])
        let secret = String(text[text.index(after: colon)...])
        guard !key.isEmpty, key.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric }) else {
            return .failure(
                StoreCredentialsError("the access key id must be letters and digits, like AKIAIOSFODNN7EXAMPLE")
            )
        }
        guard !secret.isEmpty, secret.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            return .failure(StoreCredentialsError("the secret access key must be printable ASCII without spaces"))
        }
        return .success(
            SigV4Credential(
                accessKeyID: key,
                secretAccessKey: secret,
                identity: SigV4Identity(
                    accountID: account,
                    userARN: "arn:aws:iam::\(account):user/\(key)",
                    userName: key
                )
            )
        )
    }

    /// Every pair in a credentials file, or the first line that is not one (numbered from 1).
    public static func parseFile(_ text: String) -> Result<[SigV4Credential], StoreCredentialsError> {
        var credentials: [SigV4Credential] = []
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: " \t\r")
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            switch parse(trimmed) {
            case .success(let credential): credentials.append(credential)
            case .failure(let error): return .failure(StoreCredentialsError("line \(index + 1): \(error.reason)"))
            }
        }
        return .success(credentials)
    }
}

/// Why a credential pair or file was refused.
public struct StoreCredentialsError: Error, Sendable, CustomStringConvertible {
    public let reason: String

    init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

extension Unicode.Scalar {
    fileprivate var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var text = self
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return text
    }
}
