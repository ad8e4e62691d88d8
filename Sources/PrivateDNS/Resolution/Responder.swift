import AccessPointCore

/// Turns one query into one response: parse, choose the view, look up, encode. Pure: bytes and an address in,
/// bytes out, so UDP, TCP and tests share it.
struct Responder: Sendable {
    let catalog: ViewCatalog
    /// Whether upstream resolvers are configured: then a recursive question (RD set) that no zone of a
    /// DNS-enabled view holds is forwarded instead of REFUSED, as the VPC resolver does.
    var forwards = false

    /// What the listener does with a message.
    enum Outcome: Equatable {
        /// Nothing: the message deserves no answer.
        case none
        /// Send `workspace.response`.
        case response
        /// Ask the upstream resolvers (the slow path, off the zero-allocation one).
        case forward(ForwardedQuestion)
    }

    /// The response to `message` from `source` as a new array, or nil when the message deserves none or is
    /// forwarded (tests).
    func respond(to message: UnsafeRawBufferPointer, from source: IPAddress, overTCP: Bool) -> [UInt8]? {
        var workspace = DNSWorkspace()
        guard case .response = respond(to: message, from: source, overTCP: overTCP, using: &workspace) else {
            return nil
        }
        return workspace.response
    }

    /// Writes the response to `message` from `source` into `workspace.response` and returns `.response`, or says
    /// the message deserves none or goes upstream. The servers' path: with a workspace reused from query to
    /// query, answering from our zones allocates nothing in steady state.
    func respond(
        to message: UnsafeRawBufferPointer,
        from source: IPAddress,
        overTCP: Bool,
        using workspace: inout DNSWorkspace
    ) -> Outcome {
        // Drop every reference the previous query left in the workspace, so its arrays are unique again and are
        // refilled in place.
        workspace.sections.reset()
        workspace.writer.reset()
        switch DNSQuery.parse(message, questionStorage: &workspace.question, nameStorage: &workspace.name) {
        case .failure(.drop):
            return .none
        case .failure(.reply(let id, let opcode, let rd, let rcode, let question, var edns)):
            edns?.dnssecOK = false  // an error carries no DNSSEC data; NSD does not set DO on BADVERS either
            workspace.sections.rcode = rcode
            workspace.writer.write(
                workspace.sections,
                id: id,
                opcode: opcode,
                recursionDesired: rd,
                question: question,
                edns: edns,
                limit: Self.limit(edns, overTCP: overTCP)
            )
            return .response
        case .success(let query):
            let unknownName = answer(query, from: source, into: &workspace.sections)
            if unknownName, forwards, query.recursionDesired { return .forward(ForwardedQuestion(query)) }
            workspace.writer.write(
                workspace.sections,
                id: query.id,
                opcode: query.opcode,
                recursionDesired: query.recursionDesired,
                question: (query.questionWire, query.name, query.type.code, query.qclass),
                edns: query.edns,
                limit: Self.limit(query.edns, overTCP: overTCP)
            )
            return .response
        }
    }

    /// Fills `sections` (emptied by the caller) with the answer to `query` from `source`; true when that answer
    /// is REFUSED because no zone of the client's (DNS-enabled) view holds the name, the case a resolver forwards.
    @discardableResult
    func answer(_ query: DNSQuery, from source: IPAddress, into sections: inout ResponseWriter.Sections) -> Bool {
        // Class IN only; zone transfers are not offered (NSD refuses them without provide-xfr too).
        guard query.qclass == 1 || query.qclass == 255, query.type != .axfr, query.type != .ixfr,
            query.type != .opt
        else {
            sections.rcode = .refused
            return false
        }
        // EDNS Client Subnet chooses the view only when a trusted resolver sends it (RFC 7871 §7.1.1 leaves the
        // policy to the server); otherwise a client could claim another VPC's network.
        var viewSource = source
        if let subnet = query.edns?.clientSubnet, catalog.trustsClientSubnet(from: source) {
            viewSource = subnet.address
            sections.clientSubnetScope = subnet.sourcePrefixLength
        }
        switch catalog.lookup(query.name, query.type, from: viewSource, into: &sections) {
        case .answer, .noData:
            sections.rcode = .noError
            sections.authoritative = true
        case .nameError:
            sections.rcode = .nameError
            sections.authoritative = true
        case .delegation:
            sections.rcode = .noError
            sections.authoritative = false
        case .refused(let reason):
            sections.rcode = .refused
            sections.authoritative = false
            return reason == .notAuthoritative
        }
        return false
    }

    /// The largest response: 65535 over TCP; over UDP the smaller of the client's EDNS size and ours (1232,
    /// RFC 6891 §6.2.5), never below 512, so answers are not fragmented on real networks.
    static func limit(_ edns: DNSQuery.EDNS?, overTCP: Bool) -> Int {
        if overTCP { return 65535 }
        guard let size = edns?.payloadSize else { return 512 }
        return Int(min(max(size, 512), ResponseWriter.advertisedPayloadSize))
    }
}

/// The storage one listener reuses for every query it answers, one query at a time: the question name as sent
/// and lower-cased, the answer's sections and the encoder with its output. Each array keeps the capacity it grew
/// to, so in steady state a query allocates nothing on the way from datagram to response bytes.
///
/// Not shared: the UDP loop owns one on its thread, each TCP connection's handler one on its event loop.
struct DNSWorkspace {
    var question: [UInt8] = []
    var name: [UInt8] = []
    var sections = ResponseWriter.Sections(rcode: .noError, authoritative: false)
    var writer = ResponseWriter()

    init() {
        question.reserveCapacity(256)
        name.reserveCapacity(256)
        sections.answer.reserveCapacity(Zone.maximumChain + 2)
        sections.authority.reserveCapacity(4)
        sections.additional.reserveCapacity(4)
    }

    /// The last response written by `Responder.respond(to:from:overTCP:using:)`.
    var response: [UInt8] { writer.bytes }
}
