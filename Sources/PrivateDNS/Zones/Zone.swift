/// One authoritative zone: its apex, SOA, and record sets by name and type, ready for lookup.
///
/// Built once (from a zone file or by synthesis) and then only read: a query never waits on a lock. `names`
/// also holds the empty non-terminals between the apex and every owner name, so "exists with no data"
/// (NODATA) and "does not exist" (NXDOMAIN) are one dictionary probe apart.
struct Zone: Sendable {
    let apex: DomainName
    let soa: RecordSet
    /// Every existing name, including empty non-terminals, with its record sets by type.
    let names: [DomainName: [RecordType: RecordSet]]
    /// Whether any name below the apex has NS records; most zones (all synthesised ones) have none, and then a
    /// lookup skips the walk up the name looking for a zone cut.
    let hasZoneCuts: Bool
    /// Whether any wildcard name exists; without one a missing name is NXDOMAIN at once.
    var hasWildcards: Bool { !wildcards.isEmpty }
    /// The record sets of each wildcard `*.X`, keyed by X, so finding the wildcard of a closest encloser is one
    /// probe with a name that shares the question's storage (no `*.` name is built per query).
    let wildcards: [DomainName: [RecordType: RecordSet]]
    /// The SOA to put in the authority section of a negative answer: its TTL is the smaller of the SOA's own
    /// TTL and its MINIMUM field (RFC 2308 §3).
    let negativeSOA: RecordSet

    init(apex: DomainName, soa: RecordSet, names: [DomainName: [RecordType: RecordSet]]) {
        self.apex = apex
        self.soa = soa
        self.names = names
        self.hasZoneCuts = names.contains { $0.key != apex && $0.value[.ns] != nil }
        var wildcards: [DomainName: [RecordType: RecordSet]] = [:]
        for (name, sets) in names where name.isWildcard {
            if let encloser = name.parent { wildcards[encloser] = sets }
        }
        self.wildcards = wildcards
        var negative = soa
        if let rdata = soa.rdatas.first, rdata.count >= 4 {
            negative.ttl = min(soa.ttl, rdata.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        self.negativeSOA = negative
    }
}

/// Why a zone file could not become a zone: a syntax error from ldns, a missing SOA, a record outside the zone.
/// Equal by kind; `description` names the file and line, as `nsd-checkzone` does.
public struct ZoneFileError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable { case missingSOA, extraSOA, outOfZone, cnameConflict, syntax, unreadable }
    private let kind: Kind
    public let message: String
    /// The file and line, when the problem comes from a zone file.
    public internal(set) var file: String?
    public internal(set) var line: Int?

    private init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static let missingSOA = ZoneFileError(.missingSOA, "the zone has no SOA record at its apex")
    public static let extraSOA = ZoneFileError(.extraSOA, "the zone has more than one SOA record")
    public static let outOfZone = ZoneFileError(.outOfZone, "a record lies outside the zone")
    public static let cnameConflict = ZoneFileError(.cnameConflict, "a CNAME shares its name with other data")
    public static let syntax = ZoneFileError(.syntax, "the zone file has a syntax error")
    public static let unreadable = ZoneFileError(.unreadable, "the zone file cannot be read")

    func because(_ message: String, file: String? = nil, line: Int? = nil) -> ZoneFileError {
        var copy = ZoneFileError(kind, message)
        copy.file = file ?? self.file
        copy.line = line ?? self.line
        return copy
    }

    public static func == (lhs: ZoneFileError, rhs: ZoneFileError) -> Bool { lhs.kind == rhs.kind }
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }

    /// `zones/corp.internal.zone:12: …`, the form `nsd-checkzone` and compilers use.
    public var description: String {
        switch (file, line) {
        case (let file?, let line?): "\(file):\(line): \(message)"
        case (let file?, nil): "\(file): \(message)"
        default: message
        }
    }
}

/// A record as read from a zone file or synthesised, before it joins a set.
struct ResourceRecord: Hashable, Sendable {
    var name: DomainName
    var type: RecordType
    var ttl: UInt32
    var rdata: [UInt8]
    /// Where it came from, for error messages.
    var line: Int?
}

extension Zone {
    /// Groups records into sets and checks the zone rules: exactly one SOA at the apex, every name inside the
    /// zone, no CNAME beside other data (RFC 1034 §3.6.2). Duplicate records collapse (RFC 2181 §5).
    init(apex: DomainName, records: [ResourceRecord], file: String? = nil) throws(ZoneFileError) {
        var names: [DomainName: [RecordType: RecordSet]] = [apex: [:]]
        for record in records {
            guard record.name.isSubdomain(of: apex) else {
                throw .outOfZone.because("\(record.name) is outside the zone \(apex)", file: file, line: record.line)
            }
            var sets = names[record.name] ?? [:]
            var set = sets[record.type] ?? RecordSet(name: record.name, type: record.type, ttl: record.ttl, rdatas: [])
            if !set.rdatas.contains(record.rdata) { set.rdatas.append(record.rdata) }
            set.ttl = min(set.ttl, record.ttl)
            sets[record.type] = set
            names[record.name] = sets
            // Empty non-terminals: every name between the record and the apex exists.
            var ancestor = record.name.parent
            while let name = ancestor, name != apex, name.isSubdomain(of: apex) {
                if names[name] == nil { names[name] = [:] }
                ancestor = name.parent
            }
        }
        guard let soa = names[apex]?[.soa] else {
            throw .missingSOA.because("the zone \(apex) has no SOA record at its apex", file: file)
        }
        guard soa.rdatas.count == 1 else {
            throw .extraSOA.because("the zone \(apex) has \(soa.rdatas.count) SOA records", file: file)
        }
        for (name, sets) in names where sets[.cname] != nil && sets.count > 1 {
            let line = records.first { $0.name == name && $0.type == .cname }?.line
            throw .cnameConflict.because("\(name) has a CNAME and other records", file: file, line: line)
        }
        for (name, sets) in names where name != apex && sets[.soa] != nil {
            throw .extraSOA.because("\(name) has an SOA record but is not the zone apex \(apex)", file: file)
        }
        self.init(apex: apex, soa: soa, names: names)
    }
}
