import AccessPointCore
import NIOCore
import Router
import S3Auth
import S3HTTP
import Testing

/// The access point stages end to end in memory: what is refused (status and Code) never reaches the store; what
/// is allowed reaches it rewritten for the bucket.
struct DataPlaneTests {
    static let vpcHost = "vpc-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com"
    static let labHost = "internet-ap-123456789012.s3.lab.localhost"

    @Test func allowedPutReachesTheBucketWithTheKeyDecodedAndTheClientsAuthenticationRemoved() async throws {
        let harness = try RouterHarness()
        let (response, record, _) = await harness.send(
            "PUT",
            "/reports/q3%20final.csv",
            headers: [("Content-Type", "text/csv"), ("x-amz-meta-team", "blue")],
            body: "a,b\n1,2\n"
        )
        #expect(response.status == 200)
        #expect(record.operation == "PutObject")
        #expect(record.decision == "allowed")
        let seen = try #require(harness.store.requests.first)
        #expect(seen.method == "PUT")
        #expect(seen.bucket == "example-bucket")
        #expect(seen.key == "reports/q3 final.csv")
        #expect(seen.body == "a,b\n1,2\n")
        #expect(seen.headers["authorization"] == nil)
        #expect(seen.headers["x-amz-content-sha256"] == nil)
        #expect(seen.headers["host"] == nil)
        #expect(seen.headers["content-type"] == "text/csv")
        #expect(seen.headers["x-amz-meta-team"] == "blue")
        #expect(seen.headers["content-length"] == "8")
    }

    @Test func labSuffixHostsAndAliasesReachTheSameAccessPoint() async throws {
        let harness = try RouterHarness()
        let alias = "internet-ap-abcdefghijklmnopqrstuvwxyz012345-s3alias.s3.us-west-2.amazonaws.com"
        for host in [Self.labHost, alias] {
            let (response, _, _) = await harness.send("GET", "/k", host: host)
            #expect(response.status == 200, "\(host)")
        }
        #expect(harness.store.requests.count == 2)
    }

    /// Refusals: each with its status and Code, and the store never sees the request.
    @Test(arguments: [
        (
            "path-style", "GET", "/internet-ap-123456789012/k", "s3-accesspoint.us-west-2.amazonaws.com", true, 400,
            "InvalidRequest"
        ),
        ("IP literal", "GET", "/k", "127.0.0.1", true, 400, "InvalidRequest"),
        ("bucket host", "GET", "/k", "example-bucket.s3.us-west-2.amazonaws.com", true, 400, "InvalidRequest"),
        (
            "anonymous", "GET", "/k", "internet-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", false, 403,
            "AccessDenied"
        ),
        (
            "SigV2 presigned", "GET", "/k?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=2000000000&Signature=c2ln",
            "internet-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", false, 400, "InvalidRequest"
        ),
        (
            "unknown access point", "GET", "/k", "nope-123456789012.s3-accesspoint.us-west-2.amazonaws.com", true, 404,
            "NoSuchAccessPoint"
        ),
        (
            "bucket configuration", "PUT", "/?lifecycle",
            "internet-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", true, 405, "MethodNotAllowed"
        ),
        (
            "delete bucket", "DELETE", "/", "internet-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", true,
            405, "MethodNotAllowed"
        ),
    ])
    func refusedRequestsNeverReachTheStore(
        name: String,
        method: String,
        target: String,
        host: String,
        signed: Bool,
        status: Int,
        code: String
    ) async throws {
        let harness = try RouterHarness()
        let (response, record, body) = await harness.send(method, target, host: host, signed: signed)
        #expect(response.status == status, "\(name): \(body)")
        #expect(record.errorCode == code, "\(name)")
        #expect(body.contains("<Code>\(code)</Code>"), "\(name)")
        #expect(harness.store.requests.isEmpty, "\(name)")
    }

    @Test func vpcAccessPointAcceptsItsVPCAndRefusesTheInternet() async throws {
        let harness = try RouterHarness(accessPoints: [RouterHarness.accessPoint("vpc-ap", vpc: "vpc-1a2b3c")])
        let outside = await harness.send("GET", "/k", host: Self.vpcHost, from: RouterHarness.internet)
        #expect(outside.response.status == 403)
        #expect(outside.body.contains("<Code>AccessDenied</Code>"))
        #expect(outside.body.contains("did not come from the access point&apos;s VPC"))
        #expect(harness.store.requests.isEmpty)

        let inside = await harness.send("GET", "/k", host: Self.vpcHost, from: RouterHarness.insideVPC)
        #expect(inside.response.status == 200)
        #expect(inside.record.vpc == "vpc-1a2b3c")
        #expect(harness.store.requests.count == 1)
    }

    /// The seed's endpoint policy: GetObject on one bucket and one access point. GET through it passes; PUT
    /// fails; another access point fails; an endpoint policy that names only the bucket fails.
    @Test func vpcEndpointPolicyMustGrantBothTheAccessPointAndTheBucket() async throws {
        let policy = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
            "Resource":["arn:aws:s3:::example-bucket/*",
            "arn:aws:s3:us-west-2:123456789012:accesspoint/vpc-ap/object/*"]}]}
            """
        let harness = try RouterHarness(
            endpointPolicy: policy,
            accessPoints: [
                RouterHarness.accessPoint("vpc-ap", vpc: "vpc-1a2b3c"),
                RouterHarness.accessPoint("other-ap", vpc: "vpc-1a2b3c"),
            ]
        )
        let get = await harness.send("GET", "/k", host: Self.vpcHost, from: RouterHarness.insideVPC)
        #expect(get.response.status == 200)
        let put = await harness.send("PUT", "/k", host: Self.vpcHost, body: "x", from: RouterHarness.insideVPC)
        #expect(put.response.status == 403)
        #expect(put.record.decision == "no_allow_vpc_endpoint")
        let other = await harness.send(
            "GET",
            "/k",
            host: "other-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com",
            from: RouterHarness.insideVPC
        )
        #expect(other.response.status == 403)
        #expect(other.record.decision == "no_allow_vpc_endpoint")

        let bucketOnly = try RouterHarness(
            endpointPolicy: """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
                "Resource":"arn:aws:s3:::example-bucket/*"}]}
                """,
            accessPoints: [RouterHarness.accessPoint("vpc-ap", vpc: "vpc-1a2b3c")]
        )
        let denied = await bucketOnly.send("GET", "/k", host: Self.vpcHost, from: RouterHarness.insideVPC)
        #expect(denied.response.status == 403)
        #expect(bucketOnly.store.requests.isEmpty)
        #expect(harness.store.requests.count == 1)
    }

    @Test func aPolicyChangeAppliesToTheNextRequestWithoutARestart() async throws {
        let harness = try RouterHarness()
        #expect(await harness.send("GET", "/k").response.status == 200)
        let deny = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject",
            "Resource":"arn:aws:s3:us-west-2:123456789012:accesspoint/internet-ap/object/*"}]}
            """
        harness.handler.update(
            RouterHarness.snapshot([RouterHarness.accessPoint("internet-ap", policy: deny)], version: 2)
        )
        let denied = await harness.send("GET", "/k")
        #expect(denied.response.status == 403)
        #expect(denied.record.decision == "explicit_deny")
        #expect(
            denied.record.decisionReason?.hasPrefix("denied, because statement 0 of the access point policy") == true,
            "\(denied.record)"
        )
        #expect(!denied.body.contains("because statement"), "only debug mode explains: \(denied.body)")
        harness.handler.update(RouterHarness.snapshot([RouterHarness.accessPoint("internet-ap")], version: 3))
        #expect(await harness.send("GET", "/k").response.status == 200)
        #expect(harness.store.requests.count == 2)
    }

    @Test func debugModeExplainsADenialInTheErrorMessage() async throws {
        let harness = try RouterHarness(explainDenials: true)
        let deny = """
            {"Version":"2012-10-17","Statement":[{"Sid":"NoReads","Effect":"Deny","Principal":"*","Action":"s3:GetObject",
            "Resource":"arn:aws:s3:us-west-2:123456789012:accesspoint/internet-ap/object/*"}]}
            """
        harness.handler.update(
            RouterHarness.snapshot([RouterHarness.accessPoint("internet-ap", policy: deny)], version: 2)
        )
        let denied = await harness.send("GET", "/k")
        #expect(denied.response.status == 403)
        #expect(denied.body.contains("<Code>AccessDenied</Code>"))
        #expect(denied.body.contains("denied, because statement 0 ("), "\(denied.body)")
        #expect(denied.body.contains("NoReads"), "\(denied.body)")
        #expect(denied.body.contains(") of the access point policy denies s3:GetObject"), "\(denied.body)")
    }

    @Test func withoutAnIdentityPolicyTheBucketPolicyAloneDoesNotOpenTheAccessPointLayer() async throws {
        let bucketAllows = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},
            "Action":"s3:GetObject","Resource":"arn:aws:s3:::example-bucket/*"}]}
            """
        let harness = try RouterHarness(userPolicy: nil, bucketPolicy: bucketAllows)
        let (response, record, _) = await harness.send("GET", "/k")
        #expect(response.status == 403)
        #expect(record.decision == "no_allow_access_point")
    }

    /// GetBucketPolicy and GetBucketLocation through an access point are answered from the lab, which holds the
    /// bucket's policy and region (the store behind knows neither), once the request is allowed.
    @Test func bucketPolicyAndLocationAreAnsweredFromTheLab() async throws {
        let policy = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},
            "Action":"s3:*","Resource":["arn:aws:s3:::example-bucket","arn:aws:s3:::example-bucket/*"]}]}
            """
        let harness = try RouterHarness(bucketPolicy: policy)
        let (answer, record, body) = await harness.send("GET", "/?policy")
        #expect(answer.status == 200)
        #expect(record.operation == "GetBucketPolicy")
        #expect(answer.headers["Content-Type"] == "application/json")
        #expect(body == policy)
        let (location, _, locationBody) = await harness.send("GET", "/?location")
        #expect(location.status == 200)
        #expect(locationBody.hasSuffix(">us-west-2</LocationConstraint>"))
        #expect(harness.store.requests.isEmpty)

        let (none, _, noneBody) = try await RouterHarness().send("GET", "/?policy")
        #expect(none.status == 404)
        #expect(noneBody.contains("<Code>NoSuchBucketPolicy</Code>"))

        let readsOnly =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#
        let (denied, _, _) = try await RouterHarness(userPolicy: readsOnly, bucketPolicy: policy).send(
            "GET",
            "/?policy"
        )
        #expect(denied.status == 403)
    }

    /// AWS's policy for "encrypted uploads only": a bucket policy denying a PutObject whose
    /// `s3:x-amz-server-side-encryption` is not `aws:kms`, and one requiring conditional writes (`s3:if-none-match`
    /// not null). The keys come from the request's fields; a read carries none.
    @Test func bucketPoliciesTestAWritesEncryptionAndConditionFields() async throws {
        let policy = """
            {"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:*","Resource":["arn:aws:s3:::example-bucket","arn:aws:s3:::example-bucket/*"]},
            {"Sid":"EncryptedUploadsOnly","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::example-bucket/*",
            "Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}},
            {"Sid":"NoOverwrites","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::example-bucket/*",
            "Condition":{"Null":{"s3:if-none-match":"true"}}}]}
            """
        let harness = try RouterHarness(explainDenials: true, bucketPolicy: policy)
        let plain = await harness.send("PUT", "/k", headers: [("If-None-Match", "*")], body: "x")
        #expect(plain.response.status == 403)
        #expect(plain.body.contains("EncryptedUploadsOnly"), "\(plain.body)")
        let overwrite = await harness.send(
            "PUT",
            "/k",
            headers: [("x-amz-server-side-encryption", "aws:kms")],
            body: "x"
        )
        #expect(overwrite.response.status == 403)
        #expect(overwrite.body.contains("NoOverwrites"), "\(overwrite.body)")
        let allowed = await harness.send(
            "PUT",
            "/k",
            headers: [("x-amz-server-side-encryption", "aws:kms"), ("If-None-Match", "*")],
            body: "x"
        )
        #expect(allowed.response.status == 200, "\(allowed.body)")
        #expect(harness.store.requests.count == 1)
        #expect(await harness.send("GET", "/k").response.status == 200, "a read is not a PutObject")
    }

    /// Condition keys of the request's signature and connection in AWS's example policies: `s3:signatureAge` (the
    /// milliseconds since signing: "signatures under 10 minutes old" denies one signed 11 minutes ago, within
    /// SigV4's 15 minutes of skew) and `s3:TlsVersion` (the connection's negotiated version: "TLS 1.3 only").
    enum ConnectionCondition: CaseIterable { case signatureAge, tlsVersion }

    @Test(arguments: ConnectionCondition.allCases)
    func conditionsOnTheSignatureAndTheConnection(_ condition: ConnectionCondition) async throws {
        let test =
            condition == .signatureAge
            ? #"{"NumericGreaterThan":{"s3:signatureAge":"600000"}}"# : #"{"NumericLessThan":{"s3:TlsVersion":"1.3"}}"#
        let policy = """
            {"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"arn:aws:s3:::example-bucket/*"},
            {"Sid":"Guarded","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::example-bucket/*",
            "Condition":\(test)}]}
            """
        let harness = try RouterHarness(explainDenials: true, bucketPolicy: policy)
        func send(passing: Bool) async -> (response: S3Response, record: RequestRecord, body: String) {
            switch condition {
            case .signatureAge:
                await harness.send("GET", "/k", signedAt: RouterHarness.now.adding(seconds: passing ? -540 : -660))
            case .tlsVersion:
                await harness.send("GET", "/k", tlsVersion: passing ? "1.3" : "1.2")
            }
        }
        let denied = await send(passing: false)
        #expect(denied.response.status == 403)
        #expect(denied.body.contains("Guarded"), "\(denied.body)")
        let allowed = await send(passing: true)
        #expect(allowed.response.status == 200, "\(allowed.body)")
    }

    /// The bare endpoint (`--endpoint-url https://s3.lab.localhost`) is path-style for buckets and access points,
    /// and refused; the S3 Control operations botocore sends there without an account label (the directory-bucket
    /// ones) go to the control API, which `NoControl` answers with 599 here.
    @Test(arguments: [
        ("s3.lab.localhost", "/v20180820/accesspointfordirectory", 599),
        ("s3.us-west-2.amazonaws.com", "/v20180820/accesspoint/ap/scope", 599),
        ("s3.lab.localhost", "/v20180820", 400),
        ("s3.lab.localhost", "/", 400),
        ("s3.us-west-2.amazonaws.com", "/?x-id=ListBuckets", 400),
        ("s3.lab.localhost", "/internet-ap-123456789012/v20180820/k", 400),
        ("s3.us-west-2.amazonaws.com", "/internet-ap-123456789012/k", 400),
    ])
    func onTheBareEndpointOnlyControlPathsAreServed(host: String, target: String, status: Int) async throws {
        let harness = try RouterHarness()
        let (response, _, body) = await harness.send(
            "GET",
            target,
            host: host,
            headers: [("x-amz-account-id", "123456789012")]
        )
        #expect(response.status == status, "\(body)")
        if status == 400 {
            let refusal = target.hasPrefix("/?") || target == "/" ? "list-access-points" : "virtual-host-style"
            #expect(body.contains(refusal), "\(body)")
        }
        #expect(harness.store.requests.isEmpty)
    }

    /// HeadBucket goes to the store (which says whether the bucket is there) and comes back with the fields S3
    /// adds: the lab's region of the bucket, where a store names its own, and whether the host was an alias.
    @Test(arguments: [
        ("internet-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", "false"),
        ("internet-ap-abcdefghijklmnopqrstuvwxyz012345-s3alias.s3.us-west-2.amazonaws.com", "true"),
    ])
    func headBucketNamesTheBucketsRegionAndWhetherAnAliasWasUsed(host: String, alias: String) async throws {
        let harness = try RouterHarness(storeAnswerFields: [("X-Amz-Bucket-Region", "us-east-1")])
        let (response, record, _) = await harness.send("HEAD", "/", host: host)
        #expect(response.status == 200)
        #expect(record.operation == "HeadBucket")
        #expect(harness.store.requests.map(\.method) == ["HEAD"])
        #expect(
            response.headers.fields.filter { $0.name.lowercased() == "x-amz-bucket-region" }.map(\.value) == [
                "us-west-2"
            ]
        )
        #expect(response.headers["x-amz-access-point-alias"] == alias)

        let (object, _, _) = await harness.send("HEAD", "/k", host: host)
        #expect(object.headers["x-amz-bucket-region"] == "us-east-1", "an object's HEAD is the store's as it is")
        #expect(object.headers["x-amz-access-point-alias"] == nil)
    }

    @Test func aBodyWhoseHashDiffersFromTheSignedOneFailsInTheStore() async throws {
        let harness = try RouterHarness()
        let (response, _, _) = await harness.send(
            "PUT",
            "/k",
            body: "tampered",
            payloadHash: String(repeating: "0", count: 64)
        )
        #expect(response.status == 400)
        #expect(harness.store.requests.first?.bodyError == "XAmzContentSHA256Mismatch")
    }

    @Test func deleteObjectsIsAuthorizedForEveryKey() async throws {
        let onlyPublic = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
            {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::example-bucket/private/*"}]}
            """
        let harness = try RouterHarness(userPolicy: onlyPublic)
        func delete(_ keys: [String]) async -> Int {
            let body = "<Delete>" + keys.map { "<Object><Key>\($0)</Key></Object>" }.joined() + "</Delete>"
            return await harness.send("POST", "/?delete", body: body).response.status
        }
        #expect(await delete(["public/a", "public/b&amp;c"]) == 200)
        #expect(await delete(["public/a", "private/b"]) == 403)
        #expect(harness.store.requests.count == 1)
        #expect(harness.store.requests.first?.body?.contains("public/b&amp;c") == true)
    }

    /// `x-amz-expected-bucket-owner` and `x-amz-source-expected-bucket-owner` name the account a client expects to
    /// own the bucket (and the copy source's): another owner is 403, nothing reaches the store; the fields are the
    /// router's to check and are not forwarded (a store behind it has owners of its own).
    @Test func expectedBucketOwnersAreCheckedAgainstTheLab() async throws {
        let harness = try RouterHarness(accessPoints: [
            RouterHarness.accessPoint("internet-ap"), RouterHarness.accessPoint("source-ap"),
        ])
        let other = await harness.send("GET", "/k", headers: [("x-amz-expected-bucket-owner", "111122223333")])
        #expect(other.response.status == 403 && other.body.contains("<Code>AccessDenied</Code>"), "\(other.body)")
        #expect(harness.store.requests.isEmpty)
        let owner = await harness.send("GET", "/k", headers: [("x-amz-expected-bucket-owner", "123456789012")])
        #expect(owner.response.status == 200)
        #expect(harness.store.requests.first?.headers["x-amz-expected-bucket-owner"] == nil)

        let source = "arn%3Aaws%3As3%3Aus-west-2%3A123456789012%3Aaccesspoint%2Fsource-ap%2Fobject%2Fk"
        let copyOther = await harness.send(
            "PUT",
            "/copy",
            headers: [("x-amz-copy-source", source), ("x-amz-source-expected-bucket-owner", "111122223333")]
        )
        #expect(copyOther.response.status == 403)
        #expect(harness.store.requests.count == 1)
        let copy = await harness.send(
            "PUT",
            "/copy",
            headers: [("x-amz-copy-source", source), ("x-amz-source-expected-bucket-owner", "123456789012")]
        )
        #expect(copy.response.status == 200)
        #expect(harness.store.requests.last?.headers["x-amz-source-expected-bucket-owner"] == nil)
    }

    @Test func copySourceThroughAnAccessPointIsAuthorizedAndRewrittenForTheStore() async throws {
        let harness = try RouterHarness(accessPoints: [
            RouterHarness.accessPoint("internet-ap"), RouterHarness.accessPoint("source-ap"),
        ])
        let arnSource = "arn%3Aaws%3As3%3Aus-west-2%3A123456789012%3Aaccesspoint%2Fsource-ap%2Fobject%2Fdir%2Fa%20b.txt"
        let (response, record, _) = await harness.send("PUT", "/copy", headers: [("x-amz-copy-source", arnSource)])
        #expect(response.status == 200)
        #expect(record.operation == "CopyObject")
        #expect(harness.store.requests.first?.headers["x-amz-copy-source"] == "example-bucket/dir/a%20b.txt")

        let missing = await harness.send(
            "PUT",
            "/copy",
            headers: [("x-amz-copy-source", "arn:aws:s3:us-west-2:123456789012:accesspoint/nope/object/k")]
        )
        #expect(missing.response.status == 404)
        #expect(harness.store.requests.count == 1)
    }

    /// The copy source's version is decoded to find the object, then encoded again for the store: a version with
    /// an encoded line break must not become a line break in the header the router sends (header injection).
    @Test(arguments: [
        ("v1", "example-bucket/dir/k?versionId=v1"),
        ("3HL4kq%2BtJ.lcp_Xro-DTD", "example-bucket/dir/k?versionId=3HL4kq%2BtJ.lcp_Xro-DTD"),
        ("v1%0D%0AX-Evil%3A%201", "example-bucket/dir/k?versionId=v1%0D%0AX-Evil%3A%201"),
    ])
    func copySourceVersionIsEncodedForTheStore(version: String, forwarded: String) async throws {
        let harness = try RouterHarness(accessPoints: [
            RouterHarness.accessPoint("internet-ap"), RouterHarness.accessPoint("source-ap"),
        ])
        let source = "arn:aws:s3:us-west-2:123456789012:accesspoint/source-ap/object/dir/k?versionId=\(version)"
        let (response, _, _) = await harness.send("PUT", "/copy", headers: [("x-amz-copy-source", source)])
        #expect(response.status == 200)
        #expect(harness.store.requests.first?.headers["x-amz-copy-source"] == forwarded)
    }

    /// No domain fronting: the Host must name the host the TLS connection was opened for (SNI), whatever the
    /// port, case or trailing dot.
    @Test(arguments: [
        ("internet-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", 200),
        ("INTERNET-AP-123456789012.s3-accesspoint.us-west-2.amazonaws.com.", 200),
        ("other-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com", 400),
        ("s3.lab.localhost", 400),
    ])
    func hostMustMatchTheTLSServerName(serverName: String, status: Int) async throws {
        let harness = try RouterHarness()
        let (response, record, body) = await harness.send(
            "GET",
            "/k",
            host: "internet-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com:8443",
            serverName: serverName
        )
        #expect(response.status == status, "\(body)")
        if status == 400 {
            #expect(record.errorCode == "InvalidRequest")
            #expect(body.contains("TLS connection was opened for"))
            #expect(harness.store.requests.isEmpty)
        }
    }

    /// One connection's requests share a `HostMemo`: whatever hosts and server names follow one another, each
    /// answer is the one a request without the memo gets.
    @Test func aConnectionsHostMemoAnswersAsAFreshClassificationWould() async throws {
        let harness = try RouterHarness()
        let internet = "internet-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com"
        let sequence: [(host: String, serverName: String?)] = [
            (internet, internet), (internet, internet), (Self.vpcHost, internet), (internet, Self.vpcHost),
            (internet, nil), (internet, nil), ("s3.us-west-2.amazonaws.com", nil), (internet, internet),
            (Self.labHost, Self.labHost), (Self.labHost, internet),
        ]
        let hosts = HostMemo()
        var statuses: [Int] = []
        for (host, serverName) in sequence {
            let fresh = await harness.send("GET", "/k", host: host, serverName: serverName)
            let remembered = await harness.send("GET", "/k", host: host, serverName: serverName, hosts: hosts)
            #expect(remembered.response.status == fresh.response.status, "\(host) \(serverName ?? "-")")
            #expect(remembered.record.errorCode == fresh.record.errorCode)
            statuses.append(remembered.response.status)
        }
        #expect(statuses == [200, 200, 400, 400, 200, 200, 400, 200, 200, 400])
    }

    /// A multi-region access point goes to its bucket in the router's own region first and, while that store
    /// is unreachable, to the next region's; a request with a body is never sent twice.
    @Test func multiRegionAccessPointPrefersItsOwnRegionAndFailsOver() async throws {
        let alias = try MultiRegionAccessPointAlias(validating: "mfzwi23gnjvgw.mrap")
        let down = UnreachableStore()
        let europe = RecordingStore()
        let entry = AccessPointSnapshot.MultiRegionAccessPoint(
            name: try MultiRegionAccessPointName(validating: "global"),
            account: RouterHarness.account,
            alias: alias,
            routes: [
                .init(
                    region: try Region(validating: "eu-west-1"),
                    bucket: try BucketName(validating: "eu-bucket"),
                    bucketAccount: RouterHarness.account
                ),
                .init(
                    region: RouterHarness.region,
                    bucket: try BucketName(validating: "west-bucket"),
                    bucketAccount: RouterHarness.account
                ),
            ]
        )
        let harness = try RouterHarness(
            multiRegion: [entry],
            extraBuckets: [
                (name: "west-bucket", region: "us-west-2", store: down),
                (name: "eu-bucket", region: "eu-west-1", store: europe),
            ]
        )
        let host = "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com"
        let get = await harness.send("GET", "/k", host: host)
        #expect(get.response.status == 200, "\(get.body)")
        #expect(get.record.accessPoint == "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap")
        #expect(down.requests == 1, "the router's own region (us-west-2) is tried first")
        #expect(europe.requests.first?.bucket == "eu-bucket", "then eu-west-1")

        let put = await harness.send("PUT", "/k", host: host, body: "once")
        #expect(put.response.status == 503, "a body is not sent twice: \(put.body)")
        #expect(down.requests == 2)
        #expect(europe.requests.count == 1)
    }
}
