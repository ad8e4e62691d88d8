/// Encodes a response: header, the echoed question, answer, authority and additional sections, with name
/// compression for owner names (RFC 1035 §4.1.4) and TC=1 truncation when the result exceeds `limit`.
///
/// Only this file and `DNSQuery` know the wire format; the lookup decides what to say before a byte is written.
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
    }

    /// Our advertised EDNS payload size (the DNS flag day 2020 recommendation).
    static let advertisedPayloadSize: UInt16 = 1232

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
        let full = writer.encode(sections, id, opcode, recursionDesired, question, edns, truncated: false)
        guard full.count > limit else { return full }
        var empty = sections
        empty.answer = []
        empty.authority = []
        empty.additional = []
        var retry = ResponseWriter()
        return retry.encode(empty, id, opcode, recursionDesired, question, edns, truncated: true)
    }

    private var bytes: [UInt8] = []
    /// Lower-cased wire suffixes already written, with their offsets, for compression pointers.
    private var written: [(suffix: ArraySlice<UInt8>, offset: Int)] = []

    private mutating func encode(
        _ sections: Sections,
        _ id: UInt16,
        _ opcode: UInt8,
        _ recursionDesired: Bool,
        _ question: EchoedQuestion?,
        _ edns: DNSQuery.EDNS?,
        truncated: Bool
    ) -> [UInt8] {
        bytes.reserveCapacity(512)
        written.reserveCapacity(16)
        var flags: UInt16 = 0x8000 | UInt16(opcode & 0xF) << 11
        if sections.authoritative { flags |= 0x0400 }
        if truncated { flags |= 0x0200 }
        if recursionDesired { flags |= 0x0100 }
        flags |= sections.rcode.rawValue & 0xF
        put16(id)
        put16(flags)
        put16(question == nil ? 0 : 1)
        put16(UInt16(sections.answer.reduce(0) { $0 + $1.rdatas.count }))
        put16(UInt16(sections.authority.reduce(0) { $0 + $1.rdatas.count }))
        put16(UInt16(sections.additional.reduce(0) { $0 + $1.rdatas.count } + (edns == nil ? 0 : 1)))
        if let question {
            // The question's own case goes on the wire; compression matches on its lower-cased form.
            remember(question.name.wire, at: bytes.count)
            bytes += question.wire
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
                bytes += subnet.addressBytes
            } else {
                put16(0)
            }
        }
        return bytes
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
            putName(rdata)
            return
        case .mx:
            guard rdata.count > 2, Self.nameLength(rdata, from: 2) == rdata.count - 2 else { break }
            bytes += rdata[0..<2]
            putName(Array(rdata[2...]))
            return
        case .soa:
            guard let mname = Self.nameLength(rdata, from: 0), let rname = Self.nameLength(rdata, from: mname),
                mname + rname + 20 == rdata.count
            else { break }
            putName(Array(rdata[0..<mname]))
            putName(Array(rdata[mname..<(mname + rname)]))
            bytes += rdata[(mname + rname)...]
            return
        default:
            break
        }
        bytes += rdata
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
    private mutating func putName(_ wire: [UInt8]) {
        var index = 0
        while wire[index] != 0 {
            let suffix = wire[index...]
            if let match = written.first(where: { $0.suffix.elementsEqual(suffix) }) {
                put16(0xC000 | UInt16(match.offset))
                return
            }
            if bytes.count < 0x3FFF { written.append((suffix, bytes.count)) }
            let length = Int(wire[index])
            bytes += wire[index...(index + length)]
            index += length + 1
        }
        bytes.append(0)
    }

    /// Records every suffix of a name written at `offset` (the question).
    private mutating func remember(_ wire: [UInt8], at offset: Int) {
        var index = 0
        while wire[index] != 0, offset + index < 0x3FFF {
            written.append((wire[index...], offset + index))
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
