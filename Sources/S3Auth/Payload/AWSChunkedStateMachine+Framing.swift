import AccessPointCore
import Crypto

extension AWSChunkedStateMachine {
    /// Parses `hex-size[;chunk-signature=sig]` and enters the chunk's data, or the trailer after the final chunk.
    mutating func startChunk(header line: [UInt8]) throws(S3Error) {
        let semicolon = line.firstIndex(of: UInt8(ascii: ";"))
        let sizeDigits = line[..<(semicolon ?? line.count)]
        guard let size = Self.hexSize(sizeDigits) else {
            throw S3Error.invalidRequest.because("An aws-chunked chunk size is not a hexadecimal number.")
        }
        guard size <= configuration.maxChunkSize else {
            throw S3Error.entityTooLarge.because(
                "An aws-chunked chunk is larger than \(configuration.maxChunkSize) bytes."
            )
        }
        var signature: String?
        if chain != nil {
            let prefix = Array("chunk-signature=".utf8)
            guard let semicolon, line[(semicolon + 1)...].starts(with: prefix) else {
                throw S3Error.invalidRequest.because("A signed aws-chunked chunk has no chunk-signature.")
            }
            let text = String(decoding: line[(semicolon + 1 + prefix.count)...], as: UTF8.self)
            guard Hex.isLowercaseHex(text, count: 32) else {
                throw S3Error.invalidRequest.because("An aws-chunked chunk-signature is not 64 lower-case hex digits.")
            }
            signature = text
        }
        if size > 0 {
            state = .chunkData(remaining: size, signature: signature, hasher: SHA256(), held: [])
            return
        }
        if let signature {
            try verifyChunk(signature: signature, dataHash: ChunkSignatureChain.emptyHash)
        }
        state = .trailer(line: [])
    }

    /// Checks one chunk's signature and moves the chain on.
    mutating func verifyChunk(signature: String, dataHash: String) throws(S3Error) {
        guard var chain else { return }
        let stringToSign = chain.chunkStringToSign(dataHash: dataHash)
        guard chain.advance(verifying: signature, of: stringToSign) else {
            throw S3Error.signatureDoesNotMatch
                .because("The chunk signature we calculated does not match the signature you provided.")
                .adding("StringToSign", stringToSign.text)
                .adding("SignatureProvided", signature)
        }
        self.chain = chain
    }

    /// Handles one line after the final chunk: a trailer header, or the empty line that ends the body.
    mutating func receiveTrailerLine(_ line: [UInt8]) throws(S3Error) {
        if line.isEmpty {
            try finish()
            state = .complete
            return
        }
        guard configuration.hasTrailer else {
            throw S3Error.invalidRequest.because("This aws-chunked body must not carry a trailer.")
        }
        guard trailers.count < Self.maxTrailerLines, let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw S3Error.invalidRequest.because("An aws-chunked trailer line is malformed.")
        }
        let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
        let value = CanonicalRequest.canonicalValue(String(decoding: line[(colon + 1)...], as: UTF8.self))
        trailers.append((name, value))
        state = .trailer(line: [])
    }

    /// The checks at the end of the body: decoded length, trailer checksum, trailer signature.
    private mutating func finish() throws(S3Error) {
        guard decodedLength == configuration.decodedContentLength else {
            throw S3Error.incompleteBody.because(
                "The aws-chunked body decoded to \(decodedLength) bytes; x-amz-decoded-content-length says "
                    + "\(configuration.decodedContentLength)."
            )
        }
        guard configuration.hasTrailer else { return }
        let signatureName = "x-amz-trailer-signature"
        let checksums = trailers.filter { $0.name != signatureName }
        if let algorithm = configuration.trailerChecksum {
            guard checksums.count == 1, checksums[0].name == algorithm.headerName else {
                throw S3Error.invalidRequest.because(
                    "The trailer must carry exactly the declared \(algorithm.headerName)."
                )
            }
            let computed = checksum?.base64 ?? ""
            guard checksums[0].value == computed else {
                throw S3Error.badDigest.because(
                    "The \(algorithm.headerName) you specified did not match the calculated checksum."
                )
                .adding("ClientComputedChecksum", checksums[0].value)
                .adding("S3ComputedChecksum", computed)
            }
        } else if !checksums.isEmpty {
            throw S3Error.invalidRequest.because("The trailer carries a header that x-amz-trailer did not declare.")
        }
        guard var chain else {
            if trailers.contains(where: { $0.name == signatureName }) {
                throw S3Error.invalidRequest.because("An unsigned aws-chunked trailer carries a signature.")
            }
            return
        }
        let signatures = trailers.filter { $0.name == signatureName }
        guard signatures.count == 1, trailers.last?.name == signatureName else {
            throw S3Error.invalidRequest.because(
                "A signed aws-chunked trailer must end with one x-amz-trailer-signature."
            )
        }
        let trailerText = checksums.map { "\($0.name):\($0.value)\n" }.joined()
        let stringToSign = chain.trailerStringToSign(
            trailerHash: Hex.encode(SHA256.hash(data: Array(trailerText.utf8)))
        )
        guard chain.advance(verifying: signatures[0].value, of: stringToSign) else {
            throw S3Error.signatureDoesNotMatch
                .because("The trailer signature we calculated does not match the signature you provided.")
                .adding("StringToSign", stringToSign.text)
                .adding("SignatureProvided", signatures[0].value)
        }
        self.chain = chain
    }

    /// The value of 1 to 16 hex digits, or `nil`.
    private static func hexSize(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 15 else { return nil }
        var value = 0
        for digit in digits {
            let nibble: Int
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = Int(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = Int(digit - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = Int(digit - UInt8(ascii: "A")) + 10
            default: return nil
            }
            value = value << 4 | nibble
        }
        return value
    }
}
