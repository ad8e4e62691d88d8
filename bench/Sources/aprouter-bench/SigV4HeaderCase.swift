import AccessPointCore
import S3Auth

/// Issue 5's first figure: verifications per second of a header-signed GET with an empty payload, and the two other
/// SigV4 operations of a proxied GET.
///
/// The request is what botocore sends for GetObject through an access point (host, date, content hash, SDK headers
/// that are not signed), signed once by ``SigV4Signer``; every iteration verifies that same request at the same
/// instant. `warm` shares one ``SigningKeyCache`` that already holds the key, as the router does for a client it has
/// seen today; `cold` gives each verification a new cache, so it also pays the four HMACs of the key derivation.
/// `presigned` verifies (warm) a presigned GET as the aws CLI makes them (`aws s3 presign`: only `host` signed,
/// `X-Amz-Expires=3600`, the parameters in the CLI's order), sent with curl's headers; `sign` signs the request the
/// router forwards to a path-style store for that GET (`UpstreamBucketStore`: `Host` and the client's `Accept`,
/// `UNSIGNED-PAYLOAD`), key cached.
enum SigV4HeaderCase {
    static let accessKeyID = "AKIAIOSFODNN7EXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let region = "us-west-2"

    static func variants() -> [Variant] {
        guard let now = AmzDate(iso8601Basic: "20261126T120000Z"),
            let account = try? AccountID(validating: "111122223333")
        else { fail("the fixed time and account of the sigv4-header case do not parse") }
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
            method: "GET",
            path: "/Jane/report.csv",
            query: "",
            headers: [
                ("Host", "reports-111122223333.s3-accesspoint.us-west-2.amazonaws.com"),
                ("User-Agent", "Boto3/1.43.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.1 lang/python#3.11.7"),
                ("Accept-Encoding", "identity"),
                ("amz-sdk-invocation-id", "6f1ec1c2-5a0b-4b8e-9a51-3f2a7d0e9c11"),
                ("amz-sdk-request", "attempt=1"),
            ]
        )
        let signer = SigV4Signer(accessKeyID: accessKeyID, secretAccessKey: secret, region: region)
        let request = signer.sign(unsigned, payloadHash: PayloadHash.empty, now: now)
        let expected = ExpectedRegion.exactly(region)

        let warmCache = SigningKeyCache()
        let warm = SigV4Verifier(keyCache: warmCache)
        do {
            _ = try warm.verify(request, region: expected, credentials: credentials, now: now)
        } catch {
            fail("the signed GET does not verify: \(error)")
        }

        let presigned = presignedRequest(signer: signer, now: now)
        do {
            _ = try warm.verify(presigned, region: expected, credentials: credentials, now: now)
        } catch {
            fail("the presigned GET does not verify: \(error)")
        }
        let forwarded = SigV4Request(
            method: "GET",
            path: "/reports-store/Jane/report.csv",
            query: "",
            headers: [("Host", "127.0.0.1:9000"), ("Accept", "*/*")]
        )
        let storeSigner = SigV4Signer(
            accessKeyID: "AKIDSTOREEXAMPLE",
            secretAccessKey: "storeSecretKeyExample/K7MDENG/bPxRfiCY",
            region: "us-east-1"
        )
        _ = storeSigner.sign(forwarded, payloadHash: PayloadHash.unsignedPayload, now: now)

        return [
            Variant(name: "warm", operation: "verification", bytesPerOperation: nil) { n in
                verifyLoop(n, request: request, region: expected, credentials: credentials, now: now) { warm }
            },
            Variant(name: "cold", operation: "verification", bytesPerOperation: nil) { n in
                verifyLoop(n, request: request, region: expected, credentials: credentials, now: now) {
                    SigV4Verifier(keyCache: SigningKeyCache())
                }
            },
            Variant(name: "presigned", operation: "verification", bytesPerOperation: nil) { n in
                verifyLoop(n, request: presigned, region: expected, credentials: credentials, now: now) { warm }
            },
            Variant(name: "sign", operation: "signature", bytesPerOperation: nil) { n in
                signLoop(n, request: forwarded, signer: storeSigner, now: now)
            },
        ]
    }

    /// A presigned GetObject URL as `aws s3 presign --expires-in 3600` writes it, as the router parses it from the
    /// request target, with the headers curl sends (none of them signed but `host`).
    static func presignedRequest(signer: SigV4Signer, now: AmzDate) -> SigV4Request {
        let host = "reports-111122223333.s3-accesspoint.us-west-2.amazonaws.com"
        let url = signer.presign(
            SigV4Request(method: "GET", path: "/Jane/report.csv", query: "", headers: [("Host", host)]),
            expires: 3600,
            now: now
        )
        return SigV4Request(
            method: "GET",
            target: "\(url.path)?\(inAWSCLIOrder(url.query))",
            headers: [("Host", host), ("User-Agent", "curl/7.88.1"), ("Accept", "*/*")]
        )
    }

    /// The query of a URL presigned by ``SigV4Signer/presign`` (its parameters sorted) in the order `aws s3 presign`
    /// writes them (aws-cli 1.45.11, botocore 1.43.11): `X-Amz-Algorithm`, `-Credential`, `-Date`, `-SignedHeaders`,
    /// `-Expires`, `-Signature`, so not sorted. The signature covers the canonical (sorted) query, so the order
    /// changes only the verifier's work.
    static func inAWSCLIOrder(_ query: String) -> String {
        let order = [
            "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires",
            "X-Amz-Signature",
        ]
        let pieces = query.split(separator: "&")
        let ordered = order.compactMap { name in pieces.first { $0.hasPrefix(name + "=") } }
        guard ordered.count == pieces.count else { fail("a presigned query with other parameters: \(query)") }
        return ordered.joined(separator: "&")
    }

    /// `n` signatures of `request`; folds the length and last byte of each `Authorization` header into the checksum.
    @inline(never)
    static func signLoop(_ n: Int, request: SigV4Request, signer: SigV4Signer, now: AmzDate) -> UInt64 {
        var checksum: UInt64 = 0
        for _ in 0..<n {
            let signed = signer.sign(request, payloadHash: PayloadHash.unsignedPayload, now: now)
            let authorization = signed.headers.last?.value.utf8
            checksum &+= UInt64(authorization?.count ?? 0) &+ UInt64(authorization?.last ?? 0)
        }
        return checksum
    }

    /// `n` verifications, each with the verifier `makeVerifier` returns; folds the verified signature's first
    /// byte and the request time into the checksum.
    @inline(never)
    static func verifyLoop(
        _ n: Int,
        request: SigV4Request,
        region: ExpectedRegion,
        credentials: StaticCredentialLookup,
        now: AmzDate,
        makeVerifier: () -> SigV4Verifier
    ) -> UInt64 {
        var checksum: UInt64 = 0
        for _ in 0..<n {
            do {
                let verified = try makeVerifier().verify(request, region: region, credentials: credentials, now: now)
                checksum &+=
                    UInt64(verified.signature.utf8.first ?? 0)
                    &+ UInt64(bitPattern: verified.requestTime.secondsSince1970)
            } catch {
                fail("verification failed inside the loop: \(error)")
            }
        }
        return checksum
    }
}
