import Testing

@testable import PrivateDNS

struct DNSCacheTests {
    static let start = ContinuousClock.now
    static func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int64(seconds * 1000)) }

    static func answer(_ message: UpstreamMessage, _ question: ForwardedQuestion) throws -> UpstreamAnswer {
        try UpstreamAnswer.parse(message.bytes, id: 0xBEEF, question: question).get()
    }

    @Test func keepsAPositiveAnswerForItsSmallestTTL() throws {
        let question = UpstreamMessage.question()
        var cache = DNSCache()
        cache.insert(
            try Self.answer(UpstreamMessage(answer: [.a(ttl: 300), .a(ttl: 120)]), question),
            for: question.cacheKey,
            now: Self.at(0)
        )
        #expect(cache.lookup(question.cacheKey, now: Self.at(0))?.age == 0)
        #expect(cache.lookup(question.cacheKey, now: Self.at(59.9))?.age == 59)
        #expect(cache.lookup(question.cacheKey, now: Self.at(119.9))?.age == 119)
        #expect(cache.lookup(question.cacheKey, now: Self.at(120)) == nil)
        #expect(cache.count == 0)
    }

    @Test func keepsANegativeAnswerForTheSOAsNegativeTTL() throws {
        let question = UpstreamMessage.question("gone.upstream.test")
        let message = UpstreamMessage(
            flags: 0x8183,
            name: "gone.upstream.test",
            authority: [.soa(ttl: 3600, minimum: 30)]
        )
        var cache = DNSCache()
        cache.insert(try Self.answer(message, question), for: question.cacheKey, now: Self.at(0))
        #expect(cache.lookup(question.cacheKey, now: Self.at(29))?.answer.rcode == 3)
        #expect(cache.lookup(question.cacheKey, now: Self.at(30)) == nil)
    }

    @Test func storesNothingWithoutATTL() throws {
        let question = UpstreamMessage.question()
        var cache = DNSCache()
        cache.insert(
            try Self.answer(UpstreamMessage(answer: [.a(ttl: 300)]), question),
            for: question.cacheKey,
            now: Self.at(0)
        )
        cache.insert(try Self.answer(UpstreamMessage(flags: 0x8182), question), for: question.cacheKey, now: Self.at(1))
        #expect(cache.lookup(question.cacheKey, now: Self.at(2))?.answer.rcode == 0, "SERVFAIL displaced an answer")
        let other = UpstreamMessage.question(type: 28)
        cache.insert(
            try Self.answer(UpstreamMessage(flags: 0x8183, type: 28), other),
            for: other.cacheKey,
            now: Self.at(0)
        )
        #expect(cache.lookup(other.cacheKey, now: Self.at(0)) == nil)
    }

    @Test func keysOnTheLowerCasedQuestionAndTheDOBit() {
        let plain = UpstreamMessage.question("WWW.upstream.test").cacheKey
        #expect(plain == UpstreamMessage.question("www.UPSTREAM.test").cacheKey)
        #expect(plain != UpstreamMessage.question(type: 28).cacheKey)
        #expect(plain != UpstreamMessage.question(edns: (1232, 0)).cacheKey)
        var secure = UpstreamMessage.question(edns: (1232, 0))
        secure.edns?.dnssecOK = true
        #expect(secure.cacheKey != UpstreamMessage.question(edns: (1232, 0)).cacheKey)
    }

    @Test func evictsTheOldestWhenFull() throws {
        var cache = DNSCache(capacity: 3)
        let questions = (0..<5).map { UpstreamMessage.question("n\($0).upstream.test") }
        func store(_ index: Int, at time: Double) throws {
            let message = UpstreamMessage(name: "n\(index).upstream.test", answer: [.a(ttl: 600)])
            cache.insert(try Self.answer(message, questions[index]), for: questions[index].cacheKey, now: Self.at(time))
        }
        for index in 0..<3 { try store(index, at: Double(index)) }
        try store(0, at: 3)  // stored again: now the newest
        try store(3, at: 4)
        #expect(cache.count == 3)
        let kept = (0..<4).filter { cache.lookup(questions[$0].cacheKey, now: Self.at(5)) != nil }
        #expect(kept == [0, 2, 3])
        for round in 0..<50 { try store(4 - round % 2, at: 6 + Double(round)) }
        #expect(cache.count == 3)
    }

    @Test func staysWithinItsByteBudget() throws {
        let questions = (0..<4).map { UpstreamMessage.question("n\($0).upstream.test") }
        let answers = try (0..<4).map { index in
            try Self.answer(UpstreamMessage(name: "n\(index).upstream.test", answer: [.a(ttl: 600)]), questions[index])
        }
        let size = answers[0].bytes.count
        var cache = DNSCache(capacity: 100, byteBudget: 2 * size + 1)
        for index in 0..<4 { cache.insert(answers[index], for: questions[index].cacheKey, now: Self.at(Double(index))) }
        #expect(cache.count == 2)
        #expect(cache.byteCount == 2 * size)
        #expect(cache.lookup(questions[3].cacheKey, now: Self.at(5)) != nil)
        #expect(cache.lookup(questions[0].cacheKey, now: Self.at(5)) == nil)
        var tiny = DNSCache(capacity: 100, byteBudget: size - 1)
        tiny.insert(answers[0], for: questions[0].cacheKey, now: Self.at(0))
        #expect(tiny.count == 0 && tiny.byteCount == 0)
    }
}
