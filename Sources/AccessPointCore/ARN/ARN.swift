/// The six fields of any ARN: `arn:partition:service:region:account-id:resource`.
///
/// The resource is everything after the fifth colon, kept whole (it may contain `:` and `/`).
public struct ARN: Hashable, Sendable, CustomStringConvertible {
    public var partition: String
    public var service: String
    public var region: String
    public var account: String
    public var resource: String

    public init(partition: String, service: String, region: String, account: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    public init(parsing text: String) throws(ARNError) {
        let fields = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn" else {
            throw .malformed.because("'\(text)' is not an ARN: expected arn:partition:service:region:account:resource")
        }
        guard Self.isPartition(fields[1]) else {
            throw .invalidPartition.because(
                "ARN '\(text)' has partition '\(fields[1])'; expected aws, aws-cn, aws-us-gov…"
            )
        }
        guard !fields[2].isEmpty else { throw .malformed.because("ARN '\(text)' has no service") }
        guard !fields[5].isEmpty else { throw .invalidResource.because("ARN '\(text)' has no resource") }
        self.init(
            partition: String(fields[1]),
            service: String(fields[2]),
            region: String(fields[3]),
            account: String(fields[4]),
            resource: String(fields[5])
        )
    }

    /// `aws` optionally followed by `-word` groups of lower-case letters.
    static func isPartition(_ text: Substring) -> Bool {
        guard text.hasPrefix("aws") else { return false }
        return text.dropFirst(3).split(separator: "-", omittingEmptySubsequences: false).dropFirst().allSatisfy {
            !$0.isEmpty && $0.utf8.allSatisfy(NameRules.isLowerLetter)
        } && (text.count == 3 || text.dropFirst(3).hasPrefix("-"))
    }

    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }
}
