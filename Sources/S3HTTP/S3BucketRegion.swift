import AccessPointCore

/// How S3 tells a client where a bucket lives, for the servers that know: GetBucketLocation's document and the
/// fields HeadBucket adds. SDKs find a bucket's region by either (boto3's `BucketRegion`, the Go SDK's
/// `GetBucketRegion`, Hadoop's S3A), so a server answering for a bucket answers both alike.
public enum S3BucketRegion {
    /// GetBucketLocation's answer: `<LocationConstraint>` naming `region`, empty for us-east-1, as S3 names the
    /// region of the buckets made before regions had names.
    public static func location(_ region: String, id: S3RequestID) -> S3Response {
        let constraint = region == "us-east-1" ? "" : region
        let text =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\(constraint)</LocationConstraint>"
        var headers = S3ErrorRenderer.headers(id: id, contentType: "application/xml")
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        return S3Response(status: 200, headers: headers, body: S3Body(string: text))
    }

    /// A HeadBucket answer with S3's fields added: `x-amz-bucket-region`, and `x-amz-access-point-alias`, whether
    /// the request named the bucket by an access point alias. A field of either name already there (a store's
    /// behind a router names its own region, if any) is replaced.
    public static func headBucket(_ answer: S3Response, region: String, namedByAlias: Bool) -> S3Response {
        var response = answer
        response.headers.removeAll { field in
            S3Headers.name(field.name, matches: "x-amz-bucket-region")
                || S3Headers.name(field.name, matches: "x-amz-access-point-alias")
        }
        response.headers.add(name: "x-amz-bucket-region", value: region)
        response.headers.add(name: "x-amz-access-point-alias", value: namedByAlias ? "true" : "false")
        return response
    }
}
