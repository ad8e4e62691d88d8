/// The client's answer to a forwarded question: the upstream's message copied verbatim under a header of the
/// client's own, or a short error of ours (SERVFAIL when no upstream answered).
///
/// As a recursive resolver answers (RFC 1035 §4.1.1): the client's ID, QR and RA set, AA clear (the answer is
/// not ours), RD and CD as the client sent them, AD and the rcode as upstream said. The question goes back in
/// the client's own case. TTLs count down by the time the answer spent in the cache. Over UDP an answer larger
/// than the client can take (512 bytes, or its EDNS size) becomes header and question with TC set, so the
/// client asks again over TCP (RFC 7766 §5).
enum ForwardedResponse {
    /// The client's response built from `answer` (as parsed, or as cached), `age` seconds after it arrived.
    static func rewrite(_ answer: UpstreamAnswer, for question: ForwardedQuestion, age: UInt32, limit: Int) -> [UInt8] {
        var bytes = answer.bytes
        guard bytes.count >= 12 else { return failure(.serverFailure, for: question) }
        let upstreamFlags = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        let flags = header(for: question, rcode: upstreamFlags & 0xF) | (upstreamFlags & 0x0020)
        guard bytes.count <= limit else { return truncatedResponse(for: question, flags: flags) }
        bytes[0] = UInt8(question.id >> 8)
        bytes[1] = UInt8(question.id & 0xFF)
        bytes[2] = UInt8(flags >> 8)
        bytes[3] = UInt8(flags & 0xFF)
        // The upstream echoed the question (checked equal but for case): give the client back its own case.
        let end = 12 + question.questionWire.count
        if end <= bytes.count { bytes.replaceSubrange(12..<end, with: question.questionWire) }
        if age > 0 {
            for offset in answer.ttlOffsets where offset + 4 <= bytes.count {
                let ttl = bytes[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                let left = ttl > age ? ttl - age : 0
                bytes[offset] = UInt8(left >> 24)
                bytes[offset + 1] = UInt8((left >> 16) & 0xFF)
                bytes[offset + 2] = UInt8((left >> 8) & 0xFF)
                bytes[offset + 3] = UInt8(left & 0xFF)
            }
        }
        return bytes
    }

    /// A response of ours with `rcode` and no records: header and question (and OPT when the client used EDNS).
    static func failure(_ rcode: ResponseCode, for question: ForwardedQuestion) -> [UInt8] {
        headerAndQuestion(for: question, flags: header(for: question, rcode: rcode.rawValue & 0xF))
    }

    /// QR, RD and CD as the client sent them, RA, `rcode`; AA, TC and AD clear.
    private static func header(for question: ForwardedQuestion, rcode: UInt16) -> UInt16 {
        0x8000 | (question.recursionDesired ? 0x0100 : 0) | 0x0080 | (question.checkingDisabled ? 0x0010 : 0)
            | rcode
    }

    private static func truncatedResponse(for question: ForwardedQuestion, flags: UInt16) -> [UInt8] {
        headerAndQuestion(for: question, flags: flags | 0x0200)
    }

    private static func headerAndQuestion(for question: ForwardedQuestion, flags: UInt16) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12 + question.questionWire.count + 4 + 11)
        func u16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xFF)] }
        u16(question.id)
        u16(flags)
        u16(1)
        u16(0)
        u16(0)
        u16(question.edns == nil ? 0 : 1)
        bytes += question.questionWire
        u16(question.type)
        u16(question.qclass)
        if let edns = question.edns { ForwardedQuestion.appendOPT(to: &bytes, dnssecOK: edns.dnssecOK) }
        return bytes
    }
}
