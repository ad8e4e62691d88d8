import Testing

@testable import ControlAPI

struct ControlRouteTests {
    static let table: [(String, String, ControlRoute?)] = [
        ("PUT", "/v20180820/accesspoint/my-ap", .createAccessPoint(name: "my-ap")),
        ("GET", "/v20180820/accesspoint/my-ap", .getAccessPoint(name: "my-ap")),
        ("DELETE", "/v20180820/accesspoint/my-ap", .deleteAccessPoint(name: "my-ap")),
        ("GET", "/v20180820/accesspoint", .listAccessPoints),
        ("PUT", "/v20180820/accesspoint/my-ap/policy", .putAccessPointPolicy(name: "my-ap")),
        ("GET", "/v20180820/accesspoint/my-ap/policy", .getAccessPointPolicy(name: "my-ap")),
        ("DELETE", "/v20180820/accesspoint/my-ap/policy", .deleteAccessPointPolicy(name: "my-ap")),
        ("GET", "/v20180820/accesspoint/my-ap/policyStatus", .getAccessPointPolicyStatus(name: "my-ap")),
        ("PUT", "/v20180820/configuration/publicAccessBlock", .putPublicAccessBlock),
        ("GET", "/v20180820/configuration/publicAccessBlock", .getPublicAccessBlock),
        ("DELETE", "/v20180820/configuration/publicAccessBlock", .deletePublicAccessBlock),
        // Labels are decoded after matching: an encoded slash stays inside the name.
        ("GET", "/v20180820/accesspoint/a%2Fpolicy", .getAccessPoint(name: "a/policy")),
        ("GET", "/v20180820/accesspoint/policy", .getAccessPoint(name: "policy")),
        ("GET", "/v20180820/accesspoint/my-ap/policystatus", nil),
        ("POST", "/v20180820/accesspoint/my-ap", nil),
        ("PUT", "/v20180820/accesspoint", nil),
        ("GET", "/v20180820/accesspoint/", nil),
        ("GET", "/v20180820/accesspoint/bad%zz", nil),
        ("GET", "/v20180820/accesspoint/my-ap/policy/extra", nil),
        ("GET", "/accesspoint/my-ap", nil),
        ("POST", "/v20180820/configuration/publicAccessBlock", nil),
        ("POST", "/v20180820/async-requests/mrap/create", .createMultiRegionAccessPoint),
        ("POST", "/v20180820/async-requests/mrap/delete", .deleteMultiRegionAccessPoint),
        ("POST", "/v20180820/async-requests/mrap/put-policy", .putMultiRegionAccessPointPolicy),
        ("POST", "/v20180820/async-requests/mrap/create/extra", nil),
        (
            "GET",
            "/v20180820/async-requests/mrap/arn%3Aaws%3As3%3Aus-west-2%3A123456789012%3Aasync-request/mrap/create/tok",
            .describeMultiRegionAccessPointOperation(
                token: "arn:aws:s3:us-west-2:123456789012:async-request/mrap/create/tok"
            )
        ),
        // The greedy name: suffixes are tested first, and a name may not be empty.
        ("GET", "/v20180820/mrap/instances", .listMultiRegionAccessPoints),
        ("GET", "/v20180820/mrap/instances/my-mrap", .getMultiRegionAccessPoint(name: "my-mrap")),
        ("GET", "/v20180820/mrap/instances/my-mrap/policy", .getMultiRegionAccessPointPolicy(name: "my-mrap")),
        (
            "GET", "/v20180820/mrap/instances/my-mrap/policystatus",
            .getMultiRegionAccessPointPolicyStatus(name: "my-mrap")
        ),
        ("GET", "/v20180820/mrap/instances/my-mrap/routes", .getMultiRegionAccessPointRoutes(mrap: "my-mrap")),
        (
            "GET", "/v20180820/mrap/instances/arn%3Aaws%3As3%3A%3A123456789012%3Aaccesspoint/mfzwi23gnjvgw.mrap/routes",
            .getMultiRegionAccessPointRoutes(mrap: "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap")
        ),
        ("PATCH", "/v20180820/mrap/instances/my-mrap/routes", .submitMultiRegionAccessPointRoutes(mrap: "my-mrap")),
        ("PATCH", "/v20180820/mrap/instances/my-mrap", nil),
        ("GET", "/v20180820/mrap/instances/policy", .getMultiRegionAccessPoint(name: "policy")),
        ("GET", "/v20180820/mrap/instances/", nil),
        ("DELETE", "/v20180820/mrap/instances/my-mrap", nil),
        // The greedy ARN of the tagging operations: `:` arrives encoded, `/` literal.
        (
            "POST", "/v20180820/tags/arn%3Aaws%3As3%3Aus-west-2%3A123456789012%3Aaccesspoint/my-ap",
            .tagResource(arn: "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap")
        ),
        (
            "DELETE", "/v20180820/tags/arn%3Aaws%3As3%3Aus-west-2%3A123456789012%3Aaccesspoint/my-ap",
            .untagResource(arn: "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap")
        ),
        (
            "GET", "/v20180820/tags/arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap",
            .listTagsForResource(arn: "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap")
        ),
        ("GET", "/v20180820/tags/", nil),
        ("PUT", "/v20180820/tags/arn%3Aaws%3As3%3A%3A%3Abucket", nil),
    ]

    @Test(arguments: Self.table)
    func routes(method: String, path: String, expected: ControlRoute?) {
        #expect(ControlRoute(method: method, path: path) == expected)
    }
}
