/// RFC 1034 §4.3.2 inside one zone, with RFC 4592 wildcards and in-zone CNAME chains.
extension Zone {
    /// Longest CNAME chain followed inside one zone before giving up (a loop is a zone mistake, not a crash).
    static let maximumChain = 8

    /// What the zone says about one question, as a value (tests and tools; the server uses `lookup(_:_:into:)`).
    func lookup(_ qname: DomainName, _ qtype: RecordType) -> LookupResult {
        var records = ResponseWriter.Sections(rcode: .noError, authoritative: false)
        return lookup(qname, qtype, into: &records).result(records)
    }

    /// Looks `qname` up and appends the records to `records`: the CNAME chain and the answer to `answer`, the SOA
    /// of a negative answer or a referral's NS set to `authority`, glue to `additional`. The outcome says which
    /// kind of answer that is. Nothing is allocated when `records` has capacity, except for ANY questions and
    /// referrals.
    func lookup(_ qname: DomainName, _ qtype: RecordType, into records: inout ResponseWriter.Sections) -> LookupOutcome
    {
        let chainStart = records.answer.count
        var name = qname
        while true {
            let chainLength = records.answer.count - chainStart
            if hasZoneCuts, delegation(above: name, type: qtype, into: &records, chainLength: chainLength) {
                return chainLength == 0 ? .delegation : .answer
            }
            let owner: DomainName
            let sets: [RecordType: RecordSet]
            let synthesized: Bool
            if let exact = names[name] {
                (owner, sets, synthesized) = (name, exact, false)
            } else if hasWildcards, let wildcard = wildcardSets(for: name) {
                (owner, sets, synthesized) = (name, wildcard, true)
            } else {
                records.authority.append(negativeSOA)
                return .nameError
            }
            if qtype == .any {
                guard !sets.isEmpty else {
                    records.authority.append(negativeSOA)
                    return .noData
                }
                for set in sets.values.sorted(by: { $0.type.code < $1.type.code }) {
                    records.answer.append(set.owned(by: owner))
                }
                return .answer
            }
            if let set = sets[qtype] {
                // An exact match is the zone's own set (its owner is `name`, lower-cased); a wildcard's takes the
                // question's name (RFC 4592 §4.3).
                records.answer.append(synthesized ? set.owned(by: owner) : set)
                return .answer
            }
            guard let cname = sets[.cname], let first = cname.rdatas.first, let target = DomainName(sharing: first)
            else {
                records.authority.append(negativeSOA)
                return .noData
            }
            // Follow the chain only while it stays in this zone and short; the client resolves the rest.
            guard chainLength < Self.maximumChain else { return .answer }
            records.answer.append(synthesized ? cname.owned(by: owner) : cname)
            guard target.isSubdomain(of: apex),
                !records.answer[chainStart...].contains(where: { $0.name == target })
            else { return .answer }
            name = target
        }
    }

    /// A zone cut between the apex and `name` (NS records below the apex): appends the referral (NS set to
    /// `authority`, in-bailiwick glue to `additional`) when no CNAME was followed yet, and returns true. A DS
    /// question about the cut itself is the parent's to answer (RFC 4035 §3.1.4.1), so that cut does not count.
    private func delegation(
        above name: DomainName,
        type: RecordType,
        into records: inout ResponseWriter.Sections,
        chainLength: Int
    ) -> Bool {
        var cursor: DomainName? = type == .ds && name != apex ? name.parent : name
        // Closest to the apex wins: walking up, the last cut seen is the delegation.
        var found: (cut: DomainName, ns: RecordSet)?
        while let current = cursor, current != apex {
            if let ns = names[current]?[.ns] { found = (current, ns) }
            cursor = current.parent
        }
        guard let (cut, ns) = found else { return false }
        guard chainLength == 0 else { return true }
        records.authority.append(ns)
        for rdata in ns.rdatas {
            guard let target = DomainName(sharing: rdata), target.isSubdomain(of: cut) else { continue }
            if let a = names[target]?[.a] { records.additional.append(a) }
            if let aaaa = names[target]?[.aaaa] { records.additional.append(aaaa) }
        }
        return true
    }

    /// The wildcard at the closest encloser of a name that does not exist (RFC 4592 §3.3.1), if any.
    private func wildcardSets(for name: DomainName) -> [RecordType: RecordSet]? {
        var encloser = name.parent
        while let candidate = encloser, candidate.isSubdomain(of: apex) {
            if names[candidate] != nil { return wildcards[candidate] }
            encloser = candidate.parent
        }
        return nil
    }
}
