import AccessPointCore
import Foundation
import NIOCore
import Registry
import S3HTTP
import Synchronization

@testable import ControlAPI

/// A control API over an in-memory registry, with fixed request ids, clock and alias randomness.
struct ControlHarness {
    static let account = try! AccountID(validating: "123456789012")
    static let otherAccount = try! AccountID(validating: "444455556666")
    static let region = try! Region(validating: "us-west-2")
    static let aliasRandom = "hrzrlukc5m36ft7okagglf3gmwluquse1b"
    static let requestID = S3RequestID(requestID: "4442587FB7D0A2F9", hostID: "lab-host-id")
    /// 2026-11-24T10:53:18Z
    static let now = Date(timeIntervalSince1970: 1_795_517_598)

    static let lab: LabConfiguration = {
        var lab = LabConfiguration.embeddedDefault
        let euWest1 = try! Region(validating: "eu-west-1")
        lab.vpcs.append(
            LabConfiguration.VPC(
                id: "vpc-1a2b3c4d",
                region: region,
                cidrs: [],
                enableDnsSupport: true,
                enableDnsHostnames: true,
                endpoint: nil
            )
        )
        lab.vpcs.append(
            LabConfiguration.VPC(
                id: "vpc-in-eu",
                region: euWest1,
                cidrs: [],
                enableDnsSupport: true,
                enableDnsHostnames: true,
                endpoint: nil
            )
        )
        func bucket(_ name: String, _ account: AccountID, _ region: Region) -> LabConfiguration.Bucket {
            LabConfiguration.Bucket(
                name: try! BucketName(validating: name),
                account: account,
                region: region,
                policy: nil,
                store: .embedded
            )
        }
        lab.buckets += [
            bucket("lab-demo-bucket", account, region),
            bucket("second-bucket", account, region),
            bucket("strangers-bucket", otherAccount, region),
            bucket("european-bucket", account, euWest1),
        ]
        return lab
    }()

    struct FixedIDs: S3RequestIDGenerator {
        func next() -> S3RequestID { ControlHarness.requestID }
    }

    /// The harness's clock and the counter behind its "random" tokens, moved by tests.
    final class State: Sendable {
        let clock = Mutex(ControlHarness.now)
        let counter = Mutex(0)
    }

    let registry: SQLiteRegistry
    let responder: ControlAPIResponder
    let processor: MultiRegionOperationProcessor
    let state = State()

    init(quota: Int = 1000, region: Region = region) throws {
        registry = try SQLiteRegistry.inMemory()
        let state = self.state
        // 34 characters is an access point alias: always the same, as in spec §2.1. Anything else (request
        // tokens, multi-region aliases) counts up, so each is distinct.
        let environment = ControlAPIEnvironment(
            now: { state.clock.withLock { $0 } },
            randomLowercaseAlphanumerics: { count in
                guard count != 34 else { return String(ControlHarness.aliasRandom.prefix(count)) }
                let next = state.counter.withLock { value in
                    value += 1
                    return value
                }
                let digits = String(next)
                return String(repeating: "a", count: max(0, count - digits.count)) + digits
            }
        )
        let configuration = ControlAPIConfiguration(lab: Self.lab, accessPointQuota: quota)
        responder = ControlAPIResponder(
            configuration: configuration,
            registry: registry,
            requestIDs: FixedIDs(),
            environment: environment
        )
        processor = MultiRegionOperationProcessor(
            configuration: configuration,
            registry: registry,
            environment: environment,
            settleTime: 2
        )
        self.region = region
    }

    let region: Region

    func advanceClock(by seconds: TimeInterval) {
        state.clock.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Sends a request as botocore would: `x-amz-account-id` and the host's account both the caller's, unless
    /// a test says otherwise.
    func send(
        _ method: String,
        _ path: String,
        query: String = "",
        body: String? = nil,
        bytes: [UInt8]? = nil,
        caller: AccountID = account,
        accountHeader: String? = account.rawValue,
        hostAccount: AccountID? = account
    ) async -> S3Response {
        var headers: S3Headers = [:]
        if let accountHeader { headers.add(name: "x-amz-account-id", value: accountHeader) }
        let request = S3Request(
            method: method,
            path: "/v20180820" + path,
            query: query,
            headers: headers,
            host: .control(account: hostAccount, endpoint: .init(region: region)),
            caller: S3Caller(account: caller, principalARN: "arn:aws:iam::\(caller):user/alice"),
            body: bytes.map { S3Body(ByteBuffer(bytes: $0)) } ?? body.map { S3Body(string: $0) } ?? .empty
        )
        return await responder.respond(to: request)
    }

    /// `CreateAccessPoint` with a body like botocore's.
    @discardableResult
    func create(
        _ name: String,
        bucket: String = "lab-demo-bucket",
        extra: String = ""
    ) async -> S3Response {
        await send("PUT", "/accesspoint/\(name)", body: Self.createBody(bucket: bucket, extra: extra))
    }

    static func createBody(bucket: String, extra: String = "") -> String {
        #"<CreateAccessPointRequest xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">"#
            + "<Bucket>\(bucket)</Bucket>\(extra)</CreateAccessPointRequest>"
    }

    static let declaration = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
    static let namespace = #" xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/""#
}

extension S3Response {
    var text: String { String(buffer: body.buffer ?? ByteBuffer()) }

    /// The `<Code>` of an error body.
    var errorCode: String? { element("Code") }

    func element(_ name: String) -> String? {
        guard let start = text.range(of: "<\(name)>"),
            let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
        else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
