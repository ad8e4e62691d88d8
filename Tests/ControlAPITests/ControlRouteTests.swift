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
        ("POST", "/v20180820/async-requests/mrap/create", .multiRegion),
        ("GET", "/v20180820/mrap/instances/my-mrap/policystatus", .multiRegion),
    ]

    @Test(arguments: Self.table)
    func routes(method: String, path: String, expected: ControlRoute?) {
        #expect(ControlRoute(method: method, path: path) == expected)
    }
}
