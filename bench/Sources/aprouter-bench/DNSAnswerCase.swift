import AccessPointCore
import Foundation
@_spi(Benchmarks) import PrivateDNS

/// Issue 4's per-query cost of the server's own code: `bench/dns/queries.txt` (the dnsperf query file: A, AAAA,
/// MX and TXT hits, CNAMEs, wildcards, NODATA, 10% NXDOMAIN) answered from `bench/dns/bench.test.zone` by
/// `DNSAnswerer`, the path a UDP listener runs for each datagram (parse, view, lookup, encode) without the
/// socket work. One operation answers the next query of the file, round robin, from 127.0.0.1, without EDNS
/// (dnsperf's default). `--once` also prints the allocations made during the run (`MallocCounter`).
enum DNSAnswerCase {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("dns")

    static func variants() -> [Variant] {
        let answerer: DNSAnswerer
        do {
            let configuration = DNSServerConfiguration(
                listen: ListenAddress(host: IPAddress("127.0.0.1")!, port: 0),
                zonesDirectory: directory.path,
                hostedZones: [.init(name: "bench.test", file: "bench.test.zone", vpcs: [])],
                vpcs: [],
                routerAddress: IPAddress("127.0.0.1")!,
                regions: [],
                accounts: []
            )
            answerer = try DNSAnswerer(configuration: configuration)
        } catch {
            fail("dns-answer: \(error)")
        }
        let queries = loadQueries()
        let source = IPAddress("127.0.0.1")!
        // The fixture must answer: every query gets NOERROR or NXDOMAIN, and both occur.
        var rcodes: Set<UInt8> = []
        for query in queries {
            let length = query.withUnsafeBytes { answerer.answer($0, from: source) }
            guard length >= 12 else { fail("dns-answer: no answer to a query of \(directory.path)/queries.txt") }
            rcodes.insert(answerer.response[3] & 0xF)
        }
        guard rcodes == [0, 3] else { fail("dns-answer: rcodes \(rcodes.sorted()), expected NOERROR and NXDOMAIN") }
        return [
            Variant(name: "udp", operation: "answer", bytesPerOperation: nil) { n in
                var checksum: UInt64 = 0
                var next = 0
                for _ in 0..<n {
                    let length = queries[next].withUnsafeBytes { answerer.answer($0, from: source) }
                    checksum = checksum &* 31 &+ UInt64(length)
                    next += 1
                    if next == queries.count { next = 0 }
                }
                return checksum
            }
        ]
    }

    /// `bench/dns/queries.txt` as query messages: one question, RD set, no EDNS, ids 1, 2, ….
    private static func loadQueries() -> [[UInt8]] {
        let path = directory.appendingPathComponent("queries.txt").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            fail("dns-answer: cannot read \(path)")
        }
        let types: [Substring: UInt16] = ["A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28]
        var queries: [[UInt8]] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let type = types[fields[1]] else { fail("dns-answer: cannot read '\(line)'") }
            let id = UInt16(truncatingIfNeeded: queries.count + 1)
            var message: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
            for label in fields[0].split(separator: ".") {
                message.append(UInt8(label.utf8.count))
                message += label.utf8
            }
            message += [0, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
            queries.append(message)
        }
        return queries
    }
}
