import AccessPointCore
import S3Auth

/// An aws-chunked body arrives in reads of any size: the decoder must give the same decoded bytes and the same
/// outcome whether the body comes whole, in two pieces or (up to 600 bytes) a byte at a time
/// (``Decoding/agrees(with:)``), and a body it calls complete must have the decoded length its request declared.
///
/// The input's first byte picks the framing (signed chunks, signed with a trailer, unsigned with a trailer) and the
/// trailer's checksum, its second the declared decoded length (0 to 255 bytes), its third the cut; the rest is the
/// body. Signed chunks are checked against a fixed key and time (the seeds in fuzz/corpus/aws-chunked are signed with
/// them, by fuzz/seeds.py), and chunks are at most 64 bytes, so that small inputs reach every state.
enum AWSChunkedHarness {
    struct Decoding: Equatable {
        var bytes: [UInt8] = []
        var outcome = ""
        var trailers: [String] = []

        /// Whether two decodings of the same body agree: the same outcome and trailers, and the same bytes, except
        /// that a body that fails may have handed on more or fewer of its bytes before the failure was seen (a
        /// chunk's data is passed on as it arrives, before the chunk's end is read), which the store discards.
        func agrees(with other: Decoding) -> Bool {
            guard outcome == other.outcome, trailers == other.trailers else { return false }
            if outcome.hasPrefix("complete") { return bytes == other.bytes }
            return bytes.starts(with: other.bytes) || other.bytes.starts(with: bytes)
        }
    }

    static let time = AmzDate(secondsSince1970: 1_795_000_000)
    static let scope = CredentialScope(time: time, region: "us-west-2")
    static let key = SigV4SigningKey(secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", scope: scope)
    static let seed = String(repeating: "0", count: 64)

    static func run(_ input: UnsafeRawBufferPointer) {
        guard input.count >= 3, let cut = Cut(UnsafeRawBufferPointer(rebasing: input.dropFirst(2))) else { return }
        let configuration = configuration(input)
        let bytes = Array(cut.bytes)
        let whole = decode(configuration, [bytes])
        let halves = decode(configuration, [Array(bytes[..<cut.point]), Array(bytes[cut.point...])])
        require(whole.agrees(with: halves), "cut at \(cut.point): \(halves) differs from the whole's \(whole)")
        if bytes.count <= HTTPReadingHarness.bytewiseLimit {
            let bytewise = decode(configuration, bytes.map { [$0] })
            require(whole.agrees(with: bytewise), "byte by byte: \(bytewise) differs from the whole's \(whole)")
        }
        if whole.outcome == "complete" {
            require(
                whole.bytes.count == configuration.decodedContentLength,
                "complete with \(whole.bytes.count) bytes, \(configuration.decodedContentLength) declared"
            )
        }
    }

    /// The decoder's configuration the input's first two bytes choose.
    static func configuration(_ input: UnsafeRawBufferPointer) -> AWSChunkedConfiguration {
        let choice = input[0]
        let framings: [AWSChunkedConfiguration.Framing] = [
            .signedChunks, .signedChunksWithTrailer, .unsignedChunksWithTrailer,
        ]
        let framing = framings[Int(choice & 0x3) % framings.count]
        let algorithms = [nil] + ChecksumAlgorithm.all.map(Optional.some)
        return AWSChunkedConfiguration(
            framing: framing,
            signatures: framing == .unsignedChunksWithTrailer
                ? nil : ChunkSignatureChain(key: key, time: time, scope: scope, seedSignature: seed),
            trailerChecksum: framing == .signedChunks ? nil : algorithms[Int(choice >> 2 & 0x7) % algorithms.count],
            decodedContentLength: Int(input[1]),
            maxChunkSize: 64
        )
    }

    static func decode(_ configuration: AWSChunkedConfiguration, _ pieces: [[UInt8]]) -> Decoding {
        var decoder = AWSChunkedStateMachine(configuration: configuration)
        var decoding = Decoding()
        for piece in pieces {
            let outcome = piece.withUnsafeBytes { raw in
                decoder.receive(raw) { decoded in
                    switch decoded {
                    case .input(let range): decoding.bytes += raw[range]
                    case .held(let held): decoding.bytes += held
                    }
                }
            }
            switch outcome {
            case .needMore: continue
            case .complete: break
            case .fail(let error):
                decoding.outcome = "failed: \(error.code)"
                return decoding
            }
        }
        switch decoder.inputEnded() {
        case .complete: decoding.outcome = "complete"
        case .fail(let error): decoding.outcome = "ended: \(error.code)"
        }
        decoding.trailers = decoder.trailers.map { "\($0.name): \($0.value)" }
        return decoding
    }
}
