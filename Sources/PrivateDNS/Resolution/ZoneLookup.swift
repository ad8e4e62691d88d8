/// RFC 1034 §4.3.2 inside one zone, with RFC 4592 wildcards and in-zone CNAME chains.
extension Zone {
    /// Longest CNAME chain followed inside one zone before giving up (a loop is a zone mistake, not a crash).
    static let maximumChain = 8

    func lookup(_ qname: DomainName, _ qtype: RecordType) -> LookupResult {
        var chain: [RecordSet] = []
        var name = qname
        while true {
            if hasZoneCuts, let referral = delegation(above: name, type: qtype) {
                return chain.isEmpty ? referral : .answer(chain)
            }
            let found: (owner: DomainName, sets: [RecordType: RecordSet])
            if let sets = names[name] {
                found = (name, sets)
            } else if hasWildcards, let wildcard = wildcardSets(for: name) {
                found = (name, wildcard)
            } else {
                return .nameError(chain: chain, soa: negativeSOA)
            }
            if qtype == .any {
                let all = found.sets.values.sorted { $0.type.code < $1.type.code }.map { $0.owned(by: found.owner) }
                return all.isEmpty ? .noData(chain: chain, soa: negativeSOA) : .answer(chain + all)
            }
            if let set = found.sets[qtype] { return .answer(chain + [set.owned(by: found.owner)]) }
            guard let cname = found.sets[.cname], let target = cname.rdatas.first.flatMap(DomainName.init(wireLabels:))
            else { return .noData(chain: chain, soa: negativeSOA) }
            // Follow the chain only while it stays in this zone and short; the client resolves the rest.
            guard chain.count < Self.maximumChain else { return .answer(chain) }
            chain.append(cname.owned(by: found.owner))
            guard target.isSubdomain(of: apex), !chain.contains(where: { $0.name == target }) else {
                return .answer(chain)
            }
            name = target
        }
    }

    /// A zone cut between the apex and `name` (NS records below the apex), as a referral. A DS question about
    /// the cut itself is the parent's to answer (RFC 4035 §3.1.4.1), so that cut does not count.
    private func delegation(above name: DomainName, type: RecordType) -> LookupResult? {
        var cursor: DomainName? = type == .ds && name != apex ? name.parent : name
        var cuts: [DomainName] = []
        while let current = cursor, current != apex {
            cuts.append(current)
            cursor = current.parent
        }
        // Closest to the apex first: the first cut on the way down is the delegation.
        for cut in cuts.reversed() {
            guard let ns = names[cut]?[.ns] else { continue }
            let glue = ns.rdatas.compactMap(DomainName.init(wireLabels:)).flatMap { target -> [RecordSet] in
                guard target.isSubdomain(of: cut) else { return [] }
                return [names[target]?[.a], names[target]?[.aaaa]].compactMap { $0 }
            }
            return .delegation(nameServers: ns, glue: glue)
        }
        return nil
    }

    /// The wildcard at the closest encloser of a name that does not exist (RFC 4592 §3.3.1), if any.
    private func wildcardSets(for name: DomainName) -> [RecordType: RecordSet]? {
        var encloser = name.parent
        while let candidate = encloser, candidate.isSubdomain(of: apex) {
            if names[candidate] != nil {
                guard let wildcard = candidate.wildcard else { return nil }
                return names[wildcard]
            }
            encloser = candidate.parent
        }
        return nil
    }
}
