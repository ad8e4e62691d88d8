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
            // S3 names us-east-1 by an empty constraint, for the buckets made before regions had names.
            let region = bucket.region.rawValue == "us-east-1" ? "" : bucket.region.rawValue
            return response(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    + "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\(region)</LocationConstraint>",
                contentType: "application/xml",
                id: id
            )
        default:
            return nil
        }
    }

    /// The store's answer to HeadBucket with the fields S3 adds to it: the bucket's region, which SDKs read to find
    /// where a bucket lives (boto3's `BucketRegion`, the Go SDK's `GetBucketRegion`), and whether the request named
    /// the bucket by an access point alias. Both are the lab's: a store behind the router knows neither (an
    /// S3-compatible one names its own region, if any), so a field of the store's by either name is replaced.
    static func headBucket(_ stored: S3Response, bucket: RouterTable.Bucket, host: HostClass) -> S3Response {
        var response = stored
        response.headers.removeAll { field in
            S3Headers.name(field.name, matches: "x-amz-bucket-region")
                || S3Headers.name(field.name, matches: "x-amz-access-point-alias")
        }
        response.headers.add(name: "x-amz-bucket-region", value: bucket.region.rawValue)
        let alias = if case .accessPointAlias = host { true } else { false }
        response.headers.add(name: "x-amz-access-point-alias", value: alias ? "true" : "false")
        return response
    }

    private static func response(_ text: String, contentType: String, id: S3RequestID) -> S3Response {
        var headers = S3ErrorRenderer.headers(id: id)
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        return S3Response(status: 200, headers: headers, body: S3Body(string: text))
    }
}
