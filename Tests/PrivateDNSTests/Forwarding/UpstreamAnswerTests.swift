import Testing

@testable import PrivateDNS

struct UpstreamAnswerTests {
    static let question = UpstreamMessage.question()

    static func parse(_ message: UpstreamMessage) -> Result<UpstreamAnswer, UpstreamAnswer.Rejection> {
        UpstreamAnswer.parse(message.bytes, id: 0xBEEF, question: question)
    }

    /// A message → how long it may be cached (nil: not at all).
    static let cacheTable: [(String, UpstreamMessage, UInt32?)] = [
        ("positive: the smallest answer TTL", UpstreamMessage(answer: [.cname(ttl: 300), .a(ttl: 120)]), 120),
        (
            "NXDOMAIN: min(SOA TTL, MINIMUM)",
            UpstreamMessage(flags: 0x8183, authority: [.soa(ttl: 3600, minimum: 60)]), 60
        ),
        ("NODATA: min(SOA TTL, MINIMUM)", UpstreamMessage(authority: [.soa(ttl: 30, minimum: 300)]), 30),
        ("NXDOMAIN without SOA", UpstreamMessage(flags: 0x8183), nil),
        ("SERVFAIL", UpstreamMessage(flags: 0x8182, answer: [.a(ttl: 300)]), nil),
        ("REFUSED", UpstreamMessage(flags: 0x8185), nil),
        ("TTL 0", UpstreamMessage(answer: [.a(ttl: 0)]), nil),
        ("TTL with the top bit set reads as 0", UpstreamMessage(answer: [.a(ttl: 0x8000_0000)]), nil),
        ("a week is capped at a day", UpstreamMessage(answer: [.a(ttl: 604_800)]), 86_400),
        ("the OPT record's flags are no TTL", UpstreamMessage(answer: [.a(ttl: 300)], additional: [.opt]), 300),
    ]

    @Test(arguments: Self.cacheTable)
    func cachesForTheRightTime(_ label: String, message: UpstreamMessage, expected: UInt32?) throws {
        let answer = try Self.parse(message).get()
        #expect(answer.cacheTTL == expected, "\(label)")
        #expect(!answer.truncated)
    }

    @Test func findsEveryTTLButTheOPTRecords() throws {
        let message = UpstreamMessage(
            answer: [.cname(ttl: 300), .a(ttl: 120)],
            authority: [.soa(ttl: 60, minimum: 60)],
            additional: [.opt]
        )
        let answer = try Self.parse(message).get()
        #expect(answer.ttlOffsets.count == 3)
        let ttls = answer.ttlOffsets.map { offset in
            answer.bytes[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }
        #expect(ttls == [300, 120, 60])
    }

    @Test func matchesTheQuestionWhateverItsCase() throws {
        let answer = try Self.parse(UpstreamMessage(name: "WWW.Upstream.TEST", answer: [.a(ttl: 5)])).get()
        #expect(answer.cacheTTL == 5)
    }

    @Test func truncatedAnswerAsksForTCPWhateverFollows() throws {
        var bytes = UpstreamMessage(flags: 0x8380, answer: [.a(ttl: 300)]).bytes
        bytes.removeLast(3)
        let answer = try UpstreamAnswer.parse(bytes, id: 0xBEEF, question: Self.question).get()
        #expect(answer.truncated)
        #expect(answer.cacheTTL == nil)
    }

    /// Hostile or stray messages → why they are dropped.
    static let rejections: [(String, [UInt8], UpstreamAnswer.Rejection)] = [
        ("empty", [], .tooShort),
        ("half a header", Array(UpstreamMessage().bytes.prefix(7)), .tooShort),
        ("another ID", UpstreamMessage(id: 0xBEEE, answer: [.a(ttl: 1)]).bytes, .idMismatch),
        ("a query, not a response", UpstreamMessage(flags: 0x0100).bytes, .notAResponse),
        ("another opcode", UpstreamMessage(flags: 0x8980).bytes, .notAResponse),
        ("another name", UpstreamMessage(name: "www.upstream.tes", answer: [.a(ttl: 1)]).bytes, .questionMismatch),
        ("another type", UpstreamMessage(type: 28, answer: [.a(ttl: 1)]).bytes, .questionMismatch),
        ("another class", UpstreamMessage(qclass: 3).bytes, .questionMismatch),
        ("a record cut short", Array(UpstreamMessage(answer: [.a(ttl: 1)]).bytes.dropLast(2)), .malformed),
        ("bytes after the last record", UpstreamMessage(answer: [.a(ttl: 1)]).bytes + [0], .malformed),
        (
            "a count larger than the records",
            {
                var b = UpstreamMessage(answer: [.a(ttl: 1)]).bytes
                b[7] = 2
                return b
            }(), .malformed
        ),
        ("a pointer loop", UpstreamMessage(answer: [Record(owner: [0xC0, 35])]).bytes, .malformed),
        ("a pointer into the header", UpstreamMessage(answer: [Record(owner: [0xC0, 2])]).bytes, .malformed),
        ("a pointer past the end", UpstreamMessage(answer: [Record(owner: [0xC3, 0xFF])]).bytes, .malformed),
        ("a reserved label type", UpstreamMessage(answer: [Record(owner: [0x41, 0])]).bytes, .malformed),
        (
            "a question name with a pointer",
            Array(UpstreamMessage(name: "").bytes.prefix(12)) + [0xC0, 12, 0, 1, 0, 1],
            .questionMismatch
        ),
    ]

    @Test(arguments: Self.rejections)
    func dropsWhatDoesNotAnswerOurQuery(_ label: String, bytes: [UInt8], expected: UpstreamAnswer.Rejection) {
        #expect(
            UpstreamAnswer.parse(bytes, id: 0xBEEF, question: Self.question) == .failure(expected),
            "\(label)"
        )
    }

    @Test func survivesRandomBytesAndEveryPrefix() {
        var generator = SystemRandomNumberGenerator()
        let valid = UpstreamMessage(answer: [.cname(ttl: 3), .a(ttl: 2)], authority: [.soa(ttl: 1, minimum: 1)]).bytes
        for length in 0..<valid.count {
            _ = UpstreamAnswer.parse(Array(valid.prefix(length)), id: 0xBEEF, question: Self.question)
        }
        for _ in 0..<2000 {
            var bytes = valid
            for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = .random(in: 0...255) }
            if case .success(let answer) = UpstreamAnswer.parse(bytes, id: 0xBEEF, question: Self.question) {
                _ = ForwardedResponse.rewrite(answer, for: Self.question, age: 7, limit: 512)
            }
        }
    }
}

typealias Record = UpstreamMessage.Record
