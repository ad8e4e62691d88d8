import S3Auth
import Testing

struct SigningKeyCacheTests {
    @Test func derivesOncePerScope() {
        let cache = SigningKeyCache()
        for _ in 0..<3 {
            _ = cache.signingKey(accessKeyID: "A", secretAccessKey: "s", scope: Example.scope)
        }
        _ = cache.signingKey(
            accessKeyID: "A",
            secretAccessKey: "s",
            scope: CredentialScope(date: "20130525", region: "us-east-1")
        )
        #expect(cache.statistics == SigningKeyCache.Statistics(hits: 2, misses: 2))
        #expect(cache.count == 2)
    }

    @Test func noticesARotatedSecret() {
        let cache = SigningKeyCache()
        let old = cache.signingKey(accessKeyID: Example.accessKeyID, secretAccessKey: "old", scope: Example.scope)
        let new = cache.signingKey(
            accessKeyID: Example.accessKeyID,
            secretAccessKey: Example.secret,
            scope: Example.scope
        )
        #expect(old.hex != new.hex)
        #expect(new.hex == "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378")
    }

    @Test func staysWithinCapacity() {
        let cache = SigningKeyCache(capacity: 4)
        for day in 10...29 {
            _ = cache.signingKey(
                accessKeyID: "A",
                secretAccessKey: "s",
                scope: CredentialScope(date: "201305\(day)", region: "r")
            )
            #expect(cache.count <= 4)
        }
    }

    @Test func isSharedSafelyAcrossTasks() async {
        let cache = SigningKeyCache()
        await withTaskGroup(of: String.self) { group in
            for index in 0..<64 {
                group.addTask {
                    cache.signingKey(accessKeyID: "K\(index % 4)", secretAccessKey: "s", scope: Example.scope).hex
                }
            }
            for await _ in group {}
        }
        #expect(cache.count == 4)
        #expect(cache.statistics.hits + cache.statistics.misses == 64)
    }
}
