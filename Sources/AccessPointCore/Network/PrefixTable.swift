/// Longest-prefix lookup from an address to a value: which VPC a source address belongs to, which proxies are
/// trusted.
///
/// Built once from configuration, read per query or request. Entries are grouped by prefix length into hash tables
/// keyed by the masked address, and a lookup probes only the lengths that exist, longest first: a handful of hash
/// probes per lookup, no allocation, whatever the number of entries.
public struct PrefixTable<Value: Sendable>: Sendable {
    // Visible to inlinable code: `lookup` is specialised in the modules that read a table per request (the
    // router's VPC lookup), where the generic one looked its dictionary's metadata up on every call.
    @usableFromInline
    struct Level<Key: Hashable & Sendable>: Sendable {
        @usableFromInline var length: Int
        @usableFromInline var entries: [Key: Value]
    }

    @usableFromInline var v4: [Level<UInt32>] = []
    @usableFromInline var v6: [Level<IPv6Address>] = []

    public init() {}

    /// A table from `(block, value)` pairs. A block given twice keeps the first value and is reported in
    /// `duplicates`, so configuration validation can name it.
    public init(_ entries: some Sequence<(CIDRBlock, Value)>) {
        for (block, value) in entries { insert(block, value) }
    }

    /// Blocks that were inserted more than once.
    public private(set) var duplicates: [CIDRBlock] = []

    public mutating func insert(_ block: CIDRBlock, _ value: Value) {
        let block = block.network
        switch block.address {
        case .v4(let a):
            let index = Self.level(for: block.prefixLength, in: &v4)
            if v4[index].entries[a.value] != nil {
                duplicates.append(block)
            } else {
                v4[index].entries[a.value] = value
            }
        case .v6(let a):
            let index = Self.level(for: block.prefixLength, in: &v6)
            if v6[index].entries[a] != nil { duplicates.append(block) } else { v6[index].entries[a] = value }
        }
    }

    /// The value of the most specific block holding `address`, or nil.
    @inlinable
    public func lookup(_ address: IPAddress) -> Value? {
        switch address {
        case .v4(let a):
            for level in v4 {
                if let value = level.entries[a.value & CIDRBlock.mask32(level.length)] { return value }
            }
        case .v6(let a):
            for level in v6 {
                if let value = level.entries[CIDRBlock.masked(a, level.length)] { return value }
            }
        }
        return nil
    }

    public var isEmpty: Bool { v4.isEmpty && v6.isEmpty }

    /// Index of the level for `length`, creating it so levels stay sorted longest first.
    private static func level<Key>(for length: Int, in levels: inout [Level<Key>]) -> Int {
        if let index = levels.firstIndex(where: { $0.length == length }) { return index }
        let index = levels.firstIndex(where: { $0.length < length }) ?? levels.endIndex
        levels.insert(Level(length: length, entries: [:]), at: index)
        return index
    }
}
