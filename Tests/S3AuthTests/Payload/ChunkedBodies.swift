import AccessPointCore
import S3Auth

/// Builds aws-chunked bodies for the decoder tests, the way a client would, and feeds them in pieces.
enum ChunkedBodies {
    static let seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"

    static func chain(seed: String = seed) -> ChunkSignatureChain {
        ChunkSignatureChain(
            key: SigV4SigningKey(secretAccessKey: Example.secret, scope: Example.scope),
            time: Example.time,
            scope: Example.scope,
            seedSignature: seed
        )
    }

    /// `chunks` framed with chunk signatures from `chain`, the final empty chunk, and optionally a signed trailer.
    static func signed(_ chunks: [[UInt8]], trailer: (name: String, value: String)? = nil) -> [UInt8] {
        var chain = chain()
        var body: [UInt8] = []
        for chunk in chunks + [[]] {
            let signature = chain.advance(signing: chain.chunkStringToSign(dataHash: PayloadHash.sha256Hex(of: chunk)))
            body += Array("\(String(chunk.count, radix: 16));chunk-signature=\(signature)\r\n".utf8)
            if !chunk.isEmpty { body += chunk + Array("\r\n".utf8) }
        }
        if let trailer {
            let line = "\(trailer.name):\(trailer.value)"
            let signature = chain.advance(
                signing: chain.trailerStringToSign(trailerHash: PayloadHash.sha256Hex(of: Array("\(line)\n".utf8)))
            )
            body += Array("\(line)\r\nx-amz-trailer-signature:\(signature)\r\n".utf8)
        }
        return body + Array("\r\n".utf8)
    }

    /// `chunks` without signatures, then the trailer lines.
    static func unsigned(_ chunks: [[UInt8]], trailer: [String]) -> [UInt8] {
        var body: [UInt8] = []
        for chunk in chunks where !chunk.isEmpty {
            body += Array("\(String(chunk.count, radix: 16))\r\n".utf8) + chunk + Array("\r\n".utf8)
        }
        body += Array("0\r\n".utf8)
        for line in trailer { body += Array("\(line)\r\n".utf8) }
        return body + Array("\r\n".utf8)
    }

    /// The outcome of decoding a body. What was forwarded before a failure depends on the split, so a failure
    /// records only its code.
    enum Outcome: Equatable, CustomStringConvertible {
        case decoded([UInt8])
        case failed(code: String)

        var description: String {
            switch self {
            case .decoded(let bytes): "decoded \(bytes.count) bytes"
            case .failed(let code): code
            }
        }
    }

    static func decode(_ body: [UInt8], _ configuration: AWSChunkedConfiguration, cuts: [Int] = []) -> Outcome {
        decodeForwarding(body, configuration, cuts: cuts).outcome
    }

    /// The outcome and every byte forwarded on the way, with `body` fed in pieces that end at `cuts`.
    static func decodeForwarding(
        _ body: [UInt8],
        _ configuration: AWSChunkedConfiguration,
        cuts: [Int] = []
    ) -> (outcome: Outcome, forwarded: [UInt8]) {
        var machine = AWSChunkedStateMachine(configuration: configuration)
        var output: [UInt8] = []
        var start = 0
        for end in cuts + [body.count] where end >= start {
            switch machine.receive(body[start..<end]) {
            case .forward(let bytes), .complete(let bytes): output += bytes
            case .fail(let error): return (.failed(code: error.code), output)
            }
            start = end
        }
        switch machine.inputEnded() {
        case .complete: return (.decoded(output), output)
        case .fail(let error): return (.failed(code: error.code), output)
        }
    }

    static func configuration(
        _ framing: AWSChunkedConfiguration.Framing,
        length: Int,
        trailer: ChecksumAlgorithm? = nil
    ) -> AWSChunkedConfiguration {
        AWSChunkedConfiguration(
            framing: framing,
            signatures: framing == .unsignedChunksWithTrailer ? nil : chain(),
            trailerChecksum: trailer,
            decodedContentLength: length
        )
    }
}
