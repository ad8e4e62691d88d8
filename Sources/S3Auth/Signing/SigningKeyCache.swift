import Synchronization

/// Derived signing keys by access key and credential scope, shared by every request a verifier checks.
///
/// A SigV4 key changes only with the day, so a client that sends thousands of requests needs one derivation per
/// day, region and service. The cache is a `Mutex` around a dictionary: lookups are short, and the four HMACs of a
/// derivation run outside the lock. A changed secret for the same access key (rotation in the lab configuration) is
/// noticed and the key derived again. When full, entries for other days go first, then everything. SigV4A key
/// pairs, which depend only on the access key, are kept beside them.
public final class SigningKeyCache: Sendable {
    /// How often the cache answered from memory and how often it derived a key.
    public struct Statistics: Hashable, Sendable {
        public var hits: Int
        public var misses: Int

        public init(hits: Int = 0, misses: Int = 0) {
            self.hits = hits
            self.misses = misses
        }
    }

    private struct Key: Hashable {
        var accessKeyID: String
        var scope: CredentialScope

        /// The access key and the date alone: one key's scopes seldom differ in region or service, and equality
        /// still compares them. Hashing two strings instead of four is a quarter of a warm verification's lookup.
        func hash(into hasher: inout Hasher) {
            hasher.combine(accessKeyID)
            hasher.combine(scope.date)
        }
    }

    private struct Entry {
        var secretAccessKey: String
        var signingKey: SigV4SigningKey
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var sigV4AEntries: [String: (secretAccessKey: String, key: SigV4AKey)] = [:]
        var statistics = Statistics()
    }

    /// The most keys held at once.
    public let capacity: Int
    private let state = Mutex(State())

    /// An empty cache holding at most `capacity` keys.
    public init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
    }

    /// The signing key of `accessKeyID` for `scope`, derived from `secretAccessKey` unless already known.
    public func signingKey(accessKeyID: String, secretAccessKey: String, scope: CredentialScope) -> SigV4SigningKey {
        let key = Key(accessKeyID: accessKeyID, scope: scope)
        let cached: SigV4SigningKey? = state.withLock { state in
            guard let entry = state.entries[key], entry.secretAccessKey == secretAccessKey else { return nil }
            state.statistics.hits += 1
            return entry.signingKey
        }
        if let cached { return cached }

        let derived = SigV4SigningKey(secretAccessKey: secretAccessKey, scope: scope)
        state.withLock { state in
            state.statistics.misses += 1
            if state.entries[key] == nil, state.entries.count >= capacity {
                state.entries = state.entries.filter { $0.key.scope.date == scope.date }
                if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[key] = Entry(secretAccessKey: secretAccessKey, signingKey: derived)
        }
        return derived
    }

    /// The SigV4A key of `accessKeyID`, derived from `secretAccessKey` unless already known. SigV4A keys do not
    /// depend on the date, so they live as long as the cache has room.
    public func sigV4AKey(accessKeyID: String, secretAccessKey: String) -> SigV4AKey? {
        let cached: SigV4AKey? = state.withLock { state in
            guard let entry = state.sigV4AEntries[accessKeyID], entry.secretAccessKey == secretAccessKey else {
                return nil
            }
            state.statistics.hits += 1
            return entry.key
        }
        if let cached { return cached }
        guard let derived = SigV4AKey(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey) else { return nil }
        state.withLock { state in
            state.statistics.misses += 1
            if state.sigV4AEntries[accessKeyID] == nil, state.sigV4AEntries.count >= capacity {
                state.sigV4AEntries.removeAll(keepingCapacity: true)
            }
            state.sigV4AEntries[accessKeyID] = (secretAccessKey, derived)
        }
        return derived
    }

    /// The number of SigV4 keys held now.
    public var count: Int {
        state.withLock { $0.entries.count }
    }

    /// Hits and misses since the cache was made.
    public var statistics: Statistics {
        state.withLock { $0.statistics }
    }
}
