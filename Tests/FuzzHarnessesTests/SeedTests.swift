import Foundation
import Router
import Testing

@testable import FuzzHarnesses

/// The seeds reach what they are named for, so that the fuzzer starts past the readers' front doors: a signed GET
/// through the VPC access point from the VPC reaches its bucket's store, the same from the internet does not; the
/// signed aws-chunked bodies decode whole; the private zone answers the VPC and refuses the internet; the forwarder
/// accepts the well-formed upstream answers and drops the others.
extension FuzzHarnessesTests {
    @Suite struct SeedTests {
        static func seed(_ harness: FuzzHarness, _ name: String) throws -> [UInt8] {
            Array(
                try Data(
                    contentsOf: FuzzHarnessesTests.ReplayTests.fuzz.appendingPathComponent(
                        "corpus/\(harness.rawValue)/seed-\(name)"
                    )
                )
            )
        }

        @Test func routerSeedsReachTheStoreOnlyFromTheVPC() async throws {
            let before = RouterHarness.vpcStore.calls
            await FuzzHarness.router.replay(try Self.seed(.router, "vpc-get"))
            #expect(RouterHarness.vpcStore.calls == before + 1)
            // The harness's VPC property recognises the access point the request went through.
            let accessPoint = try #require(RouterHarness.lastRecord.accessPoint)
            #expect(RouterHarness.vpcs(RouterHarness.firstSnapshot)[accessPoint] == "vpc-1a2b3c")
            #expect(RouterHarness.lastRecord.vpc == "vpc-1a2b3c")
            await FuzzHarness.router.replay(try Self.seed(.router, "vpc-get-from-internet"))
            #expect(RouterHarness.vpcStore.calls == before + 1)
            let internet = RouterHarness.internetStore.calls
            for name in ["presigned", "put", "put-chunked", "delete-objects", "list", "conditional"] {
                await FuzzHarness.router.replay(try Self.seed(.router, name))
            }
            #expect(RouterHarness.internetStore.calls == internet + 6)
            FuzzHarness.removeTemporaryFiles()
        }

        /// The control API's changes reach the router within one input: an access point it creates serves the next
        /// request, and one it creates in a VPC refuses the internet.
        @Test func controlSeedsChangeWhatTheRouterRoutes() async throws {
            let internet = RouterHarness.internetStore.calls
            await FuzzHarness.router.replay(try Self.seed(.router, "control-create-then-use"))
            #expect(RouterHarness.internetStore.calls == internet + 1)
            #expect(RouterHarness.lastRecord.accessPoint == "arn:aws:s3:us-west-2:123456789012:accesspoint/new-ap")
            let vpc = RouterHarness.vpcStore.calls
            await FuzzHarness.router.replay(try Self.seed(.router, "control-create-vpc-then-use-outside"))
            #expect(RouterHarness.vpcStore.calls == vpc)
            #expect(RouterHarness.lastRecord.errorCode == "AccessDenied")
            FuzzHarness.removeTemporaryFiles()
        }

        @Test func storeServerSeedsReachTheStoreSigned() async throws {
            let calls = StoreServerHarness.counted.calls
            await FuzzHarness.storeServer.replay(try Self.seed(.storeServer, "put-get"))
            #expect(StoreServerHarness.counted.calls == calls + 2)
            await FuzzHarness.storeServer.replay(try Self.seed(.storeServer, "unsigned"))
            #expect(StoreServerHarness.counted.calls == calls + 2)
            FuzzHarness.removeTemporaryFiles()
        }

        @Test(arguments: ["signed", "signed-trailer", "unsigned-trailer"])
        func awsChunkedSeedsDecodeWhole(_ name: String) throws {
            let seed = try Self.seed(.awsChunked, name)
            let decoding = seed.withUnsafeBytes { raw in
                AWSChunkedHarness.decode(AWSChunkedHarness.configuration(raw), [Array(seed.dropFirst(3))])
            }
            #expect(decoding.outcome == "complete")
            #expect(decoding.bytes == Array("hello world".utf8))
        }

        /// The forwarder accepts the well-formed answers with the cache lifetimes RFC 2308 gives them, hands on a
        /// truncated one, cuts one too large for the client to TC, and drops the rest.
        @Test func dnsUpstreamSeedsAreReadAsNamed() throws {
            func outcome(_ name: String) throws -> (truncated: Bool, cacheTTL: UInt32?, clientGetsTC: Bool)? {
                DNSUpstreamHarness.outcome(try Self.seed(.dnsUpstream, name))
            }
            let a = try #require(try outcome("a-record"))
            #expect(!a.truncated && a.cacheTTL == 300 && !a.clientGetsTC)
            #expect(try outcome("aaaa-opt-aged")?.cacheTTL == 600)
            #expect(try outcome("nxdomain-soa")?.cacheTTL == 60)
            #expect(try outcome("cname-chain")?.cacheTTL == 30)
            let truncated = try #require(try outcome("truncated"))
            #expect(truncated.truncated && truncated.cacheTTL == nil)
            let large = try #require(try outcome("over-512"))
            #expect(large.clientGetsTC && large.cacheTTL == 60)
            for name in ["other-id", "pointer-loop", "cut-short"] {
                #expect(try outcome(name) == nil, "\(name)")
            }
        }

        @Test(arguments: [("private-a", 0), ("private-refused", 5), ("access-point", 0)])
        func dnsSeedsAnswer(_ name: String, rcode: UInt8) throws {
            let seed = try Self.seed(.dnsQuery, name)
            #expect(seed.withUnsafeBytes { DNSAnswerHarness.responseCode($0) } == rcode)
        }
    }
}
