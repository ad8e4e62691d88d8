import APRouterTestSupport
import AccessPointCore
import Foundation
import Logging
import Testing

@testable import PrivateDNS

/// The real server on 127.0.0.1, judged by `dig` (bind9-dnsutils). Loopback sources 127.0.10.x and 127.0.20.x
/// stand for two VPCs: `dig -b` picks the source address.
@Suite(.serialized)
struct DNSServerTests {
    static func configuration() throws -> DNSServerConfiguration {
        let zones = try #require(Bundle.module.resourcePath) + "/Fixtures/zones/good"
        return DNSServerConfiguration(
            listen: ListenAddress("127.0.0.1:0")!,
            zonesDirectory: zones,
            hostedZones: [
                LabConfiguration.HostedZone(name: "example.test", file: "example.test.zone", vpcs: ["vpc-a"])
            ],
            vpcs: [
                LabConfiguration.VPC(
                    id: "vpc-a",
                    region: try Region(validating: "us-west-2"),
                    cidrs: [CIDRBlock("127.0.10.0/24")!],
                    enableDnsSupport: true,
                    enableDnsHostnames: true,
                    endpoint: nil
                )
            ],
            routerAddress: IPAddress("127.0.0.1")!,
            regions: [try Region(validating: "us-west-2")],
            accounts: [try AccountID(validating: "123456789012")],
            trustedResolvers: [CIDRBlock("127.0.0.53/32")!],
            tcpIdleTimeoutSeconds: 2
        )
    }

    /// Runs `body` against a started server, then shuts it down.
    static func withServer(_ body: (DNSServer, Int) async throws -> Void) async throws {
        let server = try DNSServer(configuration: try configuration(), logger: Logger(label: "test"))
        let task = Task { try await server.run() }
        defer { task.cancel() }
        var port: Int?
        for _ in 0..<200 {
            port = server.boundPort
            if port != nil { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        try await body(server, try #require(port))
        task.cancel()
        _ = await task.result
    }

    @Test func answersOverUDPAndTCPByView() async throws {
        try await Self.withServer { _, port in
            let inside = try await ExternalCommand.dig([
                "@127.0.0.1", "-p", "\(port)", "-b", "127.0.10.5", "www.example.test", "A",
            ])
            #expect(inside.contains("status: NOERROR"))
            #expect(inside.contains("flags: qr aa rd;"))
            #expect(inside.contains("www.example.test.\t300\tIN\tA\t127.0.10.80"))
            let tcp = try await ExternalCommand.dig([
                "@127.0.0.1", "-p", "\(port)", "-b", "127.0.10.5", "+tcp", "alias.example.test", "A",
            ])
            #expect(tcp.contains("alias.example.test.\t300\tIN\tCNAME\twww.example.test."))
            #expect(tcp.contains("ANSWER: 2"))
            let nx = try await ExternalCommand.dig([
                "@127.0.0.1", "-p", "\(port)", "-b", "127.0.10.5", "nope.example.test", "A",
            ])
            #expect(nx.contains("status: NXDOMAIN"))
            #expect(nx.contains("AUTHORITY: 1"))
            // 127.0.20.5 is outside the VPC: the private zone does not exist for it.
            let outside = try await ExternalCommand.dig([
                "@127.0.0.1", "-p", "\(port)", "-b", "127.0.20.5", "www.example.test", "A",
            ])
            #expect(outside.contains("status: REFUSED"))
            // …but the synthesised S3 Control name does.
            let control = try await ExternalCommand.dig([
                "@127.0.0.1", "-p", "\(port)", "-b", "127.0.20.5", "+short",
                "123456789012.s3-control.us-west-2.amazonaws.com",
            ])
            #expect(control == "127.0.0.1\n")
        }
    }

    @Test func clientSubnetChoosesTheViewOnlyFromATrustedResolver() async throws {
        try await Self.withServer { _, port in
            let trusted = try await ExternalCommand.dig([
                "@127.0.0.1", "-p", "\(port)", "-b", "127.0.0.53", "+subnet=127.0.10.0/24", "www.example.test", "A",
            ])
            #expect(trusted.contains("status: NOERROR"))
            #expect(trusted.contains("CLIENT-SUBNET: 127.0.10.0/24/24"))
            let forged = try await ExternalCommand.dig([
                "@127.0.0.1", "-p", "\(port)", "-b", "127.0.20.5", "+subnet=127.0.10.0/24", "www.example.test", "A",
            ])
            #expect(forged.contains("status: REFUSED"))
            #expect(forged.contains("CLIENT-SUBNET: 127.0.10.0/24/0"))
        }
    }

    @Test func seesANewAccessPointWithoutRestart() async throws {
        try await Self.withServer { server, port in
            let name = "fresh-123456789012.s3-accesspoint.us-west-2.amazonaws.com"
            let before = try await ExternalCommand.dig(["@127.0.0.1", "-p", "\(port)", name, "A"])
            #expect(before.contains("status: NXDOMAIN"))
            server.update(
                AccessPointSnapshot(
                    version: 1,
                    accessPoints: [
                        .init(
                            name: try AccessPointName(validating: "fresh"),
                            account: try AccountID(validating: "123456789012"),
                            region: try Region(validating: "us-west-2"),
                            bucket: try BucketName(validating: "example-bucket"),
                            alias: "fresh-abcdefghijklmnopqrstuvwxyz01234567-s3alias",
                            vpcId: nil
                        )
                    ],
                    multiRegionAccessPoints: []
                )
            )
            let after = try await ExternalCommand.dig(["@127.0.0.1", "-p", "\(port)", "+short", name, "A"])
            #expect(after == "127.0.0.1\n")
        }
    }

    @Test func keepsAnsweringAfterGarbage() async throws {
        try await Self.withServer { _, port in
            // Garbage over UDP and a TCP connection that sends half a message and stalls.
            let socket = try #require(UDPClient(port: port))
            for length in [0, 1, 11, 12, 13, 40, 300] {
                socket.send((0..<length).map { _ in UInt8.random(in: 0...255) })
            }
            let answer = try await ExternalCommand.dig([
                "@127.0.0.1", "-p", "\(port)", "-b", "127.0.10.5", "+short", "www.example.test", "A",
            ])
            #expect(answer == "127.0.10.80\n")
        }
    }
}

/// A bare UDP socket for sending bytes no DNS client would send.
final class UDPClient {
    private let descriptor: Int32
    private var address = sockaddr_in()

    init?(port: Int) {
        descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
    }

    deinit { close(descriptor) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }
}
