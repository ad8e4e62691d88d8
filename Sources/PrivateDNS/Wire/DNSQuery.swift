import AccessPointCore

/// The question as a response echoes it: the name as sent (its case goes back on the wire), the same name
/// lower-cased (what compression matches on), type and class.
typealias EchoedQuestion = (wire: [UInt8], name: DomainName, type: UInt16, qclass: UInt16)

/// A decoded query: the header fields we echo, the one question, and the EDNS(0) options we honour.
struct DNSQuery: Sendable, Equatable {
    var id: UInt16
    var opcode: UInt8
    var recursionDesired: Bool
    var checkingDisabled: Bool
    /// The question name as sent (its case is echoed back), in wire form.
    var questionWire: [UInt8]
    /// The same name, lower-cased, for lookup.
    var name: DomainName
    var type: RecordType
    var qclass: UInt16
    var edns: EDNS?

    struct EDNS: Sendable, Equatable {
        var payloadSize: UInt16
        var version: UInt8
        var dnssecOK: Bool
        /// EDNS Client Subnet (RFC 7871), when the query carried one.
        var clientSubnet: ClientSubnet? = nil
    }

    /// The ECS option of a query: the client's network as a resolver reports it.
    struct ClientSubnet: Sendable, Equatable {
        var family: UInt16
        var sourcePrefixLength: UInt8
        var address: AccessPointCore.IPAddress
        /// The address bytes as sent (only the prefix's bytes), echoed in the response.
        var addressBytes: [UInt8]
    }

    /// What to do with a message that is not a query we can answer.
    enum Failure: Error, Equatable {
        /// Not worth an answer: shorter than a header, or itself a response (answering would invite loops).
        case drop
        /// Answer with this rcode, echoing the id and opcode (and the question when it was readable).
        case reply(
            id: UInt16,
            opcode: UInt8,
            recursionDesired: Bool,
            rcode: ResponseCode,
            question: EchoedQuestion?,
            edns: EDNS?
        )

        static func == (lhs: Failure, rhs: Failure) -> Bool {
            switch (lhs, rhs) {
            case (.drop, .drop): true
            case (.reply(let a, let b, _, let c, _, _), .reply(let d, let e, _, let f, _, _)):
                a == d && b == e && c == f
            default: false
            }
        }
    }
}

/// Response codes, including the EDNS extended BADVERS (RFC 6891).
enum ResponseCode: UInt16, Sendable, Equatable {
    case noError = 0
    case formatError = 1
    case serverFailure = 2
    case nameError = 3
    case notImplemented = 4
    case refused = 5
    case badVersion = 16
}

extension DNSQuery {
    /// Parses one query message. Every malformed input is a `Failure`, never a trap: the bytes come from anyone.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<DNSQuery, Failure> {
        var question: [UInt8] = []
        var name: [UInt8] = []
        return parse(bytes, questionStorage: &question, nameStorage: &name)
    }

    /// Parses one query, copying the question name into `questionStorage` and its lower-cased form into
    /// `nameStorage`; the query's `questionWire` and `name` share those arrays. Emptied first and reused, they
    /// make parsing allocation-free once they have capacity (and no earlier query still holds them).
    static func parse(
        _ bytes: UnsafeRawBufferPointer,
        questionStorage: inout [UInt8],
        nameStorage: inout [UInt8]
    ) -> Result<DNSQuery, Failure> {
        var reader = WireReader(bytes)
        guard let id = reader.u16(), let flags = reader.u16(), let qdcount = reader.u16(), let ancount = reader.u16(),
            let nscount = reader.u16(), let arcount = reader.u16()
        else { return .failure(.drop) }
        guard flags & 0x8000 == 0 else { return .failure(.drop) }
        let opcode = UInt8((flags >> 11) & 0xF)
        let rd = flags & 0x0100 != 0
        func reply(
            _ rcode: ResponseCode,
            _ question: EchoedQuestion? = nil,
            _ edns: EDNS? = nil
        )
            -> Result<DNSQuery, Failure>
        {
            .failure(.reply(id: id, opcode: opcode, recursionDesired: rd, rcode: rcode, question: question, edns: edns))
        }
        guard opcode == 0 else { return reply(.notImplemented) }
        guard qdcount == 1, ancount == 0, nscount == 0 else { return reply(.formatError) }
        questionStorage.removeAll(keepingCapacity: true)
        nameStorage.removeAll(keepingCapacity: true)
        guard reader.uncompressedName(into: &questionStorage, lowered: &nameStorage), let qtype = reader.u16(),
            let qclass = reader.u16()
        else { return reply(.formatError) }
        let questionWire = questionStorage
        let name = DomainName(uncheckedWire: nameStorage)
        let question = (questionWire, name, qtype, qclass)
        var edns: EDNS?
        for _ in 0..<arcount {
            guard let ownerLength = reader.skipUncompressedName(), let type = reader.u16(), let rclass = reader.u16(),
                let ttl = reader.u32(), let length = reader.u16(), let rdata = reader.bytes(Int(length))
            else { return reply(.formatError, question) }
            guard type == RecordType.opt.code else { continue }  // TSIG and others: not used here
            guard edns == nil, ownerLength == 1 else { return reply(.formatError, question) }
            var options = EDNS(payloadSize: rclass, version: UInt8((ttl >> 16) & 0xFF), dnssecOK: ttl & 0x8000 != 0)
            do {
                options.clientSubnet = try ClientSubnet.parse(options: UnsafeRawBufferPointer(rebasing: rdata))
            } catch {
                return reply(.formatError, question, options)
            }
            edns = options
        }
        guard reader.isAtEnd else { return reply(.formatError, question, edns) }
        if let version = edns?.version, version != 0 { return reply(.badVersion, question, edns) }
        return .success(
            DNSQuery(
                id: id,
                opcode: opcode,
                recursionDesired: rd,
                checkingDisabled: flags & 0x0010 != 0,
                questionWire: questionWire,
                name: name,
                type: RecordType(qtype),
                qclass: qclass,
                edns: edns
            )
        )
    }
}

/// Bounds-checked big-endian reads over untrusted bytes.
struct WireReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func u8() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() -> UInt16? {
        guard offset + 2 <= bytes.count else { return nil }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func u32() -> UInt32? {
        guard let high = u16(), let low = u16() else { return nil }
        return UInt32(high) << 16 | UInt32(low)
    }

    /// The next `count` bytes, or nil when fewer remain.
    mutating func bytes(_ count: Int) -> Slice<UnsafeRawBufferPointer>? {
        guard offset + count <= bytes.count else { return nil }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func skip(_ count: Int) -> Bool {
        guard offset + count <= bytes.count else { return false }
        offset += count
        return true
    }

    /// A name without compression pointers (questions and OPT owners never need them), at most 255 bytes.
    mutating func uncompressedName() -> [UInt8]? {
        var wire: [UInt8] = []
        return uncompressedName(into: &wire) ? wire : nil
    }

    /// Appends the next name (no compression pointers, at most 255 bytes) to `wire`, which must start empty;
    /// false when malformed.
    mutating func uncompressedName(into wire: inout [UInt8]) -> Bool {
        while true {
            guard let length = u8(), length <= 63 else { return false }
            wire.append(length)
            if length == 0 { return wire.count <= 255 }
            guard offset + Int(length) <= bytes.count, wire.count + Int(length) < 255 else { return false }
            wire.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Int(length))]))
            offset += Int(length)
        }
    }

    /// `uncompressedName(into:)`, also appending the name lower-cased to `lowered` (which must start empty) in
    /// the same pass: the question as echoed and as looked up.
    mutating func uncompressedName(into wire: inout [UInt8], lowered: inout [UInt8]) -> Bool {
        while true {
            guard let length = u8(), length <= 63 else { return false }
            wire.append(length)
            lowered.append(length)
            if length == 0 { return wire.count <= 255 }
            guard offset + Int(length) <= bytes.count, wire.count + Int(length) < 255 else { return false }
            let label = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Int(length))])
            wire.append(contentsOf: label)
            for byte in label { lowered.append(DomainName.lower(byte)) }
            offset += Int(length)
        }
    }

    /// Skips the next name (same rules as `uncompressedName()`) and returns its wire length, or nil.
    mutating func skipUncompressedName() -> Int? {
        var count = 0
        while true {
            guard let length = u8(), length <= 63 else { return nil }
            count += 1
            if length == 0 { return count <= 255 ? count : nil }
            guard offset + Int(length) <= bytes.count, count + Int(length) < 255 else { return nil }
            count += Int(length)
            offset += Int(length)
        }
    }
}
