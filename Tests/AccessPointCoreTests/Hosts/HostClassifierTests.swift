import AccessPointCore
import Foundation
import Testing

struct HostClassifierTests {
    static let classifier = HostClassifier(endpointSuffixes: ["amazonaws.com", "amazonaws.com.cn", "lab.localhost"])

    /// Host → expected `HostClass.description`. Hand-written; the botocore fixture below is the independent check.
    static let table: [(String, String)] = [
        // Access points, spec §7 vectors.
        (
            "my-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com",
            "accessPoint name=my-ap account=123456789012 region=us-west-2"
        ),
        (
            "finance-docs-111122223333.s3-accesspoint-fips.dualstack.us-gov-west-1.amazonaws.com",
            "accessPoint name=finance-docs account=111122223333 region=us-gov-west-1 fips dualstack"
        ),
        (
            "ap1-123456789012.s3-accesspoint.cn-north-1.amazonaws.com.cn",
            "accessPoint name=ap1 account=123456789012 region=cn-north-1"
        ),
        (
            "test-123456789012.accesspoint.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com",
            "accessPoint name=test account=123456789012 region=us-east-1 vpce=vpce-1a2b3c4d-5e6f"
        ),
        (
            "a-1-123456789012.s3-accesspoint.eu-west-1.amazonaws.com",
            "accessPoint name=a-1 account=123456789012 region=eu-west-1"
        ),
        (
            "my-ap-123456789012.s3-accesspoint.dualstack.us-west-2.amazonaws.com",
            "accessPoint name=my-ap account=123456789012 region=us-west-2 dualstack"
        ),
        (
            "my-ap-123456789012.s3-accesspoint-fips.us-west-2.amazonaws.com",
            "accessPoint name=my-ap account=123456789012 region=us-west-2 fips"
        ),
        // Case, port and trailing dot do not matter.
        (
            "MY-AP-123456789012.S3-ACCESSPOINT.US-WEST-2.AMAZONAWS.COM.",
            "accessPoint name=my-ap account=123456789012 region=us-west-2"
        ),
        (
            "my-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com:443",
            "accessPoint name=my-ap account=123456789012 region=us-west-2"
        ),
        (
            "my-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com.:8443",
            "accessPoint name=my-ap account=123456789012 region=us-west-2"
        ),
        // Lab endpoint URL (--endpoint-url https://s3.lab.localhost:8443): the region is in the credential scope.
        ("ap1-123456789012.s3.lab.localhost:8443", "accessPoint name=ap1 account=123456789012"),
        (
            "ap1-123456789012.s3-accesspoint.us-west-2.lab.localhost",
            "accessPoint name=ap1 account=123456789012 region=us-west-2"
        ),
        // Aliases.
        (
            "my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias.s3.us-west-2.amazonaws.com",
            "alias alias=my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias region=us-west-2"
        ),
        (
            "my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias.s3-fips.dualstack.us-west-2.amazonaws.com",
            "alias alias=my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias region=us-west-2 fips dualstack"
        ),
        (
            "my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias.s3.lab.localhost:8443",
            "alias alias=my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias"
        ),
        // Multi-region access points.
        ("mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com", "mrap alias=mfzwi23gnjvgw.mrap"),
        ("MFZWI23GNJVGW.MRAP.accesspoint.s3-global.amazonaws.com:443", "mrap alias=mfzwi23gnjvgw.mrap"),
        // Control endpoints.
        ("123456789012.s3-control.us-west-2.amazonaws.com", "control account=123456789012 region=us-west-2"),
        (
            "123456789012.s3-control-fips.dualstack.us-east-1.amazonaws.com",
            "control account=123456789012 region=us-east-1 fips dualstack"
        ),
        ("s3-control.us-west-2.amazonaws.com", "control region=us-west-2"),
        ("123456789012.s3.lab.localhost:8443", "control account=123456789012"),
        ("123456789012.s3-control.lab.localhost", "control account=123456789012"),
        (
            "123456789012.control.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com",
            "control account=123456789012 region=us-east-1 vpce=vpce-1a2b3c4d-5e6f"
        ),
        // Ordinary buckets, virtual-host style.
        ("example-bucket.s3.us-west-2.amazonaws.com", "bucket name=example-bucket region=us-west-2"),
        ("my.dotted.bucket.s3.us-west-2.amazonaws.com", "bucket name=my.dotted.bucket region=us-west-2"),
        ("example-bucket.s3.amazonaws.com", "bucket name=example-bucket"),
        ("example-bucket.s3-external-1.amazonaws.com", "bucket name=example-bucket region=us-east-1"),
        (
            "example-bucket.bucket.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com",
            "bucket name=example-bucket region=us-east-1 vpce=vpce-1a2b3c4d-5e6f"
        ),
        ("example-bucket.s3.lab.localhost:8443", "bucket name=example-bucket"),
        // Path-style: an endpoint with nothing in front of it, or an IP literal.
        ("s3.us-west-2.amazonaws.com", "pathStyle region=us-west-2"),
        ("s3.dualstack.us-west-2.amazonaws.com", "pathStyle region=us-west-2 dualstack"),
        ("s3.amazonaws.com", "pathStyle"),
        ("s3-accesspoint.us-west-2.amazonaws.com", "pathStyle region=us-west-2"),
        ("s3.lab.localhost:8443", "pathStyle"),
        ("accesspoint.s3-global.amazonaws.com", "pathStyle"),
        ("vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com", "pathStyle region=us-east-1 vpce=vpce-1a2b3c4d-5e6f"),
        ("127.0.0.1", "pathStyle ip"),
        ("127.0.0.1:8443", "pathStyle ip"),
        ("[::1]:8443", "pathStyle ip"),
        ("[2001:db8::1]", "pathStyle ip"),
        ("::1", "pathStyle ip"),
        // Malformed or not ours.
        ("myap-12345.s3-accesspoint.us-west-2.amazonaws.com", "unknown"),
        ("my-ap-12345678901234.s3-accesspoint.us-west-2.amazonaws.com", "unknown"),
        ("my.ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", "unknown"),
        ("ab-123456789012.s3-accesspoint.us-west-2.amazonaws.com", "unknown"),
        ("My_Ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", "unknown"),
        ("logs-s3alias-123456789012.s3-accesspoint.us-west-2.amazonaws.com", "unknown"),
        ("reports-111122223333.s3-accesspoint.us-west-2.amazonaws.com.evil.test", "unknown"),
        ("example.com", "unknown"),
        ("amazonaws.com", "unknown"),
        ("lab.localhost", "unknown"),
        ("us-west-2.amazonaws.com", "unknown"),
        ("ec2.us-west-2.amazonaws.com", "unknown"),
        ("12345.s3-control.us-west-2.amazonaws.com", "unknown"),
        ("x.y.mrap.accesspoint.s3-global.amazonaws.com", "unknown"),
        ("1abc.mrap.accesspoint.s3-global.amazonaws.com", "unknown"),
        ("", "unknown"),
        (".", "unknown"),
        ("a..b.s3.us-west-2.amazonaws.com", "unknown"),
        ("my-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com:99999", "unknown"),
        ("my-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com:", "unknown"),
        ("[::1", "unknown"),
        ("host with space.s3.us-west-2.amazonaws.com", "unknown"),
        ("exämple.s3.us-west-2.amazonaws.com", "unknown"),
        (String(repeating: "a", count: 64) + ".s3.us-west-2.amazonaws.com", "unknown"),
        ("xn--bucket.s3.us-west-2.amazonaws.com", "unknown"),
    ]

    @Test(arguments: Self.table)
    func classifies(host: String, expected: String) {
        #expect(Self.classifier.classify(host).description == expected, "\(host)")
    }

    struct BotocoreCase: Decodable, CustomTestStringConvertible {
        var how: String
        var host: String
        var expected: String
        var testDescription: String { "\(how): \(host)" }
    }

    /// Hosts recorded from real botocore by `scripts/botocore_hosts.py` (which `make test` re-runs with `--check`).
    static let botocoreCases: [BotocoreCase] = {
        guard
            let url = Bundle.module.url(forResource: "botocore-hosts", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url),
            let cases = try? JSONDecoder().decode([BotocoreCase].self, from: data)
        else { return [] }
        return cases
    }()

    @Test func botocoreFixtureIsLoaded() {
        #expect(Self.botocoreCases.count >= 40)
    }

    @Test(arguments: Self.botocoreCases)
    func classifiesHostsBotocoreSends(_ recorded: BotocoreCase) {
        #expect(Self.classifier.classify(recorded.host).description == recorded.expected)
    }

    @Test func unknownHostsExplainThemselves() {
        guard
            case .unknown(let rejection) = Self.classifier.classify("myap-12345.s3-accesspoint.us-west-2.amazonaws.com")
        else {
            Issue.record("expected unknown")
            return
        }
        #expect(rejection == .invalidLabel)
        #expect(rejection.reason.contains("12-digit account id"))
        guard case .unknown(let foreign) = Self.classifier.classify("s3.example.org") else {
            Issue.record("expected unknown")
            return
        }
        #expect(foreign == .foreignDomain)
    }

    @Test func longestSuffixWins() {
        // With both `localhost` and `lab.localhost` configured, `s3.lab.localhost` is the lab endpoint.
        let classifier = HostClassifier(endpointSuffixes: ["localhost", "lab.localhost"])
        #expect(
            classifier.classify("ap1-123456789012.s3.lab.localhost").description
                == "accessPoint name=ap1 account=123456789012"
        )
    }

    @Test func awsSuffixHasNoLabEndpointShape() {
        // Under amazonaws.com, `{label}.s3.amazonaws.com` is the global bucket endpoint, never an access point.
        #expect(
            Self.classifier.classify("ap1-123456789012.s3.amazonaws.com").description == "bucket name=ap1-123456789012"
        )
        #expect(Self.classifier.classify("123456789012.s3.amazonaws.com").description == "bucket name=123456789012")
    }

    @Test func pathStyleIsFlagged() {
        #expect(Self.classifier.classify("s3.us-west-2.amazonaws.com").isPathStyle)
        #expect(Self.classifier.classify("10.0.0.1").isPathStyle)
        #expect(!Self.classifier.classify("my-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com").isPathStyle)
    }
}
