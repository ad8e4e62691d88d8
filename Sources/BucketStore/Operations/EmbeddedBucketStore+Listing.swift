internal import AccessPointCore
internal import S3HTTP

/// The owner every listing names: the store has one account, so one canonical user.
enum StoreOwner {
    static let id = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"
    static let displayName = "aprouter"

    static func write(_ element: String, into writer: inout XMLWriter) {
        writer.element(element) { owner in
            owner.element("ID", id)
            owner.element("DisplayName", displayName)
        }
    }
}

/// What every listing (objects, versions, multipart uploads) reads from its query alike: `prefix`, `delimiter`
/// (empty is none), `encoding-type`, and its page size under the name `limit` gives.
struct ListingQuery {
    let prefix: String
    let delimiter: String?
    /// Keys as they are, or URL-encoded (`encoding-type=url`).
    let encode: (String) -> String
    let limit: Int
    let encodingRequested: Bool

    init(_ request: BucketRequest, limit name: String) throws(S3Error) {
        prefix = request.queryValue("prefix") ?? ""
        delimiter = request.queryValue("delimiter").flatMap { $0.isEmpty ? nil : $0 }
        encode = try EmbeddedBucketStore.encoding(request)
        limit = try EmbeddedBucketStore.maxItems(request, name)
        encodingRequested = request.queryValue("encoding-type") != nil
    }

    /// `EncodingType`, echoed when the request named one.
    func writeEncodingType(into writer: inout XMLWriter) {
        if encodingRequested { writer.element("EncodingType", "url") }
    }
}

/// One page of a listing: objects and rolled-up common prefixes, in key order.
struct ListingPage: Sendable {
    var objects: [ObjectSummary] = []
    var commonPrefixes: [String] = []
    var isTruncated = false
    /// The last key or common prefix on the page: where the next page starts.
    var last: (value: String, isPrefix: Bool)?
}

extension EmbeddedBucketStore {
    /// ListObjects (version 1, `marker`) and ListObjectsV2 (`list-type=2`, continuation tokens): keys in UTF-8
    /// binary order, rolled up at `delimiter` after `prefix`, at most `max-keys` (up to 1000) entries per page.
    func listObjects(_ request: BucketRequest, _ storage: BucketStorage, version: Int) throws(S3Error) -> S3Response {
        let listing = try ListingQuery(request, limit: "max-keys")
        let (prefix, delimiter, encode, maxKeys) = (listing.prefix, listing.delimiter, listing.encode, listing.limit)
        var after: [UInt8] = []
        var skipPrefix: String?
        let token = request.queryValue("continuation-token")
        if version == 2, let token {
            guard let decoded = Base64.decode(token), let kind = decoded.first,
                let value = String(validating: decoded.dropFirst(), as: UTF8.self)
            else {
                throw .invalidArgument.because("The continuation token provided is incorrect").adding(
                    "ArgumentName",
                    "continuation-token"
                )
            }
            after = Array(value.utf8)
            if kind == UInt8(ascii: "P") { skipPrefix = value }
        } else if let start = request.queryValue(version == 2 ? "start-after" : "marker") {
            after = Array(start.utf8)
            if version == 1 { skipPrefix = Self.rolledUpMarker(start, prefix: prefix, delimiter: delimiter) }
        }
        let page = storage.readIndex { index in
            Self.page(index, prefix: prefix, delimiter: delimiter, after: after, skipping: skipPrefix, limit: maxKeys)
        }

        var writer = XMLWriter(root: "ListBucketResult")
        writer.element("Name", storage.name)
        writer.element("Prefix", encode(prefix))
        if version == 2 {
            if let token { writer.element("ContinuationToken", token) }
            if page.isTruncated, let last = page.last {
                writer.element(
                    "NextContinuationToken",
                    Base64.encode(Array(((last.isPrefix ? "P" : "K") + last.value).utf8))
                )
            }
            if let start = request.queryValue("start-after") { writer.element("StartAfter", encode(start)) }
            writer.element("KeyCount", page.objects.count + page.commonPrefixes.count)
        } else {
            writer.element("Marker", encode(request.queryValue("marker") ?? ""))
            if page.isTruncated, delimiter != nil, let last = page.last {
                writer.element("NextMarker", encode(last.value))
            }
        }
        writer.element("MaxKeys", maxKeys)
        if let delimiter { writer.element("Delimiter", encode(delimiter)) }
        listing.writeEncodingType(into: &writer)
        writer.element("IsTruncated", page.isTruncated)
        let withOwner = version == 1 || request.queryValue("fetch-owner") == "true"
        for object in page.objects {
            writer.element("Contents") { contents in
                contents.element("Key", encode(object.key))
                contents.element("LastModified", HTTPDate.iso8601(milliseconds: object.lastModified))
                contents.element("ETag", "\"\(object.etag)\"")
                object.writeChecksum(into: &contents)
                contents.element("Size", object.size)
                if withOwner { StoreOwner.write("Owner", into: &contents) }
                contents.element("StorageClass", object.storageClass)
            }
        }
        for commonPrefix in page.commonPrefixes {
            writer.element("CommonPrefixes") { $0.element("Prefix", encode(commonPrefix)) }
        }
        writer.close("ListBucketResult")
        return xml(writer, request)
    }

    /// `encoding-type`: absent (keys as they are) or `url`.
    static func encoding(_ request: BucketRequest) throws(S3Error) -> (String) -> String {
        switch request.queryValue("encoding-type") {
        case nil: return { $0 }
        case "url": return URLEncoding.encode
        default:
            throw .invalidArgument.because("Invalid Encoding Method specified in Request").adding(
                "ArgumentName",
                "encoding-type"
            )
        }
    }

    /// `max-keys`, `max-uploads`, `max-parts`: a non-negative integer, 1000 when absent, at most 1000.
    static func maxItems(_ request: BucketRequest, _ name: String) throws(S3Error) -> Int {
        guard let text = request.queryValue(name) else { return 1000 }
        guard let value = Int64(digits: text) else {
            throw .invalidArgument.because("Provided \(name) not an integer or within integer range").adding(
                "ArgumentName",
                name
            )
        }
        return Int(min(value, 1000))
    }

    /// One page of `index`: keys after `after` that start with `prefix`, those sharing a common prefix rolled up
    /// into one entry, which counts once toward `limit`.
    static func page(
        _ index: ObjectIndex,
        prefix: String,
        delimiter: String?,
        after: [UInt8],
        skipping skippedPrefix: String?,
        limit: Int
    ) -> ListingPage {
        var page = ListingPage()
        let prefixBytes = Array(prefix.utf8)
        let start = max(index.position(after: after), index.position(of: prefixBytes))
        let delimiterBytes = delimiter.map { Array($0.utf8) }
        let skipped = skippedPrefix.map { Array($0.utf8) }
        var position = start
        var count = 0
        var currentPrefix: [UInt8]?
        guard limit > 0 else { return page }
        while position < index.keys.count {
            let key = index.keys[position]
            position += 1
            guard key.starts(with: prefixBytes) else { break }
            if let skipped, key.starts(with: skipped) { continue }
            if let delimiterBytes, let rolled = Self.rollUp(key, prefixLength: prefixBytes.count, delimiterBytes) {
                if rolled == currentPrefix { continue }
                guard count < limit else {
                    page.isTruncated = true
                    break
                }
                currentPrefix = rolled
                let text = String(decoding: rolled, as: UTF8.self)
                page.commonPrefixes.append(text)
                page.last = (text, true)
                count += 1
                continue
            }
            guard count < limit else {
                page.isTruncated = true
                break
            }
            guard let summary = index[key] else { continue }
            page.objects.append(summary)
            page.last = (summary.key, false)
            count += 1
        }
        return page
    }

    /// A marker that is a common prefix of the listing (it ends at the first `delimiter` after `prefix`, as the
    /// `NextMarker` of a page that ended on a rolled-up prefix does): the next page starts after every key under
    /// it, not inside it. nil for a marker that is a key.
    static func rolledUpMarker(_ marker: String, prefix: String, delimiter: String?) -> String? {
        guard let delimiter else { return nil }
        let bytes = Array(marker.utf8)
        guard bytes.starts(with: prefix.utf8),
            let rolled = rollUp(bytes, prefixLength: prefix.utf8.count, Array(delimiter.utf8)), rolled == bytes
        else { return nil }
        return marker
    }

    /// The key up to and including the first `delimiter` after the prefix, or nil when it has none.
    static func rollUp(_ key: [UInt8], prefixLength: Int, _ delimiter: [UInt8]) -> [UInt8]? {
        guard !delimiter.isEmpty, key.count >= prefixLength + delimiter.count else { return nil }
        var index = prefixLength
        while index + delimiter.count <= key.count {
            if key[index..<index + delimiter.count].elementsEqual(delimiter) {
                return Array(key[..<(index + delimiter.count)])
            }
            index += 1
        }
        return nil
    }
}
