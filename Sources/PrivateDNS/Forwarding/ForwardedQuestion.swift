/// A question no zone of the client's view holds, on its way to an upstream resolver: what the client asked and
/// the header bits its answer must carry back (RFC 1035 §4.1.1; the VPC resolver's behaviour for names outside
/// every private hosted zone).
struct ForwardedQuestion: Sendable, Equatable {
    /// The client's message ID, restored in the answer; upstream sees an ID of our own.
    var id: UInt16
    var recursionDesired: Bool
    var checkingDisabled: Bool
    /// The question name as the client wrote it (its case goes back on the wire).
    var questionWire: [UInt8]
    /// The same name lower-cased: what answers are matched and cached by.
    var name: [UInt8]
    var type: UInt16
    var qclass: UInt16
    /// The client's EDNS(0), when it sent one: upstream is asked with EDNS too, and the DO bit is passed on.
    var edns: DNSQuery.EDNS?

    init(_ query: DNSQuery) {
        id = query.id
        recursionDesired = query.recursionDesired
        checkingDisabled = query.checkingDisabled
        questionWire = query.questionWire
        name = Array(query.name.wire)
        type = query.type.code
        qclass = query.qclass
        edns = query.edns
    }

    /// What answers to this question are cached under: the same question with the same EDNS presence and DO
    /// bit gets the same answer.
    var cacheKey: DNSCache.Key {
        DNSCache.Key(name: name, type: type, qclass: qclass, edns: edns != nil, dnssecOK: edns?.dnssecOK ?? false)
    }

    /// The query sent upstream: our `id`, RD set, CD as the client set it, the question as asked, and an OPT
    /// record (our payload size, the client's DO bit) when the client used EDNS. Client Subnet is not passed on.
    func upstreamQuery(id: UInt16) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12 + questionWire.count + 4 + 11)
        func u16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xFF)] }
        u16(id)
        u16(0x0100 | (checkingDisabled ? 0x0010 : 0))
        u16(1)
        u16(0)
        u16(0)
        u16(edns == nil ? 0 : 1)
        bytes += questionWire
        u16(type)
        u16(qclass)
        if let edns { Self.appendOPT(to: &bytes, dnssecOK: edns.dnssecOK) }
        return bytes
    }

    /// An OPT pseudo-record (RFC 6891 §6.1.2): root owner, our payload size, version 0, no options.
    static func appendOPT(to bytes: inout [UInt8], dnssecOK: Bool) {
        let size = ResponseWriter.advertisedPayloadSize
        bytes += [0, 0, 41, UInt8(size >> 8), UInt8(size & 0xFF), 0, 0, dnssecOK ? 0x80 : 0, 0, 0, 0]
    }
}
