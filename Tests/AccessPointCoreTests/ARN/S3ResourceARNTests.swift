import AccessPointCore
import Testing

struct S3ResourceARNTests {
    /// ARNs that parse, and must print back exactly as written.
    static let roundTrips = [
        "arn:aws:s3:::example-bucket",
        "arn:aws:s3:::example-bucket/photos/2026/cat.jpg",
        "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap",
        "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap/object/unit-01/finance/*",
        "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap/object/a/b//c",
        "arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/ap1",
        "arn:aws-us-gov:s3:us-gov-west-1:111122223333:accesspoint/finance-docs",
        "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap",
        "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap/object/k",
        "arn:aws-cn:s3:::bucket-in-china",
    ]

    @Test(arguments: Self.roundTrips)
    func parsesAndFormats(_ text: String) throws {
        #expect(try S3ResourceARN(parsing: text).description == text)
    }

    @Test func parsesTheParts() throws {
        let arn = try S3ResourceARN(
            parsing: "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap/object/Jane/notes.txt"
        )
        guard case .accessPointObject(let ap, let key) = arn else {
            Issue.record("expected an access point object ARN, got \(arn)")
            return
        }
        #expect(ap.name.rawValue == "my-ap")
        #expect(ap.account.rawValue == "123456789012")
        #expect(ap.region.rawValue == "us-west-2")
        #expect(ap.hostLabel == "my-ap-123456789012")
        #expect(key == "Jane/notes.txt")
    }

    @Test func acceptsTheColonForm() throws {
        // botocore accepts `accesspoint:NAME` and sends it to the same host as `accesspoint/NAME`.
        let arn = try S3ResourceARN(parsing: "arn:aws:s3:us-west-2:123456789012:accesspoint:my-ap")
        #expect(arn.description == "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap")
    }

    static let refusals: [(String, ARNError, String)] = [
        ("", .malformed, "is not an ARN"),
        ("arn:aws:s3", .malformed, "is not an ARN"),
        ("urn:aws:s3:::bucket", .malformed, "is not an ARN"),
        ("arn:azure:s3:::bucket", .invalidPartition, "partition"),
        ("arn:aws:iam::123456789012:user/alice", .unsupportedService, "not s3"),
        ("arn:aws:s3:us-west-2:123456789012:bucket", .invalidResource, "empty region and account"),
        ("arn:aws:s3:::Bad_Bucket", .invalidResource, "bucket name"),
        ("arn:aws:s3:::bucket/", .invalidResource, "empty key"),
        ("arn:aws:s3:us-west-2:12345:accesspoint/my-ap", .invalidAccount, "12 digits"),
        ("arn:aws:s3:uswest2:123456789012:accesspoint/my-ap", .invalidRegion, "not a region code"),
        ("arn:aws:s3:cn-north-1:123456789012:accesspoint/my-ap", .invalidPartition, "aws-cn"),
        ("arn:aws:s3:us-west-2:123456789012:accesspoint/my.ap", .invalidResource, "'.'"),
        ("arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap/extra", .invalidResource, "/object/KEY"),
        ("arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap/object/", .invalidResource, "/object/KEY"),
        ("arn:aws:s3:us-west-2:123456789012:accesspoint/", .invalidResource, "at least 3 characters"),
        ("arn:aws:s3::123456789012:accesspoint/my-ap", .invalidResource, ".mrap"),
        ("arn:aws:s3::123456789012:accesspoint/9abc.mrap", .invalidResource, "must start with a letter"),
    ]

    @Test(arguments: Self.refusals)
    func refusesMalformedARNs(_ text: String, error expected: ARNError, mentioning phrase: String) {
        do {
            let arn = try S3ResourceARN(parsing: text)
            Issue.record("'\(text)' parsed as \(arn)")
        } catch {
            #expect(error == expected)
            #expect(error.reason.contains(phrase), "\(error.reason)")
        }
    }
}
