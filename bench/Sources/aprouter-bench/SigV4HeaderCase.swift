import AccessPointCore
import S3Auth

/// Issue 5's first figure: verifications per second of a header-signed GET with an empty payload.
///
/// The request is what botocore sends for GetObject through an access point (host, date, content hash, SDK headers
/// that are not signed), signed once by ``SigV4Signer``; every iteration verifies that same request at the same
/// instant. `warm` shares one ``SigningKeyCache`` that already holds the key, as the router does for a client it has
/// seen today; `cold` gives each verification a new cache, so it also pays the four HMACs of the key derivation.
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

        return [
            Variant(name: "warm", operation: "verification", bytesPerOperation: nil) { n in
                verifyLoop(n, request: request, region: expected, credentials: credentials, now: now) { warm }
            },
            Variant(name: "cold", operation: "verification", bytesPerOperation: nil) { n in
                verifyLoop(n, request: request, region: expected, credentials: credentials, now: now) {
                    SigV4Verifier(keyCache: SigningKeyCache())
                }
            },
        ]
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
