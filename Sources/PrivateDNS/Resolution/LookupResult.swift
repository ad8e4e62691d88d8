/// What the zones say about one question, decided before a response message exists (STYLE §3).
enum LookupResult: Sendable, Equatable {
    /// A positive answer; may begin with the CNAMEs followed to reach it.
    case answer([RecordSet])
    /// NXDOMAIN, after following `chain` (possibly empty) inside the zone.
    case nameError(chain: [RecordSet], soa: RecordSet)
    /// The name exists but has no data of the asked type (NODATA).
    case noData(chain: [RecordSet], soa: RecordSet)
    /// A referral to a child zone's name servers; not authoritative.
    case delegation(nameServers: RecordSet, glue: [RecordSet])
    case refused(RefusalReason)
}

/// Why a question is refused, for logs and tests. The client sees rcode REFUSED either way.
enum RefusalReason: Sendable, Equatable {
    /// No zone visible from the client's view holds the name.
    case notAuthoritative
    /// The client's VPC has `enableDnsSupport: false`.
    case dnsSupportDisabled
    /// Zone transfers and other questions this emulator does not serve.
    case unsupportedQuestion
}
