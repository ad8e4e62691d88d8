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

/// The kind of a `LookupResult` without its records: the server's lookup appends the records to reusable
/// section arrays (`ResponseWriter.Sections`) and returns only this, so answering allocates nothing.
enum LookupOutcome: Sendable, Equatable {
    case answer
    case nameError
    case noData
    case delegation
    case refused(RefusalReason)

    /// The value form, from the records a lookup appended.
    func result(_ records: ResponseWriter.Sections) -> LookupResult {
        switch self {
        case .answer: .answer(records.answer)
        case .nameError: .nameError(chain: records.answer, soa: records.authority[0])
        case .noData: .noData(chain: records.answer, soa: records.authority[0])
        case .delegation: .delegation(nameServers: records.authority[0], glue: records.additional)
        case .refused(let reason): .refused(reason)
        }
    }
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
