import Foundation
import S3Auth

/// A request signed by real botocore, written by `scripts/sigv4_fixtures.py` into `Fixtures/botocore/`.
struct BotocoreFixture: Decodable, Sendable {
    struct Request: Decodable, Sendable {
        var method: String
        var path: String
        var query: String
        var headers: [[String]]
    }

    struct Expectation: Decodable, Sendable {
        var location: String
        var payload: String
        var decodedBase64: String?
        var expires: Int64?
    }

    var name: String
    var description: String
    var signer: String
    var now: String
    var region: String
    var request: Request
    var bodyBase64: String
    var canonicalRequest: String?
    var stringToSign: String?
    var expect: Expectation

    static func all() -> [BotocoreFixture] {
        let folder = Fixtures.root.appendingPathComponent("botocore")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else { return nil }
            return try? JSONDecoder().decode(BotocoreFixture.self, from: data)
        }
    }

    var sigV4Request: SigV4Request {
        SigV4Request(
            method: request.method,
            path: request.path,
            query: request.query,
            headers: request.headers.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
        )
    }

    var time: AmzDate? { AmzDate(iso8601Basic: now) }
    var body: [UInt8] { Array(Data(base64Encoded: bodyBase64) ?? Data()) }
    var decoded: [UInt8]? { expect.decodedBase64.flatMap { Data(base64Encoded: $0) }.map(Array.init) }
}
