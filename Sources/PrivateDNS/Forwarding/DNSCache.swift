/// Forwarded answers kept for their TTL (RFC 1035 §7.4, RFC 2308 §5 for negative answers), shared by the UDP
/// and TCP listeners.
///
/// A value type without a clock: every call is handed `now`, so expiry is tested by moving an instant on. The
/// size is bounded twice, in entries and in bytes (an answer over TCP may be 64 KiB): when either is reached, an
/// insert evicts the entries stored longest ago.
struct DNSCache: Sendable {
    /// An answer depends on the question and on whether the client used EDNS and set DO (which changes what a
    /// validating upstream puts in the message).
    struct Key: Hashable, Sendable {
        var name: [UInt8]
        var type: UInt16
        var qclass: UInt16
        var edns: Bool
        var dnssecOK: Bool
    }

    /// A cached answer and how long it has been in the cache, in whole seconds.
    struct Hit: Equatable {
        var answer: UpstreamAnswer
        var age: UInt32
    }

    private struct Entry {
        var answer: UpstreamAnswer
        var stored: ContinuousClock.Instant
        var expires: ContinuousClock.Instant
        var serial: UInt64
    }

    let capacity: Int
    /// The most bytes of answers kept at once.
    let byteBudget: Int
    private(set) var byteCount = 0
    private var entries: [Key: Entry] = [:]
    /// Keys in the order they were stored, with the serial of that store; an older serial is a stale mark.
    private var order: [(key: Key, serial: UInt64)] = []
    private var head = 0
    private var nextSerial: UInt64 = 0

    init(capacity: Int = 10_000, byteBudget: Int = 32 << 20) {
        precondition(capacity > 0 && byteBudget > 0, "a cache needs room for one answer")
        self.capacity = capacity
        self.byteBudget = byteBudget
    }

    var count: Int { entries.count }

    /// The answer to `key` if one is stored and has not expired; an expired one is removed.
    mutating func lookup(_ key: Key, now: ContinuousClock.Instant) -> Hit? {
        guard let entry = entries[key] else { return nil }
        guard now < entry.expires else {
            remove(key)
            return nil
        }
        let elapsed = now - entry.stored
        let age = elapsed > .zero ? UInt32(clamping: elapsed.components.seconds) : 0
        return Hit(answer: entry.answer, age: age)
    }

    /// Stores `answer` under `key` for its `cacheTTL` seconds; an answer without one is not stored (and does not
    /// displace what is stored).
    mutating func insert(_ answer: UpstreamAnswer, for key: Key, now: ContinuousClock.Instant) {
        guard let ttl = answer.cacheTTL, ttl > 0, answer.bytes.count <= byteBudget else { return }
        remove(key)
        while entries.count >= capacity || byteCount + answer.bytes.count > byteBudget, evictOldest() {}
        nextSerial += 1
        entries[key] = Entry(answer: answer, stored: now, expires: now + .seconds(Int64(ttl)), serial: nextSerial)
        byteCount += answer.bytes.count
        order.append((key, nextSerial))
        compactOrder()
    }

    /// Removes the entry stored longest ago; false when there is none.
    private mutating func evictOldest() -> Bool {
        while head < order.count {
            let mark = order[head]
            head += 1
            if entries[mark.key]?.serial == mark.serial {
                remove(mark.key)
                return true
            }
        }
        return false
    }

    private mutating func remove(_ key: Key) {
        guard let entry = entries.removeValue(forKey: key) else { return }
        byteCount -= entry.answer.bytes.count
    }

    /// Drops consumed and stale marks once they outnumber the live ones, so `order` stays within twice the size.
    private mutating func compactOrder() {
        guard order.count > 2 * capacity || (head > 0 && head * 2 > order.count) else { return }
        order = order[head...].filter { entries[$0.key]?.serial == $0.serial }
        head = 0
    }
}
