import AccessPointCore
import PolicyEngine
import S3HTTP

/// The bucket reads an access point answers from the lab rather than from the bucket's store: the bucket's policy
/// (the router enforces it and holds it; the store behind, embedded or an S3-compatible server, knows nothing of
/// it) and the bucket's region. Asked only once the request is authorized, like any other operation.
enum BucketReads {
    static func answer(
        _ operation: S3Operation,
        bucket: RouterTable.Bucket,
        id: S3RequestID
    ) throws(S3Error) -> S3Response? {
        switch operation {
        case .getBucketPolicy:
            guard let text = bucket.policyText else {
                throw S3Error.noSuchBucketPolicy.adding("BucketName", bucket.name.rawValue)
            }
            return response(text, contentType: "application/json", id: id)
        case .getBucketLocation:
            return S3BucketRegion.location(bucket.region.rawValue, id: id)
        default:
            return nil
        }
    }

    /// The store's answer to HeadBucket (which says whether the bucket is there) with S3's fields for the bucket's
    /// region and the alias, both the lab's: a store behind the router knows neither.
    static func headBucket(_ stored: S3Response, bucket: RouterTable.Bucket, host: HostClass) -> S3Response {
        let alias = if case .accessPointAlias = host { true } else { false }
        return S3BucketRegion.headBucket(stored, region: bucket.region.rawValue, namedByAlias: alias)
    }

    private static func response(_ text: String, contentType: String, id: S3RequestID) -> S3Response {
        var headers = S3ErrorRenderer.headers(id: id)
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        return S3Response(status: 200, headers: headers, body: S3Body(string: text))
    }
}
