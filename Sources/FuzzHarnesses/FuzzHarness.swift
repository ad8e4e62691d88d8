import Dispatch
import Foundation

/// The fuzz harnesses: one for each reader of bytes that arrive from the network, each checking, beyond "does not
/// trap", the properties its reader promises (fuzz/README.md lists them). libFuzzer calls ``run(_:)`` with its
/// inputs in the build of fuzz/; FuzzHarnessesTests replays the committed corpus and every input that once failed
/// through the normal build.
///
/// A property that does not hold stops the process with `preconditionFailure` and says which, so libFuzzer keeps the
/// input as a crash, exactly as it does for a trap in the reader itself.
public enum FuzzHarness: String, CaseIterable, Sendable {
    /// The servers' HTTP/1.1 request reader (`HTTPRequestParser`): the parts read from bytes fed at once, in two
    /// pieces and byte by byte are the same.
    case httpRequest = "http-request"
    /// The store client's HTTP/1.1 response reader (`StoreResponseParser`), by the same property.
    case storeResponse = "store-response"
    /// The PROXY protocol v1/v2 header (`ProxyProtocolHeader`): a decision made on a prefix stands.
    case proxyHeader = "proxy-header"
    /// The forward proxy's CONNECT head (`ConnectRequest`), by the same property.
    case connectRequest = "connect-request"
    /// The aws-chunked body decoder (`AWSChunkedStateMachine`): the same bytes and outcome however the body is cut,
    /// and a complete body has its declared decoded length.
    case awsChunked = "aws-chunked"
    /// The DNS answer path (parse, view, lookup, encode) on the lab's default zones: an answer echoes the query's ID,
    /// is a response, and comes out the same when asked again after another query.
    case dnsQuery = "dns-query"
    /// The DNS forwarder's reading of an upstream resolver's message and the client's answer made of it: an accepted
    /// message's TTLs lie inside it, and the client gets it byte for byte under its own header, TTLs counted down.
    case dnsUpstream = "dns-upstream"
    /// The XML request-body parser (`XMLDocumentParser`) every server reads bodies with.
    case xmlBody = "xml-body"
    /// Policy documents (`PolicyDocument`): a policy that compiles is decided for requests in every layer, alike
    /// each time.
    case policy = "policy"
    /// A whole request through the router's stages, signed by the harness (`RouterHarness`): no request from outside
    /// a VPC reaches its access point's bucket, none without a signature reaches any, every refusal names its code.
    case router = "router"
    /// `aprouter store serve`'s requests (addressing, SigV4 with the store's key) to the embedded store: none
    /// without a signature reaches it, every refusal names its code.
    case storeServer = "store-server"
    /// Host names and ARNs (`HostClassifier`, `ARN`, `S3ResourceARN`): what parses prints back to itself.
    case names = "names"

    /// Runs the harness on one input.
    public func run(_ input: UnsafeRawBufferPointer) {
        switch self {
        case .httpRequest: HTTPReadingHarness.request(input)
        case .storeResponse: HTTPReadingHarness.response(input)
        case .proxyHeader: PrefixDecisionHarness.proxyHeader(input)
        case .connectRequest: PrefixDecisionHarness.connectRequest(input)
        case .awsChunked: AWSChunkedHarness.run(input)
        case .dnsQuery: DNSAnswerHarness.run(input)
        case .dnsUpstream: DNSUpstreamHarness.run(input)
        case .xmlBody: DocumentHarness.xml(input)
        case .policy: DocumentHarness.policy(input)
        case .router: RouterHarness.run(input)
        case .storeServer: StoreServerHarness.run(input)
        case .names: NameHarness.run(input)
        }
    }

    /// Runs the harness on one input.
    public func run(_ input: [UInt8]) {
        input.withUnsafeBytes { run($0) }
    }

    /// Removes what the last input left on disk (the router harness's embedded store under /dev/shm).
    public static func removeTemporaryFiles() {
        RouterHarness.stores.reset()
        StoreServerHarness.stores.reset()
        try? FileManager.default.removeItem(atPath: StoreSwitch.processFolder)
    }

    /// Runs the harness on one input from an async context (a test), on a Dispatch thread: the router's harness
    /// waits for a task of its own, and waiting on one of Swift's cooperative threads (two on these machines) can
    /// leave that task no thread to run on.
    public func replay(_ input: [UInt8]) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                run(input)
                continuation.resume()
            }
        }
    }
}

/// Stops the fuzzer on a property that does not hold.
func require(_ condition: Bool, _ property: @autoclosure () -> String) {
    if !condition { preconditionFailure("fuzz property does not hold: \(property())") }
}

/// The places where an input is cut into pieces, taken from its first byte: the rest is cut once there (modulo its
/// length), so the fuzzer explores the cuts along with the bytes.
struct Cut {
    let first: UInt8
    let bytes: UnsafeRawBufferPointer

    init?(_ input: UnsafeRawBufferPointer) {
        guard let first = input.first else { return nil }
        self.first = first
        bytes = UnsafeRawBufferPointer(rebasing: input.dropFirst())
    }

    /// Where the bytes are cut in two.
    var point: Int { Int(first) % (bytes.count + 1) }
}
