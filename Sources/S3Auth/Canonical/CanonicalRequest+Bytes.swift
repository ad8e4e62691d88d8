import AccessPointCore

// The canonical request written straight into a byte buffer: what the verifier and the signer hash on every request.
// `CanonicalRequest` keeps the same text as parts, for error bodies and tests; `CanonicalRequestTests` holds both to
// the same expected texts.
extension CanonicalRequest {
    /// Appends to `out` the UTF-8 bytes of `CanonicalRequest(request:signedHeaders:payloadHash:omittingQuery:).text`
    /// for the same arguments, `omittingSignature` standing for `omittingQuery: ["X-Amz-Signature"]`.
    ///
    /// Headers are grouped by a scan per signed name (a request signs a handful), values are trimmed and the query
    /// encoded and sorted on bytes; nothing builds a String. Signed names that are not ASCII, which no verified
    /// request has, take the String route.
    static func append(
        request: SigV4Request,
        signedHeaders: [String],
        payloadHash: String,
        omittingSignature: Bool,
        to out: inout [UInt8]
    ) {
        guard signedHeaders.allSatisfy(HeaderName.isASCII) else {
            let canonical = CanonicalRequest(
                request: request,
                signedHeaders: signedHeaders,
                payloadHash: payloadHash,
                omittingQuery: omittingSignature ? ["X-Amz-Signature"] : []
            )
            out.append(contentsOf: canonical.text.utf8)
            return
        }
        let newline = UInt8(ascii: "\n")
        out.append(contentsOf: request.method.utf8)
        out.append(newline)
        if request.path.isEmpty {
            out.append(UInt8(ascii: "/"))
        } else {
            out.append(contentsOf: request.path.utf8)
        }
        out.append(newline)
        if !request.query.isEmpty,
            !CanonicalQuery.appendRaw(request.query, omittingSignature: omittingSignature, to: &out)
        {
            CanonicalQuery.append(request.queryParts, omittingSignature: omittingSignature, to: &out)
        }
        out.append(newline)
        // With every header name ASCII (as HTTP/1 parsers let through), a name of another length cannot match;
        // finding that out is one more pass over the names, worth it from two signed names on.
        let headers = request.headers
        let asciiNames = signedHeaders.count > 1 && headers.allSatisfy { HeaderName.isASCII($0.name) }
        for name in signedHeaders {
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: ":"))
            var first = true
            let length = name.utf8.count
            // By index: binding each header to a local retained and released both of its strings.
            for index in headers.indices
            where (!asciiNames || headers[index].name.utf8.count == length)
                && HeaderName.matches(headers[index].name, name)
            {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendCanonicalValue(headers[index].value, to: &out)
            }
            out.append(newline)
        }
        out.append(newline)
        for (index, name) in signedHeaders.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ";")) }
            out.append(contentsOf: name.utf8)
        }
        out.append(newline)
        out.append(contentsOf: payloadHash.utf8)
    }

    /// Appends the bytes of ``canonicalValue(_:)`` of `value`.
    static func appendCanonicalValue(_ value: String, to out: inout [UInt8]) {
        value.withUTF8Bytes { appendCanonicalValue($0, to: &out) }
    }
}

extension CanonicalQuery {
    /// Appends the bytes of ``canonicalize(_:omitting:)`` of `parts`, `omittingSignature` standing for
    /// `omitting: ["X-Amz-Signature"]`.
    ///
    /// Each raw name and value is decoded and encoded again in one pass into a scratch buffer (three bytes out per
    /// byte in at most); the pairs are sorted as ranges of it.
    static func append(_ parts: [Part], omittingSignature: Bool, to out: inout [UInt8]) {
        guard !parts.isEmpty else { return }
        var capacity = 0
        for part in parts { capacity += (part.rawName.utf8.count + part.rawValue.utf8.count) * 3 }
        // Each pair is `encoded[start..<equals]` = `encoded[equals..<end]`.
        var pairs: [(start: Int, equals: Int, end: Int)] = []
        pairs.reserveCapacity(parts.count)
        let encoded = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            var written = 0
            for part in parts {
                if omittingSignature, isSignatureName(part) { continue }
                let start = written
                let name = part.rawName
                written = name.withUTF8Bytes { reencode(UnsafeRawBufferPointer($0), into: buffer, at: written) }
                let equals = written
                let value = part.rawValue
                written = value.withUTF8Bytes { reencode(UnsafeRawBufferPointer($0), into: buffer, at: written) }
                pairs.append((start, equals, written))
            }
            count = written
        }
        encoded.withUnsafeBufferPointer { bytes in
            pairs.sort { lhs, rhs in
                let lhsName = UnsafeBufferPointer(rebasing: bytes[lhs.start..<lhs.equals])
                let rhsName = UnsafeBufferPointer(rebasing: bytes[rhs.start..<rhs.equals])
                guard lhsName.elementsEqual(rhsName) else { return lhsName.lexicographicallyPrecedes(rhsName) }
                return UnsafeBufferPointer(rebasing: bytes[lhs.equals..<lhs.end]).lexicographicallyPrecedes(
                    UnsafeBufferPointer(rebasing: bytes[rhs.equals..<rhs.end])
                )
            }
            for (index, pair) in pairs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: "&")) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pair.start..<pair.equals]))
                out.append(UInt8(ascii: "="))
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pair.equals..<pair.end]))
            }
        }
    }

    /// Whether the decoded name of `part` is `X-Amz-Signature` (as ``HeaderName/equals(_:_:)`` says), decoding only
    /// a name that holds `%` or a byte that is not ASCII.
    static func isSignatureName(_ part: Part) -> Bool {
        let name = part.rawName
        let plain: Bool? = name.withUTF8Bytes { bytes in
            if bytes.contains(UInt8(ascii: "%")) { return nil }
            if HeaderName.same(bytes, "X-Amz-Signature") { return true }
            return HeaderName.isASCII(UnsafeRawBufferPointer(bytes)) ? false : nil
        }
        return plain ?? HeaderName.equals(part.name, "X-Amz-Signature")
    }

    /// Writes `uriEncode(percentDecode(raw))` into `out` from `offset`; returns the offset after it.
    static func reencode(
        _ raw: UnsafeRawBufferPointer,
        into out: UnsafeMutableBufferPointer<UInt8>,
        at offset: Int
    )
        -> Int
    {
        var written = offset
        var index = 0
        while index < raw.count { reencodeByte(raw, &index, end: raw.count, into: out, &written) }
        return written
    }

    /// One step of ``reencode(_:into:at:)``: the `%XX` escape or the plain byte at `index` (before `end`) is
    /// decoded, written URI-encoded at `written`, and both offsets moved past it.
    @inline(__always)
    static func reencodeByte(
        _ raw: UnsafeRawBufferPointer,
        _ index: inout Int,
        end: Int,
        into out: UnsafeMutableBufferPointer<UInt8>,
        _ written: inout Int
    ) {
        var byte = raw[index]
        if byte == UInt8(ascii: "%"), index + 2 < end, let high = hexValue(raw[index + 1]),
            let low = hexValue(raw[index + 2])
        {
            byte = high << 4 | low
            index += 3
        } else {
            index += 1
        }
        if isUnreserved(byte) {
            out[written] = byte
            written += 1
        } else {
            out[written] = UInt8(ascii: "%")
            out[written + 1] = hexDigit(byte >> 4)
            out[written + 2] = hexDigit(byte & 0x0f)
            written += 3
        }
    }

    /// The upper-case hex digit of `nibble` (0 to 15).
    @inline(__always)
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? nibble &+ UInt8(ascii: "0") : nibble &+ (UInt8(ascii: "A") &- 10)
    }
}

extension CanonicalQuery {
    /// ``append(_:omittingSignature:to:)`` of `parts(of: query)`, read on the raw query's one buffer, without
    /// splitting it into parts: the pieces are re-encoded, with their `=` and `&`, into one scratch area in arrival
    /// order, and when that order is already the sorted one (SDKs write presigned parameters sorted) the area is
    /// the canonical query as it stands. Returns `false`, having written nothing, when the query has more than
    /// ``rawPieceLimit`` pieces, or when the signature is omitted and a name holds `%` or a byte that is not ASCII
    /// (the signature's name is then compared after decoding).
    static func appendRaw(_ query: String, omittingSignature: Bool, to out: inout [UInt8]) -> Bool {
        query.withUTF8Bytes { raw in
            let count = rawPieceLimit
            return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * count) { pairs in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 3 * raw.count + count + 8) { scratch in
                    appendRaw(
                        UnsafeRawBufferPointer(raw),
                        count: count,
                        omittingSignature: omittingSignature,
                        pairs: pairs,
                        scratch: scratch,
                        to: &out
                    )
                }
            }
        }
    }

    /// The most pieces ``appendRaw(_:omittingSignature:to:)`` reads: room for their offsets on the stack, without
    /// counting a query's `&`s first (a presigned URL has six or seven pieces, an S3 request rarely more than five).
    static let rawPieceLimit = 32

    /// ``appendRaw(_:omittingSignature:to:)`` with its scratch areas: three offsets per pair (start, `=`, end, into
    /// `scratch`), for `count` pieces (more: `false`), and at least three bytes per raw byte. One pass: eight unreserved
    /// bytes in a row (most of a query) are copied as one word; any other byte is decoded and re-encoded as
    /// ``reencode(_:into:at:)`` does.
    private static func appendRaw(
        _ raw: UnsafeRawBufferPointer,
        count: Int,
        omittingSignature: Bool,
        pairs: UnsafeMutableBufferPointer<Int>,
        scratch: UnsafeMutableBufferPointer<UInt8>,
        to out: inout [UInt8]
    ) -> Bool {
        let end = raw.count
        let target = UnsafeMutableRawPointer(scratch.baseAddress.unsafelyUnwrapped)
        var index = 0
        var written = 0
        var pairCount = 0
        var pieces = 0
        var sorted = true
        while true {
            while index < end, raw[index] == UInt8(ascii: "&") { index += 1 }
            if index == end { break }
            pieces += 1
            guard pieces <= count else { return false }
            let separator = written
            if pairCount > 0 {
                scratch[written] = UInt8(ascii: "&")
                written += 1
            }
            let pairStart = written
            let nameStart = index
            var equals = -1
            var plainName = true
            var omitted = false
            while index < end {
                if index + 8 <= end {
                    // The unreserved bytes at the start of the next eight copied at once (the whole word is
                    // stored; the scratch area has room).
                    let word = ByteScan.word(raw, index)
                    let unreserved = unreservedLanes(word)
                    target.storeBytes(of: word.littleEndian, toByteOffset: written, as: UInt64.self)
                    let run = unreserved == ByteScan.high ? 8 : ByteScan.firstLane(~unreserved & ByteScan.high)
                    written += run
                    index += run
                    if run == 8 { continue }
                }
                let byte = raw[index]
                if byte == UInt8(ascii: "&") { break }
                if equals < 0 {
                    if byte == UInt8(ascii: "=") {
                        if omittingSignature {
                            guard plainName else { return false }
                            if isSignatureName(raw, nameStart, index) {
                                omitted = true
                                break
                            }
                        }
                        equals = written
                        scratch[written] = byte
                        written += 1
                        index += 1
                        continue
                    }
                    if byte == UInt8(ascii: "%") || byte >= 0x80 { plainName = false }
                }
                reencodeByte(raw, &index, end: end, into: scratch, &written)
            }
            if equals < 0, !omitted {
                // A piece without `=`: all name, and an empty value.
                if omittingSignature {
                    guard plainName else { return false }
                    omitted = isSignatureName(raw, nameStart, index)
                }
                equals = written
                scratch[written] = UInt8(ascii: "=")
                written += 1
            }
            if omitted {
                index = ByteScan.firstIndex(of: UInt8(ascii: "&"), in: raw, from: index, to: end)
                written = separator
                continue
            }
            pairs[3 * pairCount] = pairStart
            pairs[3 * pairCount + 1] = equals
            pairs[3 * pairCount + 2] = written
            if sorted, pairCount > 0, !precedesOrEqual(scratch, pairs, pairCount - 1, pairCount) { sorted = false }
            pairCount += 1
        }
        if sorted {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0..<written]))
            return true
        }
        // Insertion sort of the pairs (a query has a handful), stable, then each copied in order.
        for index in 1..<pairCount {
            var slot = index
            let moving = (pairs[3 * index], pairs[3 * index + 1], pairs[3 * index + 2])
            while slot > 0, precedes(scratch, moving, (pairs[3 * slot - 3], pairs[3 * slot - 2], pairs[3 * slot - 1])) {
                pairs[3 * slot] = pairs[3 * slot - 3]
                pairs[3 * slot + 1] = pairs[3 * slot - 2]
                pairs[3 * slot + 2] = pairs[3 * slot - 1]
                slot -= 1
            }
            pairs[3 * slot] = moving.0
            pairs[3 * slot + 1] = moving.1
            pairs[3 * slot + 2] = moving.2
        }
        // The pairs in order, joined in the scratch area after the text when it has room (it has three bytes per
        // raw byte, and a query with few escapes uses about one), then appended at once: an append per pair and per
        // `&` cost about 70 instructions each.
        guard scratch.count - written >= written else {
            for index in 0..<pairCount {
                if index > 0 { out.append(UInt8(ascii: "&")) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[pairs[3 * index]..<pairs[3 * index + 2]]))
            }
            return true
        }
        var joined = ByteWriter(scratch.baseAddress.unsafelyUnwrapped + written)
        for index in 0..<pairCount {
            if index > 0 { joined.byte(UInt8(ascii: "&")) }
            joined.bytes(UnsafeBufferPointer(rebasing: scratch[pairs[3 * index]..<pairs[3 * index + 2]]))
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[written..<written + joined.count]))
        return true
    }

    /// Whether `raw[start..<end]` (a name without `%`, ASCII) is `X-Amz-Signature`.
    private static func isSignatureName(_ raw: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        HeaderName.same(
            UnsafeRawBufferPointer(rebasing: raw[start..<end]).bindMemory(to: UInt8.self),
            "X-Amz-Signature"
        )
    }

    /// Whether all eight bytes of `word` are unreserved (`A-Z a-z 0-9 - . _ ~`).
    static func isUnreservedWord(_ word: UInt64) -> Bool {
        unreservedLanes(word) == ByteScan.high
    }

    /// The top bit of each lane of `word` (lane 0 its low byte) that is unreserved, every lane checked against the
    /// ranges at once; none when a byte is not ASCII (a lane above 0x7f could carry into the next).
    @inline(__always)
    static func unreservedLanes(_ word: UInt64) -> UInt64 {
        let high = ByteScan.high
        guard word & high == 0 else { return 0 }
        @inline(__always)
        func within(_ low: UInt8, _ top: UInt8) -> UInt64 { ByteScan.lanes(of: word, within: low, top) }
        return within(UInt8(ascii: "0"), UInt8(ascii: "9")) | within(UInt8(ascii: "A"), UInt8(ascii: "Z"))
            | within(UInt8(ascii: "a"), UInt8(ascii: "z")) | within(UInt8(ascii: "-"), UInt8(ascii: "."))
            | within(UInt8(ascii: "_"), UInt8(ascii: "_")) | within(UInt8(ascii: "~"), UInt8(ascii: "~"))
    }

    /// Whether pair `lhs` sorts before or with pair `rhs` (name, then value, bytewise).
    private static func precedesOrEqual(
        _ scratch: UnsafeMutableBufferPointer<UInt8>,
        _ pairs: UnsafeMutableBufferPointer<Int>,
        _ lhs: Int,
        _ rhs: Int
    ) -> Bool {
        !precedes(
            scratch,
            (pairs[3 * rhs], pairs[3 * rhs + 1], pairs[3 * rhs + 2]),
            (pairs[3 * lhs], pairs[3 * lhs + 1], pairs[3 * lhs + 2])
        )
    }

    /// Whether the pair at offsets `lhs` sorts strictly before that at `rhs`: names bytewise, then values.
    private static func precedes(
        _ scratch: UnsafeMutableBufferPointer<UInt8>,
        _ lhs: (Int, Int, Int),
        _ rhs: (Int, Int, Int)
    ) -> Bool {
        let order = compare(scratch, lhs.0, lhs.1, rhs.0, rhs.1)
        if order != 0 { return order < 0 }
        return compare(scratch, lhs.1 + 1, lhs.2, rhs.1 + 1, rhs.2) < 0
    }

    /// -1, 0 or 1 as `scratch[a..<aEnd]` sorts before, with or after `scratch[b..<bEnd]`, bytewise.
    private static func compare(
        _ scratch: UnsafeMutableBufferPointer<UInt8>,
        _ a: Int,
        _ aEnd: Int,
        _ b: Int,
        _ bEnd: Int
    )
        -> Int
    {
        let common = min(aEnd - a, bEnd - b)
        // Eight bytes at a time, read big-endian so that the words compare as the bytes do.
        let raw = UnsafeRawBufferPointer(scratch)
        var start = 0
        while start + 8 <= common {
            let lhs = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: a + start, as: UInt64.self))
            let rhs = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: b + start, as: UInt64.self))
            if lhs != rhs { return lhs < rhs ? -1 : 1 }
            start += 8
        }
        for index in start..<common where scratch[a + index] != scratch[b + index] {
            return scratch[a + index] < scratch[b + index] ? -1 : 1
        }
        return (aEnd - a) < (bEnd - b) ? -1 : ((aEnd - a) == (bEnd - b) ? 0 : 1)
    }
}
