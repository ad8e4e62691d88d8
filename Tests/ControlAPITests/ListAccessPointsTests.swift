import AccessPointCore
import Foundation
import Registry
import S3HTTP
import Testing

/// ListAccessPoints (spec §2.4): by name, not by creation; bucket filter; `NextToken` only when more follow.
struct ListAccessPointsTests {
    typealias H = ControlHarness

    static func names(_ response: S3Response) -> [String] {
        response.text.components(separatedBy: "<AccessPoint><Name>").dropFirst().compactMap {
            $0.components(separatedBy: "</Name>").first
        }
    }

    func harnessWithFour() async throws -> H {
        let harness = try H()
        for name in ["delta", "alpha", "charlie", "bravo"] {
            await harness.create(name, bucket: name < "c" ? "lab-demo-bucket" : "second-bucket")
        }
        return harness
    }

    @Test func listsByNameWithExactItemShape() async throws {
        let harness = try await harnessWithFour()
        let response = await harness.send("GET", "/accesspoint")
        #expect(response.status == 200)
        #expect(Self.names(response) == ["alpha", "bravo", "charlie", "delta"])
        #expect(response.element("NextToken") == nil)
        #expect(
            response.text.contains(
                "<AccessPoint><Name>alpha</Name><NetworkOrigin>Internet</NetworkOrigin>"
                    + "<Bucket>lab-demo-bucket</Bucket>"
                    + "<AccessPointArn>arn:aws:s3:us-west-2:123456789012:accesspoint/alpha</AccessPointArn>"
                    + "<Alias>alpha-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias</Alias>"
                    + "<BucketAccountId>123456789012</BucketAccountId></AccessPoint>"
            )
        )
    }

    @Test func filtersByBucket() async throws {
        let harness = try await harnessWithFour()
        #expect(
            Self.names(await harness.send("GET", "/accesspoint", query: "bucket=second-bucket")) == [
                "charlie", "delta",
            ]
        )
        #expect(Self.names(await harness.send("GET", "/accesspoint", query: "bucket=Not_A_Bucket")).isEmpty)
    }

    @Test func maxResultsOnePagesOneItemAtATime() async throws {
        let harness = try await harnessWithFour()
        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let query = "maxResults=1" + (token.map { "&nextToken=\($0)" } ?? "")
            let response = await harness.send("GET", "/accesspoint", query: query)
            #expect(response.status == 200)
            seen += Self.names(response)
            token = response.element("NextToken")
            pages += 1
        } while token != nil && pages < 10
        #expect(seen == ["alpha", "bravo", "charlie", "delta"])
        #expect(pages == 4)
    }

    static let badQueries: [String] = ["maxResults=1001", "maxResults=-1", "maxResults=ten", "nextToken=garbage!"]

    @Test(arguments: Self.badQueries)
    func badPagingIsInvalidRequest(query: String) async throws {
        let response = await (try H()).send("GET", "/accesspoint", query: query)
        #expect(response.status == 400)
        #expect(response.errorCode == "InvalidRequest")
    }

    @Test func emptyListIsAnEmptyAccessPointList() async throws {
        let response = await (try H()).send("GET", "/accesspoint")
        #expect(
            response.text
                == H.declaration + "<ListAccessPointsResult\(H.namespace)><AccessPointList></AccessPointList>"
                + "</ListAccessPointsResult>"
        )
    }
}
