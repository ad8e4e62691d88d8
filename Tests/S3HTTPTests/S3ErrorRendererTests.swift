import AccessPointCore
import NIOCore
import S3HTTP
import Testing

struct S3ErrorRendererTests {
    static let id = S3RequestID(requestID: "4442587FB7D0A2F9", hostID: "host-id")

    static let table: [(S3Error, S3ErrorDocument.Envelope, Int, String)] = [
        (
            .noSuchAccessPoint.adding("AccessPointName", "my-ap"), .control, 404,
            #"<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Code>NoSuchAccessPoint</Code>"#
                + "<Message>The specified accesspoint does not exist</Message><AccessPointName>my-ap</AccessPointName>"
                + "</Error><RequestId>4442587FB7D0A2F9</RequestId><HostId>host-id</HostId></ErrorResponse>"
        ),
        (
            .accessDenied, .s3, 403,
            #"<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message>"#
                + "<RequestId>4442587FB7D0A2F9</RequestId><HostId>host-id</HostId></Error>"
        ),
        (
            .accessPointAlreadyOwnedByYou, .control, 409,
            #"<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Code>AccessPointAlreadyOwnedByYou</Code>"#
                + "<Message>Your previous request to create the named accesspoint succeeded and you already own it."
                + "</Message></Error><RequestId>4442587FB7D0A2F9</RequestId><HostId>host-id</HostId></ErrorResponse>"
        ),
    ]

    @Test(arguments: Self.table)
    func rendersStatusHeadersAndBody(error: S3Error, envelope: S3ErrorDocument.Envelope, status: Int, body: String) {
        let response = S3ErrorRenderer(envelope: envelope).response(for: error, id: Self.id)
        #expect(response.status == status)
        #expect(response.headers["content-type"] == "application/xml")
        #expect(response.headers["X-Amz-Request-Id"] == "4442587FB7D0A2F9")
        #expect(response.headers["x-amz-id-2"] == "host-id")
        #expect(String(buffer: response.body.buffer ?? ByteBuffer()) == body)
    }

    @Test func randomRequestIDsAreShapedLikeS3s() {
        let id = RandomS3RequestIDGenerator().next()
        #expect(id.requestID.count == 16)
        #expect(id.requestID.allSatisfy { $0.isHexDigit && !$0.isLowercase })
        #expect(id.hostID.count == 76)
        #expect(RandomS3RequestIDGenerator().next() != id)
    }
}
