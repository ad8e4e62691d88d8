import AccessPointCore
import S3HTTP
import Testing

@testable import UpstreamStore

/// What a bucket request becomes upstream, before any network: the signed path, host, query and fields.
struct UpstreamRequestHeadTests {
    static let id = S3RequestID(requestID: "REQ", hostID: "HOST")

    static func head(
        key: String?,
        query: String = "",
        headers: S3Headers = [:],
        endpoint: String = "http://127.0.0.1:9000",
        pathStyle: Bool = true
    ) throws -> UpstreamRequestHead {
        let request = BucketRequest(
            method: "GET",
            bucket: "lab-bucket",
            key: key,
            query: query,
            headers: headers,
            id: id
        )
        let endpoint = try #require(UpstreamEndpoint(endpoint))
        return UpstreamRequestHead(request: request, endpoint: endpoint, remoteBucket: "remote", pathStyle: pathStyle)
    }

    static let paths: [(String?, String)] = [
        (nil, "/remote"),
        ("a.txt", "/remote/a.txt"),
        ("dir/sub/file", "/remote/dir/sub/file"),
        ("with space+plus%pct", "/remote/with%20space%2Bplus%25pct"),
        ("ünï/cödé~-_.", "/remote/%C3%BCn%C3%AF/c%C3%B6d%C3%A9~-_."),
        ("a//b/", "/remote/a//b/"),
        ("q?#&=", "/remote/q%3F%23%26%3D"),
    ]

    @Test(arguments: Self.paths)
    func encodesKeyPathStyle(key: String?, path: String) throws {
        let head = try Self.head(key: key)
        #expect(head.path == path)
        #expect(head.host == "127.0.0.1:9000")
        #expect("\(head.scheme)://\(head.host)\(head.target)" == "http://127.0.0.1:9000" + path)
    }

    @Test func namesBucketInHostForVirtualHostedStyle() throws {
        let object = try Self.head(key: "a b", endpoint: "https://s3.example.test", pathStyle: false)
        #expect(object.host == "remote.s3.example.test")
        #expect(object.path == "/a%20b")
        #expect("\(object.scheme)://\(object.host)\(object.target)" == "https://remote.s3.example.test/a%20b")
        let bucket = try Self.head(
            key: nil,
            query: "list-type=2",
            endpoint: "https://s3.example.test",
            pathStyle: false
        )
        #expect(bucket.target == "/?list-type=2")
        #expect("\(bucket.scheme)://\(bucket.host)\(bucket.target)" == "https://remote.s3.example.test/?list-type=2")
    }

    @Test func keepsEndpointBasePath() throws {
        let head = try Self.head(key: "k", endpoint: "http://host:8080/s3/")
        #expect(head.path == "/s3/remote/k")
        #expect(head.host == "host:8080")
    }

    static let queries: [(String, String)] = [
        ("", ""),
        ("uploads", "uploads"),
        ("list-type=2&prefix=dir%2F&delimiter=%2F", "list-type=2&prefix=dir%2F&delimiter=%2F"),
        ("prefix=a+b", "prefix=a%2Bb"),
        ("prefix=a%20b&x=%7e", "prefix=a%20b&x=~"),
        ("uploadId=abc%3D%3D&partNumber=2", "uploadId=abc%3D%3D&partNumber=2"),
        ("prefix=100%", "prefix=100%25"),
        ("X-Amz-Signature=abc&versionId=v1&X-Amz-Credential=k%2F1", "versionId=v1"),
    ]

    @Test(arguments: Self.queries)
    func reencodesQueryInOrder(raw: String, sent: String) throws {
        #expect(try Self.head(key: "k", query: raw).query == sent)
    }

    @Test func dropsHopByHopAndClientAuthenticationFields() throws {
        let headers: S3Headers = [
            "Host": "ap.s3-accesspoint.lab", "Authorization": "AWS4-HMAC-SHA256 …", "X-Amz-Date": "20250101T000000Z",
            "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-security-token": "t",
            "Connection": "keep-alive", "Keep-Alive": "timeout=5", "Transfer-Encoding": "chunked", "TE": "trailers",
            "Upgrade": "h2c", "Proxy-Authorization": "x", "Expect": "100-continue", "Content-Length": "5",
            "x-amz-decoded-content-length": "5", "x-amz-trailer": "x-amz-checksum-crc32",
            "Content-Type": "text/plain", "Range": "bytes=0-1", "If-None-Match": "\"e\"", "x-amz-meta-Color": "blue",
            "x-amz-tagging": "a=b", "Cache-Control": "no-cache", "x-amz-checksum-crc32": "AAAAAA==",
            "Content-Encoding": "aws-chunked,gzip",
        ]
        let sent = try Self.head(key: "k", headers: headers).headers
        #expect(
            sent.map(\.name) == [
                "Host", "Content-Type", "Range", "If-None-Match", "x-amz-meta-Color", "x-amz-tagging", "Cache-Control",
                "x-amz-checksum-crc32", "Content-Encoding",
            ]
        )
        #expect(sent.first?.value == "127.0.0.1:9000")
        #expect(sent.last?.value == "gzip")
    }

    static let copySources: [(String, String)] = [
        ("lab-bucket/src/key", "remote/src/key"),
        ("/lab-bucket/src%20key?versionId=1", "/remote/src%20key?versionId=1"),
        ("other-bucket/key", "other-bucket/key"),
        ("lab-bucket-2/key", "lab-bucket-2/key"),
    ]

    @Test(arguments: Self.copySources)
    func pointsCopySourceAtRemoteBucket(value: String, sent: String) throws {
        let head = try Self.head(key: "k", headers: ["x-amz-copy-source": value])
        #expect(head.headers.first { $0.name == "x-amz-copy-source" }?.value == sent)
    }

    static let endpoints: [(String, String?, String?)] = [
        ("http://127.0.0.1:9000", "127.0.0.1:9000", ""),
        ("https://s3.amazonaws.com/", "s3.amazonaws.com", ""),
        ("http://[::1]:9000/base//", "[::1]:9000", "/base"),
        ("ftp://host", nil, nil),
        ("http://", nil, nil),
        ("http://user@host", nil, nil),
    ]

    @Test(arguments: Self.endpoints)
    func parsesEndpoint(text: String, authority: String?, basePath: String?) {
        let endpoint = UpstreamEndpoint(text)
        #expect(endpoint?.authority == authority)
        #expect(endpoint?.basePath == basePath)
    }
}
