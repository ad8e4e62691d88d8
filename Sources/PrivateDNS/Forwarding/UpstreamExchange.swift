/// The forwarder's side of one exchange with an upstream resolver, without sockets or cache: how it reads the
/// message that comes back for a client's question (`UpstreamAnswer`), and the client's answer it makes of an
/// accepted one (`ForwardedResponse`). For the fuzz harnesses, which feed it upstream messages, as
/// `DNSAnswerer` is for the answer path.
@_spi(Benchmarks)
public struct UpstreamExchange: Sendable {
    let question: ForwardedQuestion

    /// The exchange for a client's `query` (a DNS message in wire form); nil when it is not a query the server
    /// could forward (it does not parse, or is answered without a question).
    public init?(query: [UInt8]) {
        let parsed = query.withUnsafeBytes { DNSQuery.parse($0) }
        guard case .success(let query) = parsed else { return nil }
        question = ForwardedQuestion(query)
    }

    /// The client's message ID, which every answer to it carries.
    public var clientID: UInt16 { question.id }

    /// How the forwarder reads `message` as the answer to the query it sent with `id`: accepted, or dropped (the
    /// wait goes on) with the reason.
    public func read(_ message: [UInt8], id: UInt16) -> Reading {
        switch UpstreamAnswer.parse(message, id: id, question: question) {
        case .success(let answer): .accepted(Accepted(answer: answer, question: question))
        case .failure(let rejection): .dropped("\(rejection)")
        }
    }

    public enum Reading: Sendable {
        case accepted(Accepted)
        case dropped(String)
    }

    /// An upstream message the forwarder accepted.
    public struct Accepted: Sendable {
        let answer: UpstreamAnswer
        let question: ForwardedQuestion

        /// Where each record's TTL lies in the message (all but OPT's), counted down when served from the cache.
        public var ttlOffsets: [Int] { answer.ttlOffsets }
        public var rcode: UInt8 { answer.rcode }
        /// TC was set: the forwarder asks again over TCP.
        public var truncated: Bool { answer.truncated }
        /// How long it may be cached; nil when it must not be.
        public var cacheTTL: UInt32? { answer.cacheTTL }
        /// The longest anything is cached.
        public static var maximumCacheTTL: UInt32 { UpstreamAnswer.maximumCacheTTL }

        /// The client's answer, `age` seconds after the message arrived, for a client that takes `limit` bytes.
        public func response(age: UInt32, limit: Int) -> [UInt8] {
            ForwardedResponse.rewrite(answer, for: question, age: age, limit: limit)
        }
    }
}
