import AccessPointCore
import Testing

@testable import S3Auth

/// The byte-level readers of the `Authorization` header, the credential and `SignedHeaders` answer as the general,
/// String-based readers wherever they answer at all (they leave every other input to them).
struct PlainClaimsTests {
    static let credentials: [String] = [
        "AKIDEXAMPLE/20261126/us-west-2/s3/aws4_request", "AKIDEXAMPLE/20261126/us-west-2/s3/aws4_request/",
        "AKIDEXAMPLE/20261126/us-west-2/s3/aws4_requesT", "AKIDEXAMPLE/20261126/us-west-2/s3",
        "/20261126/a/s3/aws4_request",
        "AKID/20260230/us-west-2/s3/aws4_request", "AKID/20261301/us-west-2/s3/aws4_request",
        "AKID/2026112/us-west-2/s3/aws4_request", "AKID/2026112x/us-west-2/s3/aws4_request",
        "AKID/20261126//s3/aws4_request", "AKID/20261126/us-west-2//aws4_request",
        "AKID/20261126/US-WEST-2/s3/aws4_request", "AK ID/20261126/us-west-2/s3/aws4_request",
        "AKIDé/20261126/us-west-2/s3/aws4_request", "AKID/20240229/us_west/s3/aws4_request",
        "AKID/20240229/eu-central-1/s3/aws4_request", "", "////",
    ]

    @Test(arguments: Self.credentials)
    func readsCredentialsAsTheGeneralReader(_ text: String) {
        let general = SignatureClaims.generalCredential(text, .hmacSHA256)
        let plain = SignatureClaims.plainCredential(text)
        if let plain {
            #expect(plain.0 == general?.0)
            #expect(plain.1 == general?.1)
        }
        let parsed = SignatureClaims.parseCredential(text, .hmacSHA256)
        #expect(parsed?.0 == general?.0)
        #expect(parsed?.1 == general?.1)
    }

    static let signedHeaders: [String] = [
        "host", "host;x-amz-date", "host;x-amz-content-sha256;x-amz-date", "x-amz-date;host", "host;host", "host;",
        ";host", "", "Host", "host;x_amz", "a!#$%&'*+-.^_`|~;b", "host;x amz", "hóst", "a;aa;ab;b",
        "x-amz-meta-ab!cdefgh;x-amz-meta-abcdefgz", "x-amz-meta-abcdefgH", "x-amz-meta-abcdefg\u{e9}",
        "host;x-amz-content-sha256;x-amz-content-sha256x", "x-amz-content-sha256x;x-amz-content-sha256",
        "x-amz-meta-abcdefgh;x-amz-meta-abcdefgh", "x-amz-meta-abcdefgh;x-amz-meta-abcdefgg",
        "x-amz-meta-a;bcdefghi;jklmnopq;rstuvwxy;z", "x-amz-meta-abc;def",
    ]

    @Test(arguments: Self.signedHeaders)
    func readsSignedHeadersAsTheGeneralReader(_ text: String) {
        let general = Result { () throws(S3Error) in try SignatureClaims.parseSignedHeaders(text, .header) }
        if let plain = SignatureClaims.plainSignedHeaders(text) {
            #expect(plain == (try? general.get()))
        }
        // The general reading alone refuses what the plain one leaves to it.
        if case .failure = general { #expect(SignatureClaims.plainSignedHeaders(text) == nil) }
    }

    static let signature = String(repeating: "ab", count: 32)
    static let credential = "AKIDEXAMPLE/20261126/us-west-2/s3/aws4_request"

    /// The same header in the form SDKs write and in other forms (all but the second read by the general reader
    /// only): the same claims.
    @Test(arguments: [
        "AWS4-HMAC-SHA256  Credential=\(credential),  SignedHeaders=host;x-amz-date, Signature=\(signature)",
        "AWS4-HMAC-SHA256 Credential=\(credential),SignedHeaders=host;x-amz-date,Signature=\(signature)",
        "AWS4-HMAC-SHA256\tCredential=\(credential), SignedHeaders=host;x-amz-date, Signature=\(signature)",
        " AWS4-HMAC-SHA256 Signature=\(signature), Credential=\(credential) , SignedHeaders=host;x-amz-date ",
    ])
    func readsTheHeaderAsTheGeneralReader(_ other: String) throws {
        let plain =
            "AWS4-HMAC-SHA256 Credential=\(Self.credential), SignedHeaders=host;x-amz-date, Signature=\(Self.signature)"
        #expect(try SignatureClaims.plainAuthorization(plain) != nil)
        let fast = try SignatureClaims(authorization: plain)
        let general = try SignatureClaims(authorization: other)
        #expect(fast.accessKeyID == general.accessKeyID)
        #expect(fast.scope == general.scope)
        #expect(fast.signedHeaders == general.signedHeaders)
        #expect(fast.signature == general.signature)
        #expect(fast.algorithm == general.algorithm)
    }

    /// Headers the plain reader leaves to the general one, which refuses them as before.
    @Test(arguments: [
        "AWS4-HMAC-SHA256 Credential=\(credential), Credential=\(credential), Signature=\(signature)",
        "AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=host, Signature=\(signature), Extra=1",
        "AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=host",
        "AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=host, , Signature=\(signature)",
        "AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=host, Signature",
        "AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1 Credential=a",
    ])
    func leavesMalformedHeadersToTheGeneralReader(_ value: String) {
        #expect((try? SignatureClaims.plainAuthorization(value)) == nil)
        #expect(throws: S3Error.self) { try SignatureClaims(authorization: value) }
    }
}
