import AccessPointCore
import Testing

struct S3ErrorTests {
    /// Error → code and status, from Amazon S3's error catalogue and the spec (§2.3, §5.7).
    static let statuses: [(S3Error, String, Int)] = [
        (.accessDenied, "AccessDenied", 403), (.invalidAccessKeyId, "InvalidAccessKeyId", 403),
        (.signatureDoesNotMatch, "SignatureDoesNotMatch", 403),
        (.authorizationHeaderMalformed, "AuthorizationHeaderMalformed", 400),
        (.requestTimeTooSkewed, "RequestTimeTooSkewed", 403),
        (.xAmzContentSHA256Mismatch, "XAmzContentSHA256Mismatch", 400),
        (.authorizationQueryParametersError, "AuthorizationQueryParametersError", 400),
        (.invalidRequest, "InvalidRequest", 400), (.invalidURI, "InvalidURI", 400),
        (.malformedPolicy, "MalformedPolicy", 400), (.noSuchKey, "NoSuchKey", 404),
        (.noSuchBucket, "NoSuchBucket", 404),
        (.noSuchAccessPoint, "NoSuchAccessPoint", 404), (.noSuchAccessPointPolicy, "NoSuchAccessPointPolicy", 404),
        (.accessPointAlreadyOwnedByYou, "AccessPointAlreadyOwnedByYou", 409),
        (.tooManyAccessPoints, "TooManyAccessPoints", 400),
        (.noSuchMultiRegionAccessPoint, "NoSuchMultiRegionAccessPoint", 404),
        (.noSuchAsyncRequest, "NoSuchAsyncRequest", 404),
        (.noSuchPublicAccessBlockConfiguration, "NoSuchPublicAccessBlockConfiguration", 404),
        (.permanentRedirect, "PermanentRedirect", 301), (.invalidRange, "InvalidRange", 416),
        (.preconditionFailed, "PreconditionFailed", 412), (.missingContentLength, "MissingContentLength", 411),
        (.methodNotAllowed, "MethodNotAllowed", 405), (.notImplemented, "NotImplemented", 501),
        (.internalError, "InternalError", 500), (.slowDown, "SlowDown", 503),
        (.noSuchCORSConfiguration, "NoSuchCORSConfiguration", 404),
        (.objectLockConfigurationNotFound, "ObjectLockConfigurationNotFoundError", 404),
        (.accessControlListNotSupported, "AccessControlListNotSupported", 400),
        (.invalidObjectState, "InvalidObjectState", 403), (.unexpectedContent, "UnexpectedContent", 400),
        (.invalidPartNumber, "InvalidPartNumber", 416),
    ]

    @Test(arguments: Self.statuses)
    func catalogueHasStatus(_ error: S3Error, code: String, status: Int) {
        #expect(error.code == code)
        #expect(error.status == status)
        #expect(S3Error.catalogue.contains(error))
    }

    @Test func codesAreUnique() {
        #expect(Set(S3Error.catalogue.map(\.code)).count == S3Error.catalogue.count)
    }

    @Test func equalityIgnoresMessageAndDetails() {
        let custom = S3Error.accessDenied.because("Request has expired").adding("X-Amz-Expires", "60")
        #expect(custom == .accessDenied)
        #expect(custom != .invalidRequest)
        #expect(custom.message == "Request has expired")
        #expect(custom.detail("X-Amz-Expires") == "60")
        #expect(S3Error.accessDenied.message == "Access Denied")
    }
}

struct S3ErrorDocumentTests {
    @Test func rendersTheDataPlaneEnvelope() {
        let error = S3Error.authorizationHeaderMalformed
            .because("The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'us-west-2'")
            .adding("Region", "us-west-2")
        let xml = S3ErrorDocument(error, envelope: .s3, requestID: "4442587FB7D0A2F9", hostID: "aG9zdA==").render()
        #expect(
            xml == """
                <?xml version="1.0" encoding="UTF-8"?><Error><Code>AuthorizationHeaderMalformed</Code>\
                <Message>The authorization header is malformed; the region &apos;us-east-1&apos; is wrong; expecting \
                &apos;us-west-2&apos;</Message><Region>us-west-2</Region><RequestId>4442587FB7D0A2F9</RequestId>\
                <HostId>aG9zdA==</HostId></Error>
                """
        )
    }

    @Test func rendersTheControlEnvelope() {
        let error = S3Error.noSuchAccessPoint.adding("AccessPointName", "my-ap")
        let xml = S3ErrorDocument(error, envelope: .control, requestID: "R1", hostID: "H1").render()
        #expect(
            xml == """
                <?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Code>NoSuchAccessPoint</Code>\
                <Message>The specified accesspoint does not exist</Message><AccessPointName>my-ap</AccessPointName>\
                </Error><RequestId>R1</RequestId><HostId>H1</HostId></ErrorResponse>
                """
        )
    }

    @Test func rendersResourceInTheDataPlaneEnvelope() {
        let error = S3Error.noSuchKey.adding("Key", "a/b")
        let xml = S3ErrorDocument(error, envelope: .s3, requestID: "R", hostID: "H", resource: "/a/b").render()
        #expect(xml.contains("<Key>a/b</Key><Resource>/a/b</Resource><RequestId>R</RequestId>"))
    }

    /// Untrusted text (a key, a header echoed back) can never break the document.
    @Test(arguments: [
        ("<script>&\"'", "&lt;script&gt;&amp;&quot;&apos;"),
        ("tab\tnew\nline", "tab\tnew\nline"),
        ("nul\u{0}bell\u{7}", "nul\u{FFFD}bell\u{FFFD}"),
        ("ünïcødé ☃", "ünïcødé ☃"),
    ])
    func escapesText(_ raw: String, escaped: String) {
        #expect(XMLText.escaped(raw) == escaped)
        let xml = S3ErrorDocument(.invalidRequest.because(raw), envelope: .s3, requestID: "R", hostID: "H").render()
        #expect(xml.contains("<Message>\(escaped)</Message>"))
    }
}
