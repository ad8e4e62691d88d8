internal import CLDNS

/// An `ldns_rdf` we own (a zone's current origin, the previous owner name). Freed once, in `deinit`.
final class LDNSRdf {
    var pointer: UnsafeMutablePointer<ldns_rdf>?

    init(_ pointer: UnsafeMutablePointer<ldns_rdf>?) { self.pointer = pointer }

    /// A domain-name rdf from presentation text; nil when ldns refuses it.
    convenience init?(domainName text: String) {
        var rdf: UnsafeMutablePointer<ldns_rdf>?
        guard ldns_str2rdf_dname(&rdf, text) == LDNS_STATUS_OK, rdf != nil else { return nil }
        self.init(rdf)  // takes ownership of `rdf`
    }

    deinit { if let pointer { ldns_rdf_deep_free(pointer) } }

    /// A deep copy, owned by the new object.
    func clone() -> LDNSRdf { LDNSRdf(pointer.flatMap { ldns_rdf_clone($0) }) }
}

/// An `ldns_rr` we own, freed in `deinit`.
final class LDNSRecord {
    let pointer: UnsafeMutablePointer<ldns_rr>

    init(_ pointer: UnsafeMutablePointer<ldns_rr>) { self.pointer = pointer }

    deinit { ldns_rr_free(pointer) }

    /// The record as a Swift value: owner in lower-cased wire form, type, TTL and RDATA in wire form.
    func resourceRecord(line: Int) -> ResourceRecord? {
        guard let owner = ldns_rr_owner(pointer), let bytes = ldns_rdf_data(owner) else { return nil }
        let ownerWire = UnsafeBufferPointer(start: bytes, count: ldns_rdf_size(owner))
        guard let name = DomainName(wireLabels: ownerWire) else { return nil }
        let buffer = LDNSBuffer(capacity: 512)
        guard ldns_rr_rdata2buffer_wire(buffer.pointer, pointer) == LDNS_STATUS_OK else { return nil }
        return ResourceRecord(
            name: name,
            type: RecordType(UInt16(ldns_rr_get_type(pointer).rawValue)),
            ttl: ldns_rr_ttl(pointer),
            rdata: buffer.bytes,
            line: line
        )
    }

    var isClassIN: Bool { ldns_rr_get_class(pointer) == LDNS_RR_CLASS_IN }
}

/// An `ldns_buffer` we own, freed in `deinit`.
final class LDNSBuffer {
    let pointer: UnsafeMutablePointer<ldns_buffer>

    init(capacity: Int) {
        // ldns_buffer_new only fails when malloc does; there is nothing sensible to do then but stop.
        guard let buffer = ldns_buffer_new(capacity) else { preconditionFailure("ldns_buffer_new: out of memory") }
        pointer = buffer
    }

    deinit { ldns_buffer_free(pointer) }

    /// The bytes written so far.
    var bytes: [UInt8] {
        let count = ldns_buffer_position(pointer)
        guard count > 0, let start = ldns_buffer_begin(pointer) else { return [] }
        return Array(UnsafeBufferPointer(start: start, count: count))
    }
}

enum LDNSStatus {
    /// ldns's message for a status code.
    static func message(_ status: ldns_status) -> String {
        guard let text = ldns_get_errorstr_by_id(status) else { return "ldns status \(status.rawValue)" }
        return String(cString: text)
    }
}
