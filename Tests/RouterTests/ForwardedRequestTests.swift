import AccessPointCore
import Foundation
import S3HTTP
import Testing

@testable import S3Serving

/// Which client fields a store is handed: `ForwardedRequest.isDropped` compares names in place, and must answer
/// as lowercasing the name and looking it up in `droppedHeaders` does.
struct ForwardedRequestTests {
    static let names =
        ForwardedRequest.droppedHeaders.flatMap { [$0, $0.uppercased(), $0.capitalized] } + [
            "Content-Type", "x-amz-meta-owner", "Range", "If-None-Match", "x-amz-tagging", "hostx", "hos",
            "authorizatio", "X-Amz-Date2", "content-encoding", "", "x-amz-content-sha25", "Trailer",
        ]

    @Test(arguments: Self.names)
    func isDroppedAnswersAsTheSetDoes(name: String) {
        #expect(ForwardedRequest.isDropped(name) == ForwardedRequest.droppedHeaders.contains(name.lowercased()))
    }

    @Test func theStoreGetsTheObjectsFieldsTheBodysLengthAndTheCopySource() {
        let client: S3Headers = [
            "Host": "ap.example", "Authorization": "AWS4-HMAC-SHA256 …", "X-Amz-Date": "20261127T000000Z",
            "Content-Type": "text/plain", "x-amz-meta-owner": "alice", "Content-Encoding": "aws-chunked, gzip",
            "Content-Length": "99", "Expect": "100-continue", "x-amz-sdk-checksum-algorithm": "CRC32",
            "x-amz-checksum-crc32": "NhCmhg==",
        ]
        let forwarded = ForwardedRequest.headers(
            client,
            body: S3Body(string: "hello"),
            copySource: "bucket/key"
        )
        #expect(
            forwarded.fields.map { "\($0.name): \($0.value)" } == [
                "Content-Type: text/plain", "x-amz-meta-owner: alice", "Content-Encoding: gzip",
                "x-amz-checksum-crc32: NhCmhg==", "Content-Length: 5", "x-amz-copy-source: bucket/key",
            ]
        )
    }
}
