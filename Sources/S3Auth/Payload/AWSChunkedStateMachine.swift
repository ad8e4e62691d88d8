public import AccessPointCore
import Crypto

/// Decodes an aws-chunked body (spec §5.5) as it streams in: bytes in, decoded data or an error out.
///
/// A value type with no I/O: the body reader calls ``receive(_:)`` with each piece as it arrives, forwards what
/// the returned ``Action`` says, and calls ``inputEnded()`` when the stream ends. Any split of the input gives the
/// same decoded bytes and the same verdict. Signed chunks are held back until their signature has been checked, so
/// nothing unverified is forwarded; unsigned chunks are forwarded at once, and the trailer checksum and decoded
/// length are checked at the end, so a consumer must discard what it stored when the final action is `.fail`.
public struct AWSChunkedStateMachine: Sendable {
    /// What to do with the input just received.
    public enum Action: Sendable {
        /// Forward these decoded bytes (possibly none); more input is expected.
        case forward([UInt8])
        /// Forward these decoded bytes; the body is complete and every check passed.
        case complete([UInt8])
        /// The body is invalid; stop reading and answer with the error.
        case fail(S3Error)
    }

    /// A piece of decoded data in the input just received (``receive(_:emit:)``).
    public enum Decoded {
        /// Unsigned data, where it lies in the input: the caller passes it on without a copy.
        case input(Range<Int>)
        /// A signed chunk's data, held back until its signature checked, released now.
        case held([UInt8])
    }

    /// What ``receive(_:emit:)`` found once every piece of the input was emitted.
    public enum Outcome: Sendable {
        /// More input is expected.
        case needMore
        /// The body is complete and every check passed.
        case complete
        /// The body is invalid; stop reading and answer with the error.
        case fail(S3Error)
    }

    /// What to do when the input stream has ended.
    public enum EndAction: Sendable {
        /// The body was complete and valid.
        case complete
        /// The body was cut short or is otherwise invalid.
        case fail(S3Error)
    }

    enum State: Sendable {
        case chunkHeader(line: [UInt8])
        case chunkData(remaining: Int, signature: String?, hasher: SHA256, held: [UInt8])
        case chunkDataEnd(seen: Int)
        case trailer(line: [UInt8])
        case complete
        case failed
    }

    /// The longest chunk-header or trailer line accepted.
    static let maxLineLength = 4096
    /// The most trailer lines accepted.
    static let maxTrailerLines = 16

    let configuration: AWSChunkedConfiguration
    var state: State = .chunkHeader(line: [])
    var chain: ChunkSignatureChain?
    var checksum: RunningChecksum?
    var decodedLength = 0
    /// Trailer lines received so far, as `(lower-case name, value)`.
    public internal(set) var trailers: [(name: String, value: String)] = []

    /// A decoder for a body framed as `configuration` says.
    public init(configuration: AWSChunkedConfiguration) {
        self.configuration = configuration
        self.chain = configuration.signatures
        self.checksum = configuration.trailerChecksum.map(RunningChecksum.init)
    }

    /// Whether the final chunk and trailer have been received and checked.
    public var isComplete: Bool {
        if case .complete = state { return true }
        return false
    }

    /// Consumes the next piece of the encoded body, copying the decoded data into the returned action.
    ///
    /// - Precondition: no earlier call returned `.fail`.
    public mutating func receive(_ bytes: some Collection<UInt8>) -> Action {
        let input = Array(bytes)
        var output: [UInt8] = []
        let outcome = input.withUnsafeBytes { raw in
            receive(raw) { piece in
                switch piece {
                case .input(let range): output.append(contentsOf: raw[range])
                case .held(let bytes): output.append(contentsOf: bytes)
                }
            }
        }
        switch outcome {
        case .needMore: return .forward(output)
        case .complete: return .complete(output)
        case .fail(let error): return .fail(error)
        }
    }

    /// Consumes the next piece of the encoded body, emitting its decoded data in order: unsigned data as ranges of
    /// `input` (the body reader hands on slices of its own buffer, with no copy), signed data once its signature
    /// checked.
    ///
    /// - Precondition: no earlier call returned `.fail`.
    public mutating func receive(_ input: UnsafeRawBufferPointer, emit: (Decoded) -> Void) -> Outcome {
        do {
            try input.withMemoryRebound(to: UInt8.self) { bytes throws(S3Error) in
                var index = 0
                while index < bytes.count {
                    index = try step(bytes, from: index, emit: emit)
                }
            }
        } catch {
            state = .failed
            return .fail(error)
        }
        return isComplete ? .complete : .needMore
    }

    /// Reports the end of the input stream.
    public mutating func inputEnded() -> EndAction {
        switch state {
        case .complete:
            return .complete
        case .failed:
            preconditionFailure("inputEnded() after the aws-chunked decoder already failed")
        default:
            state = .failed
            return .fail(S3Error.incompleteBody.because("The aws-chunked body ended before its final chunk."))
        }
    }

    /// Consumes input from `index` within the current state and returns the index of the first unconsumed byte.
    private mutating func step(
        _ input: UnsafeBufferPointer<UInt8>,
        from index: Int,
        emit: (Decoded) -> Void
    ) throws(S3Error) -> Int {
        switch state {
        case .chunkHeader(var line):
            guard let end = try Self.collectLine(input, from: index, into: &line) else {
                state = .chunkHeader(line: line)
                return input.count
            }
            try startChunk(header: line)
            return end
        case .chunkData(let remaining, let signature, var hasher, var held):
            // Taken out of the state, so that appending to the held bytes and hashing them do not copy them (the
            // state would still share them); every path below sets the state again, or fails.
            state = .failed
            let count = min(remaining, input.count - index)
            let range = index..<(index + count)
            let piece = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[range]))
            decodedLength += count
            guard decodedLength <= configuration.decodedContentLength else {
                throw S3Error.invalidRequest.because(
                    "The aws-chunked body is longer than x-amz-decoded-content-length "
                        + "\(configuration.decodedContentLength)."
                )
            }
            checksum?.update(piece)
            if signature != nil {
                hasher.update(bufferPointer: piece)
                held.append(contentsOf: piece)
            } else {
                emit(.input(range))
            }
            if remaining == count {
                if let signature {
                    try verifyChunk(signature: signature, dataHash: Hex.encode(hasher.finalize()))
                    emit(.held(held))
                }
                state = .chunkDataEnd(seen: 0)
            } else {
                state = .chunkData(remaining: remaining - count, signature: signature, hasher: hasher, held: held)
            }
            return index + count
        case .chunkDataEnd(let seen):
            let expected: UInt8 = seen == 0 ? 13 : 10
            guard input[index] == expected else {
                throw S3Error.incompleteBody.because("An aws-chunked chunk is longer than its declared size.")
            }
            state = seen == 0 ? .chunkDataEnd(seen: 1) : .chunkHeader(line: [])
            return index + 1
        case .trailer(var line):
            guard let end = try Self.collectLine(input, from: index, into: &line) else {
                state = .trailer(line: line)
                return input.count
            }
            try receiveTrailerLine(line)
            return end
        case .complete:
            throw S3Error.invalidRequest.because("Data follows the final aws-chunked chunk.")
        case .failed:
            preconditionFailure("receive(_:) after the aws-chunked decoder already failed")
        }
    }

    /// Appends input up to the next `\r\n` to `line`; returns the index after the line end, or `nil` when the line
    /// continues in the next piece.
    private static func collectLine(
        _ input: UnsafeBufferPointer<UInt8>,
        from index: Int,
        into line: inout [UInt8]
    ) throws(S3Error) -> Int? {
        let newline = input[index...].firstIndex(of: 10)
        line.append(contentsOf: input[index..<(newline ?? input.count)])
        guard line.count <= maxLineLength + 1 else {
            throw S3Error.invalidRequest.because("An aws-chunked header or trailer line is too long.")
        }
        guard let newline else { return nil }
        guard line.last == 13 else {
            throw S3Error.invalidRequest.because("An aws-chunked line does not end with CRLF.")
        }
        line.removeLast()
        return newline + 1
    }
}
