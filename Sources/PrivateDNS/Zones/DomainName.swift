/// A domain name in DNS wire form, lower-cased: length-prefixed labels ending with the root's zero byte.
///
/// Lower-casing once when a name is built makes comparison and hashing plain byte work on the lookup path
/// (DNS names compare case-insensitively, RFC 4343); answers echo the question's own case separately.
///
/// A name is a suffix of its storage, from `start`: `parent` shares the storage and moves `start` one label on,
/// so walking up a name (closest encloser, wildcards, zone cuts) allocates nothing.
struct DomainName: Hashable, Sendable, CustomStringConvertible {
    private let storage: [UInt8]
    private let start: Int

    /// Wire bytes, lower-cased ASCII letters, always ending with 0. Indexed from `wire.startIndex`.
    var wire: ArraySlice<UInt8> { storage[start...] }

    static let root = DomainName(uncheckedWire: [0])

    init(uncheckedWire wire: [UInt8]) {
        self.storage = wire
        self.start = 0
    }

    private init(storage: [UInt8], start: Int) {
        self.storage = storage
        self.start = start
    }

    /// From wire-format labels (no compression pointers), lower-casing them. Nil when malformed.
    init?(wireLabels bytes: some Collection<UInt8>) {
        var wire: [UInt8] = []
        wire.reserveCapacity(bytes.count)
        guard Self.appendLowered(bytes, to: &wire) else { return nil }
        self.init(uncheckedWire: wire)
    }

    /// From an array already in wire form, sharing it when it is well formed and already lower case (zone data
    /// usually is: a CNAME target costs no allocation then); otherwise a lower-cased copy. Nil when malformed.
    init?(sharing wire: [UInt8]) {
        var index = 0
        var lower = true
        while index < wire.count {
            let length = Int(wire[index])
            guard length <= 63, index + length < wire.count else { return nil }
            if length == 0 { break }
            for byte in wire[(index + 1)...(index + length)] where Self.lower(byte) != byte { lower = false }
            index += length + 1
        }
        guard index == wire.count - 1, wire.count <= 255 else { return nil }
        if lower { self.init(uncheckedWire: wire) } else { self.init(wireLabels: wire) }
    }

    /// Appends `bytes`, a wire name without compression, lower-cased, to `wire`; false when malformed (then
    /// `wire` holds a partial copy). With `wire` reserved beforehand this allocates nothing.
    static func appendLowered(_ bytes: some Collection<UInt8>, to wire: inout [UInt8]) -> Bool {
        let first = wire.count
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let length = Int(bytes[index])
            guard length <= 63 else { return false }
            wire.append(UInt8(length))
            if length == 0 { break }
            for _ in 0..<length {
                index = bytes.index(after: index)
                guard index != bytes.endIndex else { return false }
                wire.append(Self.lower(bytes[index]))
            }
            index = bytes.index(after: index)
        }
        return wire.last == 0 && wire.count > first && wire.count - first <= 255
    }

    /// From presentation text such as `corp.internal` or `corp.internal.`; no escapes. Nil when malformed.
    init?(_ text: String) {
        var wire: [UInt8] = []
        let trimmed = text.hasSuffix(".") ? text.dropLast() : Substring(text)
        if !trimmed.isEmpty {
            for label in trimmed.split(separator: ".", omittingEmptySubsequences: false) {
                guard (1...63).contains(label.utf8.count) else { return nil }
                wire.append(UInt8(label.utf8.count))
                wire.append(contentsOf: label.utf8.map(Self.lower))
            }
        }
        wire.append(0)
        guard wire.count <= 255 else { return nil }
        self.init(uncheckedWire: wire)
    }

    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    static func == (lhs: DomainName, rhs: DomainName) -> Bool {
        let count = lhs.storage.count - lhs.start
        guard count == rhs.storage.count - rhs.start else { return false }
        return lhs.storage.withUnsafeBytes { l in
            rhs.storage.withUnsafeBytes { r in
                memcmpEqual(l.baseAddress! + lhs.start, r.baseAddress! + rhs.start, count)
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        storage.withUnsafeBytes { hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: $0[start...])) }
    }

    /// The wire length, root byte included.
    var wireCount: Int { storage.count - start }

    var labelCount: Int {
        var count = 0
        var index = start
        while storage[index] != 0 {
            count += 1
            index += Int(storage[index]) + 1
        }
        return count
    }

    var isRoot: Bool { storage[start] == 0 }

    /// The name without its first label, sharing this name's storage; the root's parent is nil.
    var parent: DomainName? {
        guard !isRoot else { return nil }
        return DomainName(storage: storage, start: start + Int(storage[start]) + 1)
    }

    /// The first label's bytes.
    var firstLabel: ArraySlice<UInt8> { storage[(start + 1)..<(start + 1 + Int(storage[start]))] }

    /// `label.self`
    func prepending(_ label: some Collection<UInt8>) -> DomainName? {
        guard (1...63).contains(label.count), wireCount + label.count + 1 <= 255 else { return nil }
        return DomainName(uncheckedWire: [UInt8(label.count)] + label.map(Self.lower) + wire)
    }

    /// Whether this name equals `zone` or lies below it.
    func isSubdomain(of zone: DomainName) -> Bool {
        let count = zone.wireCount
        guard wireCount >= count else { return false }
        let offset = storage.count - count
        let same = storage.withUnsafeBytes { l in
            zone.storage.withUnsafeBytes { r in memcmpEqual(l.baseAddress! + offset, r.baseAddress! + zone.start, count)
            }
        }
        guard same else { return false }
        // The match must start at a label boundary.
        var index = start
        while index < offset { index += Int(storage[index]) + 1 }
        return index == offset
    }

    /// `*.self`
    var wildcard: DomainName? { prepending([UInt8(ascii: "*")]) }

    var isWildcard: Bool { wireCount >= 3 && storage[start] == 1 && storage[start + 1] == UInt8(ascii: "*") }

    var description: String {
        if isRoot { return "." }
        var text = ""
        var index = start
        while storage[index] != 0 {
            let length = Int(storage[index])
            for byte in storage[(index + 1)...(index + length)] {
                if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "\\") {
                    text += "\\"
                }
                if byte > 0x20 && byte < 0x7F {
                    text.unicodeScalars.append(Unicode.Scalar(byte))
                } else {
                    text += "\\" + String(repeating: "0", count: byte < 10 ? 2 : byte < 100 ? 1 : 0) + String(byte)
                }
            }
            text += "."
            index += length + 1
        }
        return text
    }
}

/// Whether `count` bytes at `lhs` and `rhs` are equal.
@inline(__always)
private func memcmpEqual(_ lhs: UnsafeRawPointer, _ rhs: UnsafeRawPointer, _ count: Int) -> Bool {
    var index = 0
    while index + 8 <= count {
        guard
            lhs.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                == rhs.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        else { return false }
        index += 8
    }
    while index < count {
        guard lhs.load(fromByteOffset: index, as: UInt8.self) == rhs.load(fromByteOffset: index, as: UInt8.self)
        else { return false }
        index += 1
    }
    return true
}
