internal import AccessPointCore
internal import Foundation
internal import Registry
internal import S3HTTP

extension ControlAPIResponder {
    /// `GET /v20180820/accesspoint?bucket=&maxResults=&nextToken=` (spec §2, §2.4): the caller's access points in
    /// the request's region, by name; `NextToken` only when more follow.
    func listAccessPoints(_ request: S3Request, _ context: ControlContext) async throws(S3Error) -> S3Response {
        let limit = try Self.maxResults(request.queryValue("maxResults"))
        let startAfter = try request.queryValue("nextToken").map { token throws(S3Error) in
            try ListAccessPointsToken.decode(token)
        }
        let bucket: BucketName?
        switch request.queryValue("bucket") {
        case nil, "": bucket = nil
        case let text?:
            // No bucket of that name can exist, so nothing matches it.
            guard let name = try? BucketName(validating: text) else {
                return ok(context, xml: Self.listXML([], nextToken: nil))
            }
            bucket = name
        }
        let page = try await registryCall { () async throws(RegistryError) in
            try await registry.listAccessPoints(
                account: context.account,
                region: context.region,
                bucket: bucket,
                startAfter: startAfter,
                limit: limit + 1
            )
        }
        let items = Array(page.prefix(limit))
        let nextToken = page.count > limit ? items.last.map { ListAccessPointsToken.encode($0.name) } : nil
        return ok(context, xml: Self.listXML(items, nextToken: nextToken))
    }

    /// 1–1000; absent or 0 means 1000.
    static func maxResults(_ text: String?) throws(S3Error) -> Int {
        guard let text else { return 1000 }
        guard let value = Int(text), (0...1000).contains(value) else {
            throw .invalidRequest.because("maxResults must be an integer from 0 to 1000")
        }
        return value == 0 ? 1000 : value
    }

    static func listXML(_ items: [AccessPointRecord], nextToken: String?) -> String {
        ControlXMLWriter(root: "ListAccessPointsResult") { xml in
            xml.element("AccessPointList") { xml in
                for record in items {
                    xml.element("AccessPoint") { xml in
                        xml.element("Name", record.name.rawValue)
                        xml.element("NetworkOrigin", record.networkOrigin)
                        xml.vpcConfiguration(record.vpcId)
                        xml.element("Bucket", record.bucket.rawValue)
                        xml.element("AccessPointArn", record.arn)
                        xml.element("Alias", record.alias)
                        xml.element("BucketAccountId", record.bucketAccount.rawValue)
                    }
                }
            }
            if let nextToken { xml.element("NextToken", nextToken) }
        }.xml
    }
}

/// The opaque `NextToken`: the last name of the page, base64url-encoded behind a version tag, so clients cannot
/// mistake it for a name and a future format can be told apart.
enum ListAccessPointsToken {
    static let tag = "v1:"

    static func encode(_ name: AccessPointName) -> String {
        Data((tag + name.rawValue).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String) throws(S3Error) -> AccessPointName {
        let invalid = S3Error.invalidRequest.because("The continuation token provided is invalid")
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            text.hasPrefix(tag), let name = try? AccessPointName(validating: String(text.dropFirst(tag.count)))
        else { throw invalid }
        return name
    }
}
