import AccessPointCore

/// Turns one query into one response: parse, choose the view, look up, encode. Pure: bytes and an address in,
/// bytes out, so UDP, TCP and tests share it.
struct Responder: Sendable {
    let catalog: ViewCatalog

    /// The response to `message` from `source`, or nil when the message deserves none.
    /// - Parameter maximumSize: 65535 over TCP; over UDP the caller passes 512 and the EDNS size decides.
    func respond(to message: UnsafeRawBufferPointer, from source: IPAddress, overTCP: Bool) -> [UInt8]? {
        switch DNSQuery.parse(message) {
        case .failure(.drop):
            return nil
        case .failure(.reply(let id, let opcode, let rd, let rcode, let question, var edns)):
            edns?.dnssecOK = false  // an error carries no DNSSEC data; NSD does not set DO on BADVERS either
            return ResponseWriter.write(
                .init(rcode: rcode, authoritative: false),
                id: id,
                opcode: opcode,
                recursionDesired: rd,
                question: question,
                edns: edns,
                limit: Self.limit(edns, overTCP: overTCP)
            )
        case .success(let query):
            return ResponseWriter.write(
                sections(for: query, from: source),
                id: query.id,
                opcode: query.opcode,
                recursionDesired: query.recursionDesired,
                question: (query.questionWire, query.name, query.type.code, query.qclass),
                edns: query.edns,
                limit: Self.limit(query.edns, overTCP: overTCP)
            )
        }
    }

    func sections(for query: DNSQuery, from source: IPAddress) -> ResponseWriter.Sections {
        // Class IN only; zone transfers are not offered (NSD refuses them without provide-xfr too).
        guard query.qclass == 1 || query.qclass == 255, query.type != .axfr, query.type != .ixfr,
            query.type != .opt
        else { return .init(rcode: .refused, authoritative: false) }
        // EDNS Client Subnet chooses the view only when a trusted resolver sends it (RFC 7871 §7.1.1 leaves the
        // policy to the server); otherwise a client could claim another VPC's network.
        var viewSource = source
        var scope: UInt8 = 0
        if let subnet = query.edns?.clientSubnet, catalog.trustsClientSubnet(from: source) {
            viewSource = subnet.address
            scope = subnet.sourcePrefixLength
        }
        var sections: ResponseWriter.Sections
        switch catalog.lookup(query.name, query.type, from: viewSource) {
        case .answer(let sets):
            sections = .init(rcode: .noError, authoritative: true, answer: sets)
        case .nameError(let chain, let soa):
            sections = .init(rcode: .nameError, authoritative: true, answer: chain, authority: [soa])
        case .noData(let chain, let soa):
            sections = .init(rcode: .noError, authoritative: true, answer: chain, authority: [soa])
        case .delegation(let nameServers, let glue):
            sections = .init(rcode: .noError, authoritative: false, authority: [nameServers], additional: glue)
        case .refused:
            sections = .init(rcode: .refused, authoritative: false)
        }
        sections.clientSubnetScope = scope
        return sections
    }

    /// The largest response: 65535 over TCP; over UDP the smaller of the client's EDNS size and ours (1232,
    /// RFC 6891 §6.2.5), never below 512, so answers are not fragmented on real networks.
    static func limit(_ edns: DNSQuery.EDNS?, overTCP: Bool) -> Int {
        if overTCP { return 65535 }
        guard let size = edns?.payloadSize else { return 512 }
        return Int(min(max(size, 512), ResponseWriter.advertisedPayloadSize))
    }
}
