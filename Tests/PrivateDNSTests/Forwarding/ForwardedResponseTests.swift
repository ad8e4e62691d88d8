import Testing

@testable import PrivateDNS

struct ForwardedResponseTests {
    static func ttls(_ bytes: [UInt8], _ answer: UpstreamAnswer) -> [UInt32] {
        answer.ttlOffsets.map { offset in bytes[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
    }

    static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }

    @Test func asksUpstreamWithOurIDAndRecursionDesired() {
        let plain = UpstreamMessage.question().upstreamQuery(id: 0xBEEF)
        #expect(Self.u16(plain, 0) == 0xBEEF)
        #expect(Self.u16(plain, 2) == 0x0100)
        #expect(Self.u16(plain, 10) == 0)
        #expect(plain.count == 12 + 19 + 4)
        let edns = UpstreamMessage.question(edns: (4096, 0)).upstreamQuery(id: 7)
        #expect(Self.u16(edns, 10) == 1)
        #expect(Array(edns.suffix(11)) == [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0])
    }

    @Test func givesTheClientItsIDCaseAndRecursionAvailable() throws {
        let question = UpstreamMessage.question("Www.UPSTREAM.test", id: 0x4242)
        let message = UpstreamMessage(flags: 0x85A0, name: "www.upstream.test", answer: [.a(ttl: 300)])
        let answer = try UpstreamAnswer.parse(message.bytes, id: 0xBEEF, question: question).get()
        let response = ForwardedResponse.rewrite(answer, for: question, age: 0, limit: 512)
        #expect(Self.u16(response, 0) == 0x4242)
        // QR, RD, RA and AD kept; AA (set by this upstream) cleared; rcode NOERROR.
        #expect(Self.u16(response, 2) == 0x81A0)
        #expect(Array(response[12..<31]) == question.questionWire)
        #expect(Array(response[31...]) == Array(message.bytes[31...]))
    }

    @Test func keepsTheUpstreamRcode() throws {
        let question = UpstreamMessage.question()
        let message = UpstreamMessage(flags: 0x8183, authority: [.soa(ttl: 60, minimum: 60)])
        let answer = try UpstreamAnswer.parse(message.bytes, id: 0xBEEF, question: question).get()
        let response = ForwardedResponse.rewrite(answer, for: question, age: 0, limit: 512)
        #expect(Self.u16(response, 2) == 0x8183)
        #expect(Self.u16(response, 8) == 1)
    }

    /// Seconds in the cache → the TTLs the client sees (from 300 and 120), never below zero.
    @Test(arguments: [(0, [300, 120]), (1, [299, 119]), (119, [181, 1]), (500, [0, 0])] as [(UInt32, [UInt32])])
    func countsTTLsDownByTheTimeInTheCache(age: UInt32, expected: [UInt32]) throws {
        let question = UpstreamMessage.question()
        let message = UpstreamMessage(answer: [.cname(ttl: 300), .a(ttl: 120)], additional: [.opt])
        let answer = try UpstreamAnswer.parse(message.bytes, id: 0xBEEF, question: question).get()
        let response = ForwardedResponse.rewrite(answer, for: question, age: age, limit: 512)
        #expect(Self.ttls(response, answer) == expected)
        #expect(Array(response.suffix(11)) == UpstreamMessage.Record.opt.ownerAndFields)
    }

    /// The client's limit → whether it gets the answer or header and question with TC.
    @Test(arguments: [(512, true), (60, true), (59, false)])
    func truncatesToWhatTheClientTakes(limit: Int, fits: Bool) throws {
        let question = UpstreamMessage.question(edns: (1232, 0))
        let message = UpstreamMessage(answer: [.a(ttl: 1), .a(ttl: 1)], additional: [.opt])
        let answer = try UpstreamAnswer.parse(message.bytes, id: 0xBEEF, question: question).get()
        #expect(message.bytes.count == 12 + 23 + 2 * 16 + 11)
        let response = ForwardedResponse.rewrite(answer, for: question, age: 0, limit: limit + 18)
        #expect((response.count == message.bytes.count) == fits)
        if !fits {
            #expect(Self.u16(response, 2) & 0x0200 != 0)
            #expect([4, 6, 8, 10].map { Self.u16(response, $0) } == [1, 0, 0, 1])
            #expect(response.count == 12 + 23 + 11)
        }
    }

    @Test func failureIsServfailWithRecursionAvailable() {
        let question = UpstreamMessage.question(id: 9)
        let response = ForwardedResponse.failure(.serverFailure, for: question)
        #expect(Self.u16(response, 0) == 9)
        #expect(Self.u16(response, 2) == 0x8182)
        #expect([4, 6, 8, 10].map { Self.u16(response, $0) } == [1, 0, 0, 0])
        #expect(Array(response[12...]) == question.questionWire + [0, 1, 0, 1])
    }
}

extension UpstreamMessage.Record {
    var ownerAndFields: [UInt8] {
        owner + [UInt8(type >> 8), UInt8(type & 0xFF), UInt8(qclass >> 8), UInt8(qclass & 0xFF)]
            + UpstreamMessage.be32(ttl) + [UInt8(rdata.count >> 8), UInt8(rdata.count & 0xFF)] + rdata
    }
}
