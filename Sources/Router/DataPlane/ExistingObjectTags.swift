import AccessPointCore
import NIOCore
import S3HTTP

/// The tags stored with an object, for policies that test `s3:ExistingObjectTag/<key>` (spec §4.3): read from the
/// bucket's store with GetObjectTagging before the decision, and only when a policy in the chain needs them.
enum ExistingObjectTags {
    /// A tag set is at most 10 tags of 128 + 256 characters; anything larger is not a tag set.
    static let maximumBodySize = 64 << 10

    /// The object's tags; none when it does not exist or the store does not say (a condition on a missing tag
    /// then behaves as on an untagged object).
    static func read(
        key: String,
        bucket: String,
        from store: any BucketResponder,
        id: S3RequestID
    ) async -> [String: String] {
        let response = await store.respond(
            to: BucketRequest(
                method: "GET",
                bucket: bucket,
                key: key,
                query: "tagging",
                headers: [:],
                body: .empty,
                id: id
            )
        )
        guard response.status == 200, let body = try? await response.body.collected(upTo: maximumBodySize) else {
            return [:]
        }
        return tags(in: String(buffer: body))
    }

    /// The `<Tag><Key>…</Key><Value>…</Value></Tag>` pairs of a GetObjectTagging answer.
    static func tags(in xml: String) -> [String: String] {
        var tags: [String: String] = [:]
        var rest = xml[...]
        while let open = rest.firstRange(of: "<Tag>"), let close = rest[open.upperBound...].firstRange(of: "</Tag>") {
            let element = rest[open.upperBound..<close.lowerBound]
            if let key = value(of: "Key", in: element) {
                tags[key] = value(of: "Value", in: element) ?? ""
            }
            rest = rest[close.upperBound...]
        }
        return tags
    }

    private static func value(of name: String, in element: Substring) -> String? {
        if element.contains("<\(name)/>") { return "" }
        guard let open = element.firstRange(of: "<\(name)>"),
            let close = element[open.upperBound...].firstRange(of: "</\(name)>")
        else { return nil }
        return DeleteObjectsKeys.unescaped(element[open.upperBound..<close.lowerBound])
    }
}
