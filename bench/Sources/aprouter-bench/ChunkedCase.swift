import AccessPointCore
import Crypto
import S3Auth

/// Issue 5's second figure: aws-chunked decoding with chained chunk signatures, in MB/s of payload, next to plain
/// SHA-256 of the same payload bytes in the same run.
///
/// A `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` PUT is signed by ``SigV4Signer`` and verified once, which yields the
/// ``AWSChunkedConfiguration`` the router would get; the body is then framed as a client frames it (every chunk
/// signed, chained from the request's signature). One operation decodes the whole body through a new
/// ``AWSChunkedStateMachine``, fed in network-sized reads that do not line up with the chunk frames. The reference
/// hashes the decoded payload in the same reads with swift-crypto's `SHA256`; `sha256-checker` does the same through
/// ``PayloadSHA256Checker``, which is what a plain PUT with a hex `x-amz-content-sha256` costs the router;
/// `crc32`, `crc32c` and `crc64nvme` check the payload against a declared `x-amz-checksum-*` header.
enum ChunkedCase {
    struct Shape {
        /// Decoded payload bytes per body.
        var size = 64 * 1024 * 1024
        /// Payload bytes per aws-chunked chunk.
        var chunkSize = 64 * 1024
        /// Bytes per `receive` call, as a socket read would hand them over.
        var readSize = 64 * 1024
    }

    static func variants(_ shape: Shape) -> [Variant] {
        let accessKeyID = SigV4HeaderCase.accessKeyID
        let secret = SigV4HeaderCase.secret
        guard let now = AmzDate(iso8601Basic: "20261126T120000Z"),
            let account = try? AccountID(validating: "111122223333")
        else { fail("the fixed time and account of the chunked case do not parse") }
        let credentials = StaticCredentialLookup([
            SigV4Credential(
                accessKeyID: accessKeyID,
                secretAccessKey: secret,
                identity: SigV4Identity(
                    accountID: account,
                    userARN: "arn:aws:iam::111122223333:user/alice",
                    userName: "alice"
                )
            )
        ])
        let unsigned = SigV4Request(
            method: "PUT",
            path: "/Jane/upload.bin",
            query: "x-id=PutObject",
            headers: [
                ("Host", "reports-111122223333.s3-accesspoint.us-west-2.amazonaws.com"),
                ("Content-Encoding", "aws-chunked"),
                ("x-amz-decoded-content-length", String(shape.size)),
            ]
        )
        let signer = SigV4Signer(accessKeyID: accessKeyID, secretAccessKey: secret, region: SigV4HeaderCase.region)
        let request = signer.sign(unsigned, payloadHash: PayloadHash.streamingSigned, now: now)
        let verified: SigV4Authentication
        do {
            verified = try SigV4Verifier().verify(
                request,
                region: .exactly(SigV4HeaderCase.region),
                credentials: credentials,
                now: now
            )
        } catch {
            fail("the signed aws-chunked PUT does not verify: \(error)")
        }
        guard case .awsChunked(let configuration) = verified.payload else {
            fail("the signed PUT does not ask for an aws-chunked body: \(verified.payload)")
        }

        var random = DeterministicBytes(seed: 0x5EED_0F_C4_0B_0D_1E5)
        let payload = random.next(shape.size)
        let body = encode(
            payload,
            chunkSize: shape.chunkSize,
            chain: ChunkSignatureChain(
                key: SigV4SigningKey(secretAccessKey: secret, scope: verified.scope),
                time: verified.requestTime,
                scope: verified.scope,
                seedSignature: verified.signature
            )
        )
        let payloadHash = PayloadHash.sha256Hex(of: payload)
        let readSize = shape.readSize
        let operation = "\(shape.size / 1024) KiB body"

        var check = AWSChunkedStateMachine(configuration: configuration)
        guard case .complete(let decoded) = check.receive(body), decoded == payload else {
            fail("the aws-chunked body does not decode to its payload")
        }

        return [
            Variant(name: "aws-chunked", operation: operation, bytesPerOperation: shape.size) { n in
                decodeLoop(n, body: body, configuration: configuration, readSize: readSize)
            },
            Variant(name: "sha256", operation: operation, bytesPerOperation: shape.size) { n in
                sha256Loop(n, payload: payload, readSize: readSize)
            },
            Variant(name: "sha256-checker", operation: operation, bytesPerOperation: shape.size) { n in
                checkLoop(n, payload: payload, readSize: readSize) { PayloadSHA256Checker(expected: payloadHash) }
            },
        ]
            + [ChecksumAlgorithm.crc32, .crc32c, .crc64nvme].map { algorithm in
                let declared = DeclaredChecksum(algorithm: algorithm, value: algorithm.checksum(of: payload))
                let name = String(algorithm.headerName.dropFirst("x-amz-checksum-".count))
                return Variant(name: name, operation: operation, bytesPerOperation: shape.size) { n in
                    checkLoop(n, payload: payload, readSize: readSize) { DeclaredChecksumChecker(declared) }
                }
            }
    }

    /// `payload` framed as aws-chunked with signed chunks of `chunkSize`, the final empty chunk and the blank line.
    static func encode(_ payload: [UInt8], chunkSize: Int, chain: ChunkSignatureChain) -> [UInt8] {
        var chain = chain
        var body: [UInt8] = []
        body.reserveCapacity(payload.count + (payload.count / chunkSize + 2) * 100)
        var start = 0
        while true {
            let end = min(start + chunkSize, payload.count)
            let chunk = payload[start..<end]
            let signature = chain.advance(signing: chain.chunkStringToSign(dataHash: PayloadHash.sha256Hex(of: chunk)))
            body += Array("\(String(chunk.count, radix: 16));chunk-signature=\(signature)\r\n".utf8)
            if chunk.isEmpty { break }
            body += chunk
            body += Array("\r\n".utf8)
            start = end
        }
        return body + Array("\r\n".utf8)
    }

    /// Decodes `body` `n` times; the checksum folds in the length and last byte of every forwarded piece.
    @inline(never)
    static func decodeLoop(_ n: Int, body: [UInt8], configuration: AWSChunkedConfiguration, readSize: Int) -> UInt64 {
        var checksum: UInt64 = 0
        for _ in 0..<n {
            var machine = AWSChunkedStateMachine(configuration: configuration)
            var forwarded = 0
            var start = 0
            while start < body.count {
                let end = min(start + readSize, body.count)
                switch machine.receive(body[start..<end]) {
                case .forward(let bytes), .complete(let bytes):
                    forwarded += bytes.count
                    checksum &+= UInt64(bytes.last ?? 0)
                case .fail(let error):
                    fail("the aws-chunked body failed to decode: \(error)")
                }
                start = end
            }
            guard case .complete = machine.inputEnded() else { fail("the aws-chunked body did not complete") }
            checksum &+= UInt64(forwarded)
        }
        return checksum
    }

    /// Hashes `payload` `n` times with swift-crypto, fed `readSize` bytes at a time.
    @inline(never)
    static func sha256Loop(_ n: Int, payload: [UInt8], readSize: Int) -> UInt64 {
        var checksum: UInt64 = 0
        for _ in 0..<n {
            var hasher = SHA256()
            var start = 0
            while start < payload.count {
                let end = min(start + readSize, payload.count)
                payload[start..<end].withUnsafeBytes { hasher.update(bufferPointer: $0) }
                start = end
            }
            checksum &+= hasher.finalize().withUnsafeBytes { UInt64($0[0]) }
        }
        return checksum
    }

    /// Checks `payload` `n` times through a new check from `makeCheck`, fed `readSize` bytes at a time as the router's
    /// checked body feeds it: ``PayloadSHA256Checker`` (a plain PUT's signed hash) or ``DeclaredChecksumChecker``
    /// (botocore's default `x-amz-checksum-crc32` on an upload).
    @inline(never)
    static func checkLoop<Check: StreamingPayloadCheck>(
        _ n: Int,
        payload: [UInt8],
        readSize: Int,
        makeCheck: () -> Check
    ) -> UInt64 {
        var checksum: UInt64 = 0
        for _ in 0..<n {
            var check = makeCheck()
            var start = 0
            while start < payload.count {
                let end = min(start + readSize, payload.count)
                payload[start..<end].withUnsafeBytes { check.update($0) }
                start = end
            }
            do {
                try check.finish()
            } catch {
                fail("the payload does not pass its own check: \(error)")
            }
            checksum &+= UInt64(payload.count)
        }
        return checksum
    }
}
