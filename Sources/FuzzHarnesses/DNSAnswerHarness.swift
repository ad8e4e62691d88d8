import AccessPointCore
@_spi(Benchmarks) import PrivateDNS

/// The DNS server's answer path for one datagram (parse, view, lookup, encode: `DNSAnswerer`, what a UDP listener
/// runs) on the router harness's lab (the default one: the zone files in zones/, one VPC on 127.0.10.0/24 with the
/// private zone `corp.internal`) with its two access points and a multi-region access point. The input's first byte
/// picks the source (the VPC, the internet, loopback); the rest is the datagram.
///
/// Properties: an answer is at least a header, echoes the query's ID and is marked a response; asking the same query
/// again after another (the answer path reuses its buffers) gives the same bytes.
enum DNSAnswerHarness {
    static let sources = ["127.0.10.5", "127.0.20.5", "127.0.0.1"].compactMap(IPAddress.init)

    /// A query for the VPC access point's name, asked between the two askings of the input.
    static let other: [UInt8] = {
        var query: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        let name = "vpc-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com"
        for label in name.split(separator: ".") {
            query.append(UInt8(label.utf8.count))
            query += label.utf8
        }
        return query + [0, 0, 1, 0, 1]
    }()

    nonisolated(unsafe) static let answerer: DNSAnswerer = {
        let lab = RouterHarness.lab
        var configuration = DNSServerConfiguration(lab: lab, forwarders: [])
        configuration.zonesDirectory = repositoryRoot + "/zones"
        let account = lab.accounts[0].id
        var snapshot = RouterHarness.firstSnapshot
        do {
            snapshot.multiRegionAccessPoints = [
                AccessPointSnapshot.MultiRegionAccessPoint(
                    name: try MultiRegionAccessPointName(validating: "global"),
                    account: account,
                    alias: try MultiRegionAccessPointAlias(validating: "mfzwi23gnjvgw.mrap"),
                    routes: [.init(region: lab.region, bucket: lab.buckets[0].name, bucketAccount: account)]
                )
            ]
            return try DNSAnswerer(configuration: configuration, snapshot: snapshot)
        } catch {
            preconditionFailure("the default lab's zones do not load from \(configuration.zonesDirectory): \(error)")
        }
    }()

    /// The response code of the answer to the input (source byte, then the query), or nil for no answer.
    static func responseCode(_ input: UnsafeRawBufferPointer) -> UInt8? {
        guard let source = input.first.map({ sources[Int($0) % sources.count] }) else { return nil }
        guard answerer.answer(UnsafeRawBufferPointer(rebasing: input.dropFirst()), from: source) >= 12 else {
            return nil
        }
        return answerer.response[3] & 0xF
    }

    static func run(_ input: UnsafeRawBufferPointer) {
        guard let source = input.first.map({ sources[Int($0) % sources.count] }) else { return }
        let query = UnsafeRawBufferPointer(rebasing: input.dropFirst())
        let length = answerer.answer(query, from: source)
        guard length > 0 else { return }
        let first = answerer.response
        require(length >= 12 && first.count == length, "an answer of \(length) bytes (\(first.count) kept)")
        require(query.count >= 2 && first[0] == query[0] && first[1] == query[1], "the answer's ID is not the query's")
        require(first[2] & 0x80 != 0, "the answer is not marked a response")
        _ = other.withUnsafeBytes { answerer.answer($0, from: source) }
        let again = answerer.answer(query, from: source)
        require(again == length && answerer.response == first, "the same query answered otherwise the second time")
    }
}

/// The repository's folder, found from this file's place in it (Sources/FuzzHarnesses/).
let repositoryRoot: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()
