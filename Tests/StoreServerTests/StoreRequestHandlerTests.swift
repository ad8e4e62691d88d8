import AccessPointCore
import BucketStore
import Foundation
import NIOCore
import S3Auth
import S3HTTP
import StoreServer
import Testing

/// `aprouter store serve`'s request path without sockets: SigV4 in front of a real embedded store in a temporary
/// directory, requests signed by our signer at a fixed time.
struct StoreRequestHandlerTests {
    static let now = AmzDate(secondsSince1970: 1_795_000_000)
    static let accessKey = "AKIAIOSFODNN7EXAMPLE"
    static let secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    struct Fixture {
        let directory: String
        let handler: StoreRequestHandler

        init(region: ExpectedRegion = .any) throws {
            directory = NSTemporaryDirectory() + "storeserver-" + UUID().uuidString
            let store = try EmbeddedBucketStore(directory: directory, buckets: ["reports", "archive"])
            handler = StoreRequestHandler(
                configuration: StoreServerConfiguration(
                    listen: ListenAddress("127.0.0.1:0")!,
                    credentials: StaticCredentialLookup([
                        try StoreCredentials.parse(
                            "\(StoreRequestHandlerTests.accessKey):\(StoreRequestHandlerTests.secretKey)"
                        ).get()
                    ]),
                    region: region,
                    buckets: ["reports", "archive"],
                    started: StoreRequestHandlerTests.now
                ),
                store: store,
                requestIDs: FixedIDs(),
                clock: { StoreRequestHandlerTests.now }
            )
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }

        /// A request to `host`, header-signed (or presigned, or not signed at all) as the test key.
        func send(
            _ method: String,
            _ target: String,
            host: String = "127.0.0.1:9000",
            body: String = "",
            payloadHash: String? = nil,
            signing: Signing = .header,
            secret: String = StoreRequestHandlerTests.secretKey,
            region: String = "us-east-1"
        ) async -> (status: Int, body: String, headers: S3Headers, record: StoreRequestHandler.Record) {
            let signer = SigV4Signer(
                accessKeyID: StoreRequestHandlerTests.accessKey,
                secretAccessKey: secret,
                region: region
            )
            var request = SigV4Request(method: method, target: target, headers: [("Host", host)])
            switch signing {
            case .header:
                request = signer.sign(
                    request,
                    payloadHash: payloadHash ?? PayloadHash.sha256Hex(of: Array(body.utf8)),
                    now: StoreRequestHandlerTests.now
                )
            case .presigned:
                request = signer.presign(request, expires: 300, now: StoreRequestHandlerTests.now)
            case .anonymous:
                break
            }
            var record = StoreRequestHandler.Record()
            let response = await handler.respond(
                method: method,
                target: request.query.isEmpty ? request.path : request.path + "?" + request.query,
                headers: request.headers + [HTTPField(name: "Content-Length", value: "\(body.utf8.count)")],
                body: S3Body(string: body),
                record: &record
            )
            let text = (try? await response.body.collected(upTo: 1 << 20)).flatMap { $0 }.map { String(buffer: $0) }
            return (response.status, text ?? "", response.headers, record)
        }
    }

    enum Signing { case header, presigned, anonymous }

    @Test func anonymousRequestsAreDeniedWithS3XML() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        for (method, target) in [("GET", "/"), ("GET", "/reports/a.txt"), ("PUT", "/reports/a.txt")] {
            let reply = await fixture.send(method, target, body: method == "PUT" ? "x" : "", signing: .anonymous)
            #expect(reply.status == 403, "\(method) \(target)")
            #expect(reply.body.contains("<Error><Code>AccessDenied</Code>"), "\(reply.body)")
            #expect(reply.headers["Content-Type"] == "application/xml")
        }
        let stored = await fixture.send("GET", "/reports/a.txt")
        #expect(stored.status == 404, "the anonymous PUT stored nothing")
    }

    @Test func putPathStyleAndReadBackVirtualHostedAndPresigned() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let put = await fixture.send("PUT", "/reports/q3%20final.csv", body: "a,b\n1,2\n")
        #expect(put.status == 200, "\(put.body)")
        #expect(put.headers["ETag"] == "\"e5ebd4c02cefbe7955977c67ada242b7\"", "the body's MD5 (md5sum)")
        #expect(put.record.bucket == "reports" && put.record.key == "q3 final.csv")

        let virtual = await fixture.send("GET", "/q3%20final.csv", host: "reports.localhost:9000")
        #expect(virtual.status == 200 && virtual.body == "a,b\n1,2\n", "\(virtual.body)")
        let presigned = await fixture.send("GET", "/reports/q3%20final.csv", signing: .presigned)
        #expect(presigned.status == 200 && presigned.body == "a,b\n1,2\n", "\(presigned.body)")
        let other = await fixture.send("GET", "/archive/q3%20final.csv")
        #expect(other.status == 404 && other.body.contains("<Code>NoSuchKey</Code>"), "buckets are separate")
    }

    @Test func unsignedPayloadIsAcceptedAndAWrongPayloadHashStoresNothing() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let unsigned = await fixture.send("PUT", "/reports/u", body: "unsigned body", payloadHash: "UNSIGNED-PAYLOAD")
        #expect(unsigned.status == 200, "\(unsigned.body)")
        let wrong = await fixture.send(
            "PUT",
            "/reports/w",
            body: "the real body",
            payloadHash: PayloadHash.sha256Hex(of: Array("another body".utf8))
        )
        #expect(wrong.status == 400 && wrong.body.contains("<Code>XAmzContentSHA256Mismatch</Code>"), "\(wrong.body)")
        #expect(await fixture.send("HEAD", "/reports/w").status == 404)
    }

    /// A signed aws-chunked body (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, what the Go and Java SDKs send over plain
    /// HTTP) is decoded with every chunk signature checked, by the router's own body code; a tampered chunk stores
    /// nothing.
    @Test(arguments: [false, true])
    func signedAWSChunkedBodies(tampered: Bool) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let chunks = [Array(repeating: UInt8(ascii: "a"), count: 65_536), Array("tail".utf8)]
        let decodedLength = chunks.map(\.count).reduce(0, +)
        let signer = SigV4Signer(accessKeyID: Self.accessKey, secretAccessKey: Self.secretKey, region: "us-east-1")
        let signed = signer.sign(
            SigV4Request(
                method: "PUT",
                target: "/reports/chunked.bin",
                headers: [
                    ("Host", "127.0.0.1:9000"), ("Content-Encoding", "aws-chunked"),
                    ("x-amz-decoded-content-length", "\(decodedLength)"),
                ]
            ),
            payloadHash: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            now: Self.now
        )
        let authorization = try #require(signed.headers.first { $0.name == "Authorization" }?.value)
        let seed = String(try #require(authorization.split(separator: "Signature=").last))
        let scope = CredentialScope(time: Self.now, region: "us-east-1")
        var chain = ChunkSignatureChain(
            key: SigV4SigningKey(secretAccessKey: Self.secretKey, scope: scope),
            time: Self.now,
            scope: scope,
            seedSignature: seed
        )
        var body: [UInt8] = []
        for chunk in chunks + [[]] {
            let signature = chain.advance(signing: chain.chunkStringToSign(dataHash: PayloadHash.sha256Hex(of: chunk)))
            body += Array("\(String(chunk.count, radix: 16));chunk-signature=\(signature)\r\n".utf8)
            if !chunk.isEmpty {
                body += (tampered && chunk.count == 4 ? Array("TAIL".utf8) : chunk) + Array("\r\n".utf8)
            }
        }
        body += Array("\r\n".utf8)
        var record = StoreRequestHandler.Record()
        let response = await fixture.handler.respond(
            method: "PUT",
            target: "/reports/chunked.bin",
            headers: signed.headers + [HTTPField(name: "Content-Length", value: "\(body.count)")],
            body: S3Body(ByteBuffer(bytes: body)),
            record: &record
        )
        let read = await fixture.send("GET", "/reports/chunked.bin")
        if tampered {
            #expect(response.status == 403, "a chunk whose signature does not hold")
            #expect(read.status == 404, "nothing was stored")
        } else {
            #expect(response.status == 200)
            #expect(read.status == 200 && read.body == String(decoding: chunks.joined(), as: UTF8.self))
        }
    }

    @Test(arguments: [
        ("wrong secret", "/reports/a", "other-secret", "us-east-1", 403, "SignatureDoesNotMatch"),
        ("unknown bucket", "/nobucket/a", StoreRequestHandlerTests.secretKey, "us-east-1", 404, "NoSuchBucket"),
        ("bad percent-encoding", "/reports/a%G1", StoreRequestHandlerTests.secretKey, "us-east-1", 400, "InvalidURI"),
    ])
    func refusals(
        _ what: String,
        _ target: String,
        _ secret: String,
        _ region: String,
        _ status: Int,
        _ code: String
    )
        async throws
    {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let reply = await fixture.send("GET", target, secret: secret, region: region)
        #expect(reply.status == status, "\(what): \(reply.body)")
        #expect(reply.body.contains("<Code>\(code)</Code>"), "\(what): \(reply.body)")
    }

    @Test func aRegionGivenOnTheCommandLineIsTheOnlyOneSignaturesMayName() async throws {
        let fixture = try Fixture(region: .exactly("us-west-2"))
        defer { fixture.remove() }
        let wrong = await fixture.send("GET", "/reports/a", region: "us-east-1")
        #expect(
            wrong.status == 400 && wrong.body.contains("<Code>AuthorizationHeaderMalformed</Code>"),
            "\(wrong.body)"
        )
        #expect(await fixture.send("GET", "/reports/a", region: "us-west-2").status == 404)
    }

    /// GetBucketLocation and HeadBucket name the region given on the command line, else the one the client signed
    /// for (any is accepted); us-east-1 is the empty LocationConstraint, as S3 writes it.
    @Test(arguments: [
        (ExpectedRegion.any, "eu-central-1", "eu-central-1"),
        (.any, "us-east-1", "us-east-1"),
        (.exactly("us-west-2"), "us-west-2", "us-west-2"),
    ])
    func bucketRegionIsTheGivenOneElseTheSignedOne(
        configured: ExpectedRegion,
        signedFor: String,
        answered: String
    ) async throws {
        let fixture = try Fixture(region: configured)
        defer { fixture.remove() }
        let location = await fixture.send("GET", "/reports?location", region: signedFor)
        #expect(location.status == 200, "\(location.body)")
        let constraint = answered == "us-east-1" ? "" : answered
        #expect(location.body.hasSuffix(">\(constraint)</LocationConstraint>"), "\(location.body)")
        #expect(location.headers["x-amz-request-id"] == "REQ")

        let virtual = await fixture.send("GET", "/?location", host: "archive.localhost:9000", region: signedFor)
        #expect(virtual.status == 200 && virtual.body.contains("LocationConstraint"), "\(virtual.body)")

        let head = await fixture.send("HEAD", "/reports", region: signedFor)
        #expect(head.status == 200)
        #expect(head.headers["x-amz-bucket-region"] == answered)
        #expect(head.headers["x-amz-access-point-alias"] == "false")

        let missing = await fixture.send("GET", "/nope?location", region: signedFor)
        #expect(missing.status == 404 && missing.body.contains("<Code>NoSuchBucket</Code>"), "\(missing.body)")
        #expect(await fixture.send("HEAD", "/nope", region: signedFor).status == 404)
        #expect(await fixture.send("HEAD", "/reports/a", region: signedFor).headers["x-amz-bucket-region"] == nil)
    }

    @Test func listBucketsNamesTheServedBuckets() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let reply = await fixture.send("GET", "/")
        #expect(reply.status == 200)
        #expect(reply.body.contains("<Bucket><Name>archive</Name>"))
        #expect(reply.body.contains("<Bucket><Name>reports</Name>"))
        #expect(reply.body.contains("<CreationDate>\(Self.now.iso8601)</CreationDate>"))
        #expect(await fixture.send("DELETE", "/").status == 405)
    }
}

struct FixedIDs: S3RequestIDGenerator {
    func next() -> S3RequestID { S3RequestID(requestID: "REQ", hostID: "HOST") }
}
