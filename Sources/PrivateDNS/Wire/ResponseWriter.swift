/// Encodes a response: header, the echoed question, answer, authority and additional sections, with name
/// compression for owner names (RFC 1035 §4.1.4) and TC=1 truncation when the result exceeds `limit`.
///
/// Only this file and `DNSQuery` know the wire format; the lookup decides what to say before a byte is written.
/// A writer is reused from query to query (`DNSWorkspace`): its output and its compression table keep their
/// capacity, so encoding allocates nothing once they have grown to the largest response seen.
struct ResponseWriter {
    struct Sections {
        var rcode: ResponseCode
        var authoritative: Bool
        var answer: [RecordSet] = []
        var authority: [RecordSet] = []
        var additional: [RecordSet] = []
        /// The SCOPE PREFIX-LENGTH to return with an ECS option (RFC 7871 §7.2.1): the source prefix when the
        /// client subnet chose the view, 0 when it was ignored.
        var clientSubnetScope: UInt8 = 0

        /// Empty sections, keeping the arrays' capacity.
        mutating func reset() {
            rcode = .noError
            authoritative = false
            answer.removeAll(keepingCapacity: true)
            authority.removeAll(keepingCapacity: true)
            additional.removeAll(keepingCapacity: true)
            clientSubnetScope = 0
        }
    }

    /// Our advertised EDNS payload size (the DNS flag day 2020 recommendation).
    static let advertisedPayloadSize: UInt16 = 1232

    /// The last response written.
    private(set) var bytes: [UInt8] = []
    /// Lower-cased wire suffixes already written, with their offsets, for compression pointers.
    private var written: [(suffix: ArraySlice<UInt8>, offset: Int)] = []

    init() {
        bytes.reserveCapacity(512)
        written.reserveCapacity(32)
    }

    /// A response as a new array (tests and tools).
    static func write(
        _ sections: Sections,
        id: UInt16,
        opcode: UInt8,
        recursionDesired: Bool,
        question: EchoedQuestion?,
        edns: DNSQuery.EDNS?,
        limit: Int
    ) -> [UInt8] {
        var writer = ResponseWriter()
        writer.write(
            sections,
            id: id,
            opcode: opcode,
            recursionDesired: recursionDesired,
            question: question,
            edns: edns,
            limit: limit
        )
        return writer.bytes
    }

    /// Writes the response into `bytes`, replacing the previous one.
    mutating func write(
        _ sections: Sections,
        id: UInt16,
        opcode: UInt8,
        recursionDesired: Bool,
        question: EchoedQuestion?,
        edns: DNSQuery.EDNS?,
        limit: Int
    ) {
        encode(sections, id, opcode, recursionDesired, question, edns, truncated: false)
        guard bytes.count > limit else { return }
        var empty = Sections(rcode: sections.rcode, authoritative: sections.authoritative)
        empty.clientSubnetScope = sections.clientSubnetScope
        encode(empty, id, opcode, recursionDesired, question, edns, truncated: true)
    }

    /// Drops the last response and the references its compression table holds, keeping capacity.
    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        written.removeAll(keepingCapacity: true)
    }

    private mutating func encode(
        _ sections: Sections,
        _ id: UInt16,
        _ opcode: UInt8,
        _ recursionDesired: Bool,
        _ question: EchoedQuestion?,
        _ edns: DNSQuery.EDNS?,
        truncated: Bool
    ) {
        reset()
        var flags: UInt16 = 0x8000 | UInt16(opcode & 0xF) << 11
        if sections.authoritative { flags |= 0x0400 }
        if truncated { flags |= 0x0200 }
        if recursionDesired { flags |= 0x0100 }
        flags |= sections.rcode.rawValue & 0xF
        put16(id)
        put16(flags)
        put16(question == nil ? 0 : 1)
        put16(UInt16(Self.recordCount(sections.answer)))
        put16(UInt16(Self.recordCount(sections.authority)))
        put16(UInt16(Self.recordCount(sections.additional) + (edns == nil ? 0 : 1)))
        if let question {
            // The question's own case goes on the wire; compression matches on its lower-cased form.
            remember(question.name.wire, at: bytes.count)
            bytes.append(contentsOf: question.wire)
            put16(question.type)
            put16(question.qclass)
        }
        for set in sections.answer { put(set) }
        for set in sections.authority { put(set) }
        for set in sections.additional { put(set) }
        if let edns {
            bytes.append(0)  // root owner
            put16(RecordType.opt.code)
            put16(Self.advertisedPayloadSize)
            // Extended rcode, version 0, and the DO bit copied from the query (RFC 3225 §3).
            put32(UInt32(sections.rcode.rawValue >> 4) << 24 | (edns.dnssecOK ? 0x8000 : 0))
            if let subnet = edns.clientSubnet {
                put16(UInt16(8 + subnet.addressBytes.count))
                put16(DNSQuery.ClientSubnet.optionCode)
                put16(UInt16(4 + subnet.addressBytes.count))
                put16(subnet.family)
                bytes.append(subnet.sourcePrefixLength)
                bytes.append(sections.clientSubnetScope)
                bytes.append(contentsOf: subnet.addressBytes)
            } else {
                put16(0)
            }
        }
    }

    private static func recordCount(_ sets: [RecordSet]) -> Int {
        var count = 0
        for set in sets { count += set.rdatas.count }
        return count
    }

    private mutating func put(_ set: RecordSet) {
        for rdata in set.rdatas {
            putName(set.name.wire)
            put16(set.type.code)
            put16(1)  // class IN
            put32(set.ttl)
            let lengthOffset = bytes.count
            put16(0)
            putRdata(rdata, type: set.type)
            let length = bytes.count - lengthOffset - 2
            bytes[lengthOffset] = UInt8(length >> 8)
            bytes[lengthOffset + 1] = UInt8(length & 0xFF)
        }
    }

    /// RDATA, compressing the domain names inside the types RFC 1035 defines (RFC 3597 §4 allows exactly those);
    /// every other type is copied as it is.
    private mutating func putRdata(_ rdata: [UInt8], type: RecordType) {
        switch type {
        case .ns, .cname, .ptr:
            guard Self.nameLength(rdata, from: 0) == rdata.count else { break }
            putName(rdata[...])
            return
        case .mx:
            guard rdata.count > 2, Self.nameLength(rdata, from: 2) == rdata.count - 2 else { break }
            bytes.append(rdata[0])
            bytes.append(rdata[1])
            putName(rdata[2...])
            return
        case .soa:
            guard let mname = Self.nameLength(rdata, from: 0), let rname = Self.nameLength(rdata, from: mname),
                mname + rname + 20 == rdata.count
            else { break }
            putName(rdata[0..<mname])
            putName(rdata[mname..<(mname + rname)])
            bytes.append(contentsOf: rdata[(mname + rname)...])
            return
        default:
            break
        }
        bytes.append(contentsOf: rdata)
    }

    /// The length of the uncompressed wire name starting at `start`, or nil when it does not end in `bytes`.
    private static func nameLength(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            let length = Int(bytes[index])
            guard length <= 63 else { return nil }
            index += length + 1
            if length == 0 { return index - start }
        }
        return nil
    }

    /// Writes a wire name, pointing at an earlier copy of its longest already-written suffix (compared without
    /// regard to case, so the question's own case may be what a pointer shows).
    private mutating func putName(_ wire: ArraySlice<UInt8>) {
        var index = wire.startIndex
        while wire[index] != 0 {
            let suffix = wire[index...]
            for entry in written where Self.sameBytes(entry.suffix, suffix) {
                put16(0xC000 | UInt16(entry.offset))
                return
            }
            if bytes.count < 0x3FFF { written.append((suffix, bytes.count)) }
            let length = Int(wire[index])
            bytes.append(contentsOf: wire[index...(index + length)])
            index += length + 1
        }
        bytes.append(0)
    }

    private static func sameBytes(_ lhs: ArraySlice<UInt8>, _ rhs: ArraySlice<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { l in rhs.withUnsafeBytes { r in l.elementsEqual(r) } }
    }

    /// Records every suffix of a name written at `offset` (the question).
    private mutating func remember(_ wire: ArraySlice<UInt8>, at offset: Int) {
        var index = wire.startIndex
        while wire[index] != 0, offset + index - wire.startIndex < 0x3FFF {
            written.append((wire[index...], offset + index - wire.startIndex))
            index += Int(wire[index]) + 1
        }
    }

    private mutating func put16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    private mutating func put32(_ value: UInt32) {
        put16(UInt16(value >> 16))
        put16(UInt16(value & 0xFFFF))
    }
}
