import AccessPointCore

/// The PROXY header and the CONNECT head are parsed again as more bytes of a connection arrive, until the parser
/// decides. A decision made on the bytes so far must stand when more arrive: a header found is the same header with
/// the same length, a refusal stays a refusal (its reason may change), and a header's own bytes, cut anywhere before
/// its end, are not yet one.
enum PrefixDecisionHarness {
    static func proxyHeader(_ input: UnsafeRawBufferPointer) {
        check(input, parse: ProxyProtocolHeader.parse) { parse in
            switch parse {
            case .needMoreData: .undecided
            case .header(_, let length): .accepted(length: length)
            case .invalid: .refused
            }
        }
    }

    static func connectRequest(_ input: UnsafeRawBufferPointer) {
        check(input, parse: ConnectRequest.parse) { parse in
            switch parse {
            case .needMoreData: .undecided
            case .connect(_, _, let length): .accepted(length: length)
            case .refused: .refused
            }
        }
    }

    enum Decision: Equatable {
        case undecided
        case accepted(length: Int)
        case refused
    }

    private static func check<Parse: Equatable>(
        _ input: UnsafeRawBufferPointer,
        parse: ([UInt8]) -> Parse,
        decision: (Parse) -> Decision
    ) {
        guard let cut = Cut(input) else { return }
        let bytes = Array(cut.bytes)
        let whole = parse(bytes)
        let prefix = parse(Array(bytes[..<cut.point]))
        switch decision(prefix) {
        case .undecided: break
        case .accepted:
            require(prefix == whole, "accepted \(prefix) on \(cut.point) bytes, then \(whole) on \(bytes.count)")
        case .refused:
            // The reason may name what more bytes showed; the refusal stands.
            require(decision(whole) == .refused, "refused on \(cut.point) bytes, then \(whole) on \(bytes.count)")
        }
        guard case .accepted(let length) = decision(whole) else { return }
        require(length > 0 && length <= bytes.count, "a header of \(length) bytes found in \(bytes.count)")
        require(parse(Array(bytes[..<length])) == whole, "the header's own \(length) bytes parse otherwise")
        let inside = cut.point % length
        require(
            decision(parse(Array(bytes[..<inside]))) == .undecided,
            "the first \(inside) of a \(length)-byte header are already decided"
        )
    }
}
