import APRouterTestSupport
import Foundation
import Testing

/// The forward proxy (`listeners.proxy`): unmodified clients given only `HTTPS_PROXY` and `AWS_CA_BUNDLE` use the
/// real AWS hostnames (no `--endpoint-url`), and the router sees each client's own address. Judged by the aws CLI
/// (SigV4, and SigV4A through awscrt for a multi-region access point, which botocore never sends to an endpoint
/// URL) and curl.
@Suite(.serialized)
struct ForwardProxyTests {
    typealias Lab = DataPlaneTests.Lab

    static let account = "123456789012"

    /// The aws CLI with the lab's credentials and CA, through the proxy, with no endpoint URL.
    static func aws(_ lab: Lab, _ arguments: [String]) async throws -> (status: Int32, text: String) {
        let proxy = try #require(lab.ports.proxy, "the lab has no proxy listener")
        let output = try await ExternalCommand.run(
            ["aws"] + arguments + ["--output", "json"],
            environment: [
                "HTTPS_PROXY": "http://127.0.0.1:\(proxy)",
                "AWS_CA_BUNDLE": lab.ca,
                "AWS_ACCESS_KEY_ID": DataPlaneTests.accessKey,
                "AWS_SECRET_ACCESS_KEY": DataPlaneTests.secretKey,
                "AWS_DEFAULT_REGION": "us-west-2",
                "AWS_CONFIG_FILE": "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            ]
        )
        return (output.status, output.text)
    }

    @Test func awsCLIManagesAndUsesAccessPointsByTheirRealHostnames() async throws {
        let lab = try await Lab.start()
        defer { _ = lab.stop() }
        let created = try await Self.aws(
            lab,
            [
                "s3control", "create-access-point", "--account-id", Self.account, "--name", "real", "--bucket",
                "example-bucket",
            ]
        )
        #expect(created.status == 0, "\(created.text)\n\(lab.server.output)")

        let arn = "arn:aws:s3:us-west-2:\(Self.account):accesspoint/real"
        let file = lab.directory.appendingPathComponent("in.txt")
        try "through the proxy\n".write(to: file, atomically: true, encoding: .utf8)
        let put = try await Self.aws(
            lab,
            ["s3api", "put-object", "--bucket", arn, "--key", "p/k", "--body", file.path]
        )
        #expect(put.status == 0, "\(put.text)")
        let out = lab.directory.appendingPathComponent("out.txt")
        let get = try await Self.aws(lab, ["s3api", "get-object", "--bucket", arn, "--key", "p/k", out.path])
        #expect(get.status == 0, "\(get.text)")
        #expect(try String(contentsOf: out, encoding: .utf8) == "through the proxy\n")
        // The router saw the real access point hostname (SNI and Host) and the client's own address.
        #expect(try await lab.logs("access_point=\(arn) bytes_out=18 decision=allowed key=p/k"), "\(lab.server.output)")
        #expect(lab.server.output.contains("operation=GetObject"))
        #expect(lab.server.output.contains("source=127.0.0.1 status=200"))

        let missing = try await Self.aws(
            lab,
            [
                "s3api", "get-object", "--bucket", "arn:aws:s3:us-west-2:\(Self.account):accesspoint/nope", "--key",
                "k", out.path,
            ]
        )
        #expect(missing.status != 0)
        #expect(missing.text.contains("NoSuchAccessPoint"), "\(missing.text)")
    }

    @Test func multiRegionAccessPointIsCreatedThenReadAndWrittenWithSigV4A() async throws {
        let lab = try await Lab.start()
        defer { _ = lab.stop() }
        let created = try await Self.aws(
            lab,
            [
                "s3control", "create-multi-region-access-point", "--account-id", Self.account, "--details",
                #"{"Name":"global","Regions":[{"Bucket":"example-bucket"}]}"#,
            ]
        )
        #expect(created.status == 0, "\(created.text)\n\(lab.server.output)")
        let token = try #require(Self.field("RequestTokenARN", in: created.text), "\(created.text)")

        var status = ""
        for _ in 0..<60 where status != "SUCCEEDED" && status != "FAILED" {
            let described = try await Self.aws(
                lab,
                [
                    "s3control", "describe-multi-region-access-point-operation", "--account-id", Self.account,
                    "--request-token-arn", token,
                ]
            )
            status = Self.field("RequestStatus", in: described.text) ?? ""
            if status != "SUCCEEDED" { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(status == "SUCCEEDED")
        let got = try await Self.aws(
            lab,
            ["s3control", "get-multi-region-access-point", "--account-id", Self.account, "--name", "global"]
        )
        let alias = try #require(Self.field("Alias", in: got.text), "\(got.text)")
        #expect(alias.hasSuffix(".mrap"))

        let arn = "arn:aws:s3::\(Self.account):accesspoint/\(alias)"
        let file = lab.directory.appendingPathComponent("in.txt")
        try "everywhere\n".write(to: file, atomically: true, encoding: .utf8)
        let put = try await Self.aws(
            lab,
            ["s3api", "put-object", "--bucket", arn, "--key", "g", "--body", file.path, "--debug"]
        )
        #expect(put.status == 0, "\(put.text.suffix(2000))")
        // botocore signed it with SigV4A (awscrt), for the multi-region host.
        #expect(put.text.contains("AWS4-ECDSA-P256-SHA256"), "\(put.text.suffix(2000))")
        #expect(put.text.contains("\(alias).accesspoint.s3-global.amazonaws.com"))

        let out = lab.directory.appendingPathComponent("out.txt")
        let get = try await Self.aws(lab, ["s3api", "get-object", "--bucket", arn, "--key", "g", out.path])
        #expect(get.status == 0, "\(get.text)")
        #expect(try String(contentsOf: out, encoding: .utf8) == "everywhere\n")
        #expect(try await lab.logs("access_point=\(arn) bytes_out=11 decision=allowed key=g"), "\(lab.server.output)")
    }

    /// curl through the proxy from a source address that stands for a VPC or the internet: the proxy hands the
    /// router the client's own address, so the VPC origin rule holds through it.
    static func curl(_ lab: Lab, host: String, path: String, from source: String) async throws -> String {
        let proxy = try #require(lab.ports.proxy)
        return try await ExternalCommand.run([
            "curl", "-s", "-w", " %{http_code}", "--cacert", lab.ca, "--interface", source,
            "--proxy", "http://127.0.0.1:\(proxy)",
            "-H", "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "--aws-sigv4", "aws:amz:us-west-2:s3", "--user", "\(DataPlaneTests.accessKey):\(DataPlaneTests.secretKey)",
            "https://\(host)\(path)",
        ]).text
    }

    @Test func vpcOriginIsTheProxyClientsOwnAddress() async throws {
        let lab = try await Lab.start()
        defer { _ = lab.stop() }
        let created = try await lab.control([
            "create-access-point", "--name", "inside", "--bucket", "example-bucket", "--vpc-configuration",
            "VpcId=vpc-1a2b3c",
        ])
        #expect(created.status == 0, "\(created.text)")
        let host = "inside-\(Self.account).s3-accesspoint.us-west-2.amazonaws.com"

        let fromVPC = try await Self.curl(lab, host: host, path: "/?list-type=2", from: "127.0.10.5")
        #expect(fromVPC.hasSuffix(" 200"), "\(fromVPC)")
        #expect(fromVPC.contains("<ListBucketResult"), "\(fromVPC)")

        let fromInternet = try await Self.curl(lab, host: host, path: "/?list-type=2", from: "127.0.20.5")
        #expect(fromInternet.hasSuffix(" 403"), "\(fromInternet)")
        #expect(fromInternet.contains("<Code>AccessDenied</Code>"), "\(fromInternet)")
        #expect(try await lab.logs("source=127.0.20.5 status=403"), "\(lab.server.output)")
    }

    @Test(arguments: [
        // Not an endpoint host: refused, never connected to.
        (["https://example.com/"], "403", "example.com is not under an endpoint suffix"),
        // An endpoint host on another port.
        (["--proxytunnel", "http://s3.us-west-2.amazonaws.com:80/"], "403", "only port 443 is tunnelled"),
        // Plain HTTP through the proxy (absolute-form GET): the proxy only tunnels HTTPS.
        (["http://s3.us-west-2.amazonaws.com/"], "405", "it accepts CONNECT, not GET"),
    ])
    func refusesEveryOtherTarget(arguments: [String], status: String, reason: String) async throws {
        let lab = try await Lab.start()
        defer { _ = lab.stop() }
        let proxy = try #require(lab.ports.proxy)
        let output = try await ExternalCommand.run(
            ["curl", "-s", "-w", " connect=%{http_connect} code=%{http_code}", "--proxy", "http://127.0.0.1:\(proxy)"]
                + arguments
        ).text
        #expect(output.contains("=\(status)"), "\(output)")
        #expect(try await lab.logs(reason), "\(lab.server.output)")
        #expect(!lab.server.output.contains("[Router] request"), "nothing reached the router: \(lab.server.output)")
    }

    /// rclone, on the Go SDK, given an access point's alias as its bucket and the proxy: a multipart upload, a check
    /// of every file's hash, a server-side copy into a second access point (`x-amz-copy-source` naming the first
    /// by its alias), and a download. rclone makes the bucket before an upload unless told not to, and an access
    /// point allows no bucket operation: refused with S3's 405, nothing stored.
    @Test func rcloneUsesAccessPointsByTheirAliasesThroughTheProxy() async throws {
        let lab = try await Lab.start()
        defer { _ = lab.stop() }
        var aliases: [String] = []
        for name in ["photos", "backup"] {
            let created = try await Self.aws(
                lab,
                [
                    "s3control", "create-access-point", "--account-id", Self.account, "--name", name, "--bucket",
                    "example-bucket",
                ]
            )
            aliases.append(try #require(Self.field("Alias", in: created.text), "\(created.text)"))
        }
        let source = lab.directory.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        let big = Data((0..<(12 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try big.write(to: source.appendingPathComponent("big.bin"))
        try Data("small\n".utf8).write(to: source.appendingPathComponent("small.txt"))

        let proxy = try #require(lab.ports.proxy)
        func rclone(_ arguments: [String], checkBucket: Bool = false) async throws -> (status: Int32, text: String) {
            let output = try await ExternalCommand.run(
                ["rclone", "--ca-cert", lab.ca, "--retries", "1", "--low-level-retries", "1"] + arguments,
                environment: [
                    "HTTPS_PROXY": "http://127.0.0.1:\(proxy)",
                    "RCLONE_CONFIG": "/dev/null",
                    "RCLONE_CONFIG_AP_TYPE": "s3",
                    "RCLONE_CONFIG_AP_PROVIDER": "AWS",
                    "RCLONE_CONFIG_AP_REGION": "us-west-2",
                    "RCLONE_CONFIG_AP_ACCESS_KEY_ID": DataPlaneTests.accessKey,
                    "RCLONE_CONFIG_AP_SECRET_ACCESS_KEY": DataPlaneTests.secretKey,
                    "RCLONE_CONFIG_AP_NO_CHECK_BUCKET": checkBucket ? "false" : "true",
                ]
            )
            return (output.status, output.text)
        }
        let refused = try await rclone(
            ["copyto", source.appendingPathComponent("small.txt").path, "ap:\(aliases[0])/x"],
            checkBucket: true
        )
        #expect(refused.status != 0 && refused.text.contains("MethodNotAllowed"), "\(refused.text)")

        let upload = try await rclone(
            ["copy", source.path, "ap:\(aliases[0])/r", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M"]
        )
        #expect(upload.status == 0, "\(upload.text)\n\(lab.server.output.suffix(3000))")
        #expect(try await lab.logs("operation=UploadPart"), "a multipart upload: \(lab.server.output.suffix(3000))")
        let check = try await rclone(["check", source.path, "ap:\(aliases[0])/r"])
        #expect(check.status == 0 && check.text.contains("0 differences found"), "\(check.text)")

        let copy = try await rclone(["copyto", "ap:\(aliases[0])/r/big.bin", "ap:\(aliases[1])/c/big.bin", "-v"])
        #expect(copy.status == 0 && copy.text.contains("server-side copy"), "\(copy.text)")
        let back = lab.directory.appendingPathComponent("back")
        let download = try await rclone(["copy", "ap:\(aliases[1])/c", back.path])
        #expect(download.status == 0, "\(download.text)")
        #expect(try Data(contentsOf: back.appendingPathComponent("big.bin")) == big)
        let listing = try await rclone(["lsf", "ap:\(aliases[0])"])
        // Both access points front example-bucket: its two folders, and not the refused upload's `x`.
        #expect(listing.text.split(separator: "\n") == ["c/", "r/"], "\(listing.text)")
    }

    /// The value of `"name": "value"` in the aws CLI's JSON output.
    static func field(_ name: String, in text: String) -> String? {
        guard let range = text.range(of: "\"\(name)\": \"") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }
}

/// A multi-region access point over a bucket in the router's region, on `rclone serve s3`, and one in another region,
/// on the embedded store: requests go to the router's region while its store answers and its route is active, and
/// to the other region while it is passive or once its store is gone (requests without a body; one with a body is
/// never sent twice).
@Suite(.serialized)
struct MultiRegionFailoverTests {
    @Test func requestsFailOverToTheOtherRegionWhenThePreferredStoreStops() async throws {
        let rclone = try await RcloneUpstream.start(bucket: "west-real")
        defer { rclone.remove() }
        let remote = rclone.bucketDirectory
        let lab = try await DataPlaneTests.Lab.start(
            buckets: """
                buckets:
                  - name: west-bucket
                    account: "123456789012"
                    region: us-west-2
                    store: \(rclone.store(bucket: "west-real"))
                  - {name: east-bucket, account: "123456789012", region: us-east-1}
                """
        )
        defer { _ = lab.stop() }

        let created = try await ForwardProxyTests.aws(
            lab,
            [
                "s3control", "create-multi-region-access-point", "--account-id", "123456789012", "--details",
                #"{"Name":"both","Regions":[{"Bucket":"west-bucket"},{"Bucket":"east-bucket"}]}"#,
            ]
        )
        #expect(created.status == 0, "\(created.text)")
        var alias: String?
        for _ in 0..<60 where alias == nil {
            let got = try await ForwardProxyTests.aws(
                lab,
                ["s3control", "get-multi-region-access-point", "--account-id", "123456789012", "--name", "both"]
            )
            if got.text.contains(#""Status": "READY""#) {
                alias = ForwardProxyTests.field("Alias", in: got.text)
            } else {
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        let arn = "arn:aws:s3::123456789012:accesspoint/\(try #require(alias, "\(lab.server.output.suffix(2000))"))"

        // Both regions up: the router's own region (us-west-2) takes the write.
        let file = lab.directory.appendingPathComponent("in.txt")
        try "west\n".write(to: file, atomically: true, encoding: .utf8)
        let put = try await ForwardProxyTests.aws(
            lab,
            ["s3api", "put-object", "--bucket", arn, "--key", "k", "--body", file.path]
        )
        #expect(put.status == 0, "\(put.text)")
        #expect(try String(contentsOf: remote.appendingPathComponent("k"), encoding: .utf8) == "west\n")
        let listed = try await ForwardProxyTests.aws(lab, ["s3api", "list-objects-v2", "--bucket", arn])
        #expect(listed.text.contains(#""Key": "k""#), "\(listed.text)")

        // us-west-2 made passive (SubmitMultiRegionAccessPointRoutes): reads go to us-east-1 while west is up; made
        // active again, they come back. The router takes the change with the next snapshot.
        func route(_ region: String, _ dial: Int) async throws {
            let submitted = try await ForwardProxyTests.aws(
                lab,
                [
                    "s3control", "submit-multi-region-access-point-routes", "--account-id", "123456789012", "--mrap",
                    arn, "--route-updates", "Region=\(region),TrafficDialPercentage=\(dial)",
                ]
            )
            #expect(submitted.status == 0, "\(submitted.text)")
        }
        func listsK() async throws -> Bool {
            try await ForwardProxyTests.aws(lab, ["s3api", "list-objects-v2", "--bucket", arn]).text
                .contains(#""Key": "k""#)
        }
        try await route("us-west-2", 0)
        var movedEast = false
        for _ in 0..<40 where !movedEast {
            movedEast = try await !listsK()
            if !movedEast { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(movedEast, "a passive region is routed nothing")
        let routes = try await ForwardProxyTests.aws(
            lab,
            ["s3control", "get-multi-region-access-point-routes", "--account-id", "123456789012", "--mrap", arn]
        )
        #expect(routes.text.contains(#""TrafficDialPercentage": 0"#), "\(routes.text)")
        try await route("us-west-2", 100)
        var back = false
        for _ in 0..<40 where !back {
            back = try await listsK()
            if !back { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(back, "active again, the router's own region answers first")

        // us-west-2's store stops: reads go to us-east-1, which answers for itself (an empty bucket).
        rclone.stop()
        let failedOver = try await ForwardProxyTests.aws(lab, ["s3api", "list-objects-v2", "--bucket", arn])
        #expect(failedOver.status == 0, "\(failedOver.text)\n\(lab.server.output.suffix(2000))")
        #expect(!failedOver.text.contains(#""Key": "k""#), "\(failedOver.text)")
        let out = lab.directory.appendingPathComponent("out.txt")
        let missing = try await ForwardProxyTests.aws(
            lab,
            ["s3api", "get-object", "--bucket", arn, "--key", "k", out.path]
        )
        #expect(missing.status != 0)
        #expect(missing.text.contains("NoSuchKey"), "the other region answered, not 503: \(missing.text)")
        // A write carries a body and is never sent twice: it fails rather than landing in another region unasked.
        let refused = try await ForwardProxyTests.aws(
            lab,
            ["s3api", "put-object", "--bucket", arn, "--key", "k2", "--body", file.path, "--cli-read-timeout", "5"]
        )
        #expect(refused.status != 0)
        #expect(refused.text.contains("ServiceUnavailable") || refused.text.contains("503"), "\(refused.text)")
    }
}
