import S3HTTP

/// Which bucket and key a request names, path-style (`/BUCKET/KEY`) or virtual-hosted (`BUCKET.DOMAIN/KEY`), the
/// way S3-compatible servers (MinIO's `MINIO_DOMAIN`, rclone's `--force-path-style=false`) read them.
enum StoreAddressing {
    enum Target: Equatable {
        /// `GET /` on the service: ListBuckets.
        case service
        /// A bucket, and the decoded key when the path names one.
        case bucket(String, key: String?)
    }

    /// The target of `rawPath` (still percent-encoded) sent to `host`; nil when the path is not valid
    /// percent-encoded UTF-8.
    static func target(host: String, rawPath: String, domains: [String]) -> Target? {
        var path = Substring(rawPath)
        if path.hasPrefix("/") { path = path.dropFirst() }
        if let bucket = virtualHostedBucket(host, domains: domains) {
            return decodedKey(path).map { .bucket(bucket, key: $0.isEmpty ? nil : $0) }
        }
        guard !path.isEmpty else { return .service }
        let bucketLabel: Substring
        let keyPart: Substring
        if let slash = path.firstIndex(of: "/") {
            bucketLabel = path[..<slash]
            keyPart = path[path.index(after: slash)...]
        } else {
            bucketLabel = path
            keyPart = ""
        }
        guard let bucket = PercentDecoding.decode(String(bucketLabel)), let key = decodedKey(keyPart) else {
            return nil
        }
        return .bucket(bucket, key: key.isEmpty ? nil : key)
    }

    /// `BUCKET` when `host` (maybe with a port, any case, maybe a trailing dot) is `BUCKET.DOMAIN`.
    static func virtualHostedBucket(_ host: String, domains: [String]) -> String? {
        var name = Substring(host.lowercased())
        if let colon = name.lastIndex(of: ":"), !name.hasSuffix("]") { name = name[..<colon] }
        if name.hasSuffix(".") { name = name.dropLast() }
        for domain in domains where name.hasSuffix("." + domain) {
            let bucket = name.dropLast(domain.count + 1)
            if !bucket.isEmpty { return String(bucket) }
        }
        return nil
    }

    private static func decodedKey(_ raw: Substring) -> String? {
        raw.isEmpty ? "" : PercentDecoding.decode(String(raw))
    }
}
