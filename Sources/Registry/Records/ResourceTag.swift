/// One tag of an access point: a key and its value, both case-sensitive. The control API checks the tagging
/// rules (spec §3, botocore's `Tag` shape) before a tag reaches the registry.
public struct ResourceTag: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
