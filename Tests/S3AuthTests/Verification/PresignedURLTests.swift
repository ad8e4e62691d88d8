import AccessPointCore
import S3Auth
import Testing

/// Presigned URLs (spec §5.4): expiry bounds, expiry in time, and the payload they promise.
struct PresignedURLTests {
    static let signer = SigV4Signer(
        accessKeyID: Example.accessKeyID,
        secretAccessKey: Example.secret,
        region: "us-east-1"
    )
    static let request = SigV4Request(
        method: "GET",
        path: "/test.txt",
        headers: [("Host", "examplebucket.s3.amazonaws.com")]
    )

    func verify(_ request: SigV4Request, now: AmzDate) throws(S3Error) -> SigV4Authentication {
        try SigV4Verifier().verify(request, region: .exactly("us-east-1"), credentials: Example.credentials, now: now)
    }

    @Test func reproducesTheSpecExample() {
        let presigned = Self.signer.presign(Self.request, expires: 86_400, now: Example.time)
        #expect(
            presigned.query.hasSuffix(
                "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
            )
        )
    }

    @Test(arguments: [(0 as Int64, true), (3600, true), (3601, false)])
    func expires(after seconds: Int64, accepted: Bool) throws {
        let presigned = Self.signer.presign(Self.request, expires: 3600, now: Example.time)
        let now = Example.time.adding(seconds: seconds)
        if accepted {
            let verified = try verify(presigned, now: now)
            #expect(verified.location == .query)
            guard case .unsigned = verified.payload else {
                Issue.record("a presigned URL promises no payload hash")
                return
            }
        } else {
            let error = #expect(throws: S3Error.accessDenied) { try verify(presigned, now: now) }
            #expect(error?.message == "Request has expired")
            #expect(error?.detail("X-Amz-Expires") == "3600")
            #expect(error?.detail("Expires") == "2013-05-24T01:00:00Z")
            #expect(error?.detail("ServerTime") == "2013-05-24T01:00:01Z")
        }
    }

    @Test func acceptsAWeekButNoMore() throws {
        let week = Self.signer.presign(Self.request, expires: 604_800, now: Example.time)
        _ = try verify(week, now: Example.time)
        let longer = Self.signer.presign(Self.request, expires: 604_801, now: Example.time)
        let error = #expect(throws: S3Error.authorizationQueryParametersError) { try verify(longer, now: Example.time) }
        #expect(error?.message == "X-Amz-Expires must be less than a week (in seconds) that is 604800")
    }

    @Test func refusesAURLSignedInTheFuture() {
        let presigned = Self.signer.presign(Self.request, expires: 3600, now: Example.time.adding(seconds: 1000))
        #expect(throws: S3Error.requestTimeTooSkewed) { try verify(presigned, now: Example.time) }
    }

    @Test func refusesAStolenSignatureOnAnotherKey() {
        var presigned = Self.signer.presign(Self.request, expires: 3600, now: Example.time)
        presigned.path = "/other.txt"
        #expect(throws: S3Error.signatureDoesNotMatch) { try verify(presigned, now: Example.time) }
    }
}
