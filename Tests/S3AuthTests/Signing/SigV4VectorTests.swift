import AccessPointCore
import Foundation
import S3Auth
import Testing

/// The S3 API reference examples (spec §7), one folder each in `Fixtures/vectors/`, every intermediate string
/// compared on its own.
struct SigV4VectorTests {
    struct Vector: CustomTestStringConvertible, Sendable {
        let name: String
        var testDescription: String { name }

        var request: SigV4Request? { Fixtures.text("vectors/\(name)/request.txt").flatMap(SigV4Request.parse) }
        var canonicalRequest: String? { Fixtures.text("vectors/\(name)/canonical-request.txt") }
        var stringToSign: String? { Fixtures.text("vectors/\(name)/string-to-sign.txt") }
        var signature: String? {
            Fixtures.text("vectors/\(name)/signature.txt")?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var isPresigned: Bool { request?.query.contains("X-Amz-Algorithm") ?? false }

        /// Every header of a vector is signed.
        var signedHeaders: [String] { (request?.headers.map { $0.name.lowercased() } ?? []).sorted() }
        var payloadHash: String { request?.value(of: "x-amz-content-sha256") ?? "UNSIGNED-PAYLOAD" }
    }

    static let vectors = Fixtures.folders(in: "vectors").map(Vector.init)

    @Test func hasEveryVectorOfTheSpec() {
        #expect(
            Self.vectors.map(\.name) == [
                "get-lifecycle", "get-range", "list-objects", "presigned-get", "put-dollar-key",
            ]
        )
    }

    @Test func derivesTheSigningKey() {
        let key = SigV4SigningKey(secretAccessKey: Example.secret, scope: Example.scope)
        #expect(key.hex == "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378")
    }

    @Test(arguments: Self.vectors)
    func buildsTheCanonicalRequest(_ vector: Vector) throws {
        let request = try #require(vector.request)
        let canonical = CanonicalRequest(
            request: request,
            signedHeaders: vector.signedHeaders,
            payloadHash: vector.payloadHash,
            omittingQuery: ["X-Amz-Signature"]
        )
        #expect(canonical.text == vector.canonicalRequest)
    }

    @Test(arguments: Self.vectors)
    func buildsTheStringToSign(_ vector: Vector) throws {
        let canonical = try #require(vector.canonicalRequest)
        let hash = PayloadHash.sha256Hex(of: Array(canonical.utf8))
        let stringToSign = StringToSign(
            algorithm: StringToSign.algorithm,
            time: Example.time,
            scope: Example.scope.string,
            tail: [hash]
        )
        #expect(stringToSign.text == "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n\(hash)")
        if let expected = vector.stringToSign { #expect(stringToSign.text == expected) }
    }

    @Test(arguments: Self.vectors)
    func signs(_ vector: Vector) throws {
        let request = try #require(vector.request)
        let canonical = CanonicalRequest(
            request: request,
            signedHeaders: vector.signedHeaders,
            payloadHash: vector.payloadHash
        )
        let stringToSign = StringToSign(time: Example.time, scope: Example.scope, canonicalRequest: canonical)
        let key = SigV4SigningKey(secretAccessKey: Example.secret, scope: Example.scope)
        #expect(key.signature(for: stringToSign) == vector.signature)
    }

    @Test(arguments: Self.vectors)
    func verifies(_ vector: Vector) throws {
        var request = try #require(vector.request)
        let signature = try #require(vector.signature)
        if vector.isPresigned {
            request.query += "&X-Amz-Signature=\(signature)"
        } else {
            request.headers.append(
                HTTPField(
                    name: "Authorization",
                    value: "AWS4-HMAC-SHA256 Credential=\(Example.accessKeyID)/\(Example.scope), "
                        + "SignedHeaders=\(vector.signedHeaders.joined(separator: ";")), Signature=\(signature)"
                )
            )
        }
        let verified = try SigV4Verifier().verify(
            request,
            region: .exactly("us-east-1"),
            credentials: Example.credentials,
            now: Example.time
        )
        #expect(verified.identity == Example.identity)
        #expect(verified.location == (vector.isPresigned ? .query : .header))
    }
}
