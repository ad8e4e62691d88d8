import AccessPointCore
import Foundation
import Registry
import S3HTTP
import Testing

/// Create, get, delete: the exact shapes of spec §2.1, §2.2 and §2.4.
struct AccessPointLifecycleTests {
    typealias H = ControlHarness

    @Test func createReturnsExactlyArnAndAlias() async throws {
        let harness = try H()
        let response = await harness.create("my-ap")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/xml")
        #expect(response.headers["x-amz-request-id"] == "4442587FB7D0A2F9")
        #expect(
            response.text
                == H.declaration + "<CreateAccessPointResult\(H.namespace)>"
                + "<AccessPointArn>arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap</AccessPointArn>"
                + "<Alias>my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias</Alias></CreateAccessPointResult>"
        )
    }

    @Test func getVPCAccessPointMatchesAWSOrder() async throws {
        let harness = try H()
        let flags =
            "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls>"
            + "<IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy>"
            + "<RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>"
        let created = await harness.create(
            "my-ap",
            extra: "<VpcConfiguration><VpcId>vpc-1a2b3c4d</VpcId></VpcConfiguration>" + flags
        )
        #expect(created.status == 200)
        let response = await harness.send("GET", "/accesspoint/my-ap")
        #expect(response.status == 200)
        #expect(
            response.text
                == H.declaration + "<GetAccessPointResult\(H.namespace)><Name>my-ap</Name>"
                + "<Bucket>lab-demo-bucket</Bucket><NetworkOrigin>VPC</NetworkOrigin>"
                + "<VpcConfiguration><VpcId>vpc-1a2b3c4d</VpcId></VpcConfiguration>" + flags
                + "<CreationDate>2026-11-24T10:53:18Z</CreationDate>"
                + "<Alias>my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias</Alias>"
                + "<AccessPointArn>arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap</AccessPointArn><Endpoints>"
                + "<entry><key>ipv4</key><value>s3-accesspoint.us-west-2.amazonaws.com</value></entry>"
                + "<entry><key>fips</key><value>s3-accesspoint-fips.us-west-2.amazonaws.com</value></entry>"
                + "<entry><key>fips_dualstack</key><value>s3-accesspoint-fips.dualstack.us-west-2.amazonaws.com"
                + "</value></entry>"
                + "<entry><key>dualstack</key><value>s3-accesspoint.dualstack.us-west-2.amazonaws.com</value></entry>"
                + "</Endpoints><BucketAccountId>123456789012</BucketAccountId></GetAccessPointResult>"
        )
    }

    @Test func internetAccessPointHasNoVpcConfigurationAndEveryFlagOn() async throws {
        let harness = try H()
        await harness.create("open")
        let response = await harness.send("GET", "/accesspoint/open")
        #expect(response.element("NetworkOrigin") == "Internet")
        #expect(!response.text.contains("VpcConfiguration"))
        for flag in ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"] {
            #expect(response.element(flag) == "true")
        }
    }

    /// Element present, even empty: every flag not given is false (spec §2.4).
    @Test func emptyPublicAccessBlockConfigurationTurnsEveryFlagOff() async throws {
        let harness = try H()
        await harness.create("relaxed", extra: "<PublicAccessBlockConfiguration/>")
        let response = await harness.send("GET", "/accesspoint/relaxed")
        for flag in ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"] {
            #expect(response.element(flag) == "false")
        }
    }

    @Test func deleteAnswers204ThenNoSuchAccessPoint() async throws {
        let harness = try H()
        await harness.create("my-ap")
        let first = await harness.send("DELETE", "/accesspoint/my-ap")
        #expect(first.status == 204)
        #expect(first.text.isEmpty)
        let second = await harness.send("DELETE", "/accesspoint/my-ap")
        #expect(second.status == 404)
        #expect(second.errorCode == "NoSuchAccessPoint")
        #expect(second.element("AccessPointName") == "my-ap")
        #expect(second.text.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error>"#))
        #expect((await harness.send("GET", "/accesspoint/my-ap")).status == 404)
    }

    @Test func recreatingOnAnotherBucketAfterDeleteWorks() async throws {
        let harness = try H()
        await harness.create("my-ap")
        _ = await harness.send("DELETE", "/accesspoint/my-ap")
        #expect((await harness.create("my-ap", bucket: "second-bucket")).status == 200)
        #expect((await harness.send("GET", "/accesspoint/my-ap")).element("Bucket") == "second-bucket")
    }

    @Test func createdAccessPointReachesTheSnapshot() async throws {
        let harness = try H()
        await harness.create("my-ap", extra: "<VpcConfiguration><VpcId>vpc-1a2b3c4d</VpcId></VpcConfiguration>")
        let snapshot = try await harness.registry.snapshot()
        #expect(snapshot.accessPoints.map(\.name.rawValue) == ["my-ap"])
        #expect(snapshot.accessPoints.first?.vpcId == "vpc-1a2b3c4d")
        #expect(snapshot.accessPoints.first?.alias == "my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias")
    }
}
