/// A domain name in DNS wire form, lower-cased: length-prefixed labels ending with the root's zero byte.
///
/// Lower-casing once when a name is built makes comparison and hashing plain byte work on the lookup path
/// (DNS names compare case-insensitively, RFC 4343); answers echo the question's own case separately.
struct DomainName: Hashable, Sendable, CustomStringConvertible {
    /// Wire bytes, lower-cased ASCII letters, always ending with 0.
    private(set) var wire: [UInt8]

    static let root = DomainName(uncheckedWire: [0])

    init(uncheckedWire wire: [UInt8]) { self.wire = wire }

    /// From wire-format labels (no compression pointers), lower-casing them. Nil when malformed.
    init?(wireLabels bytes: some Collection<UInt8>) {
        var wire: [UInt8] = []
        wire.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let length = Int(bytes[index])
            guard length <= 63 else { return nil }
            wire.append(UInt8(length))
            if length == 0 { break }
            for _ in 0..<length {
                index = bytes.index(after: index)
                guard index != bytes.endIndex else { return nil }
                wire.append(Self.lower(bytes[index]))
            }
            index = bytes.index(after: index)
        }
        guard wire.last == 0, wire.count <= 255 else { return nil }
        self.wire = wire
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
        self.wire = wire
    }

    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    var labelCount: Int {
        var count = 0
        var index = 0
        while wire[index] != 0 {
            count += 1
            index += Int(wire[index]) + 1
        }
        return count
    }

    var isRoot: Bool { wire.count == 1 }

    /// The name without its first label; the root's parent is nil.
    var parent: DomainName? {
        guard !isRoot else { return nil }
        return DomainName(uncheckedWire: Array(wire[(Int(wire[0]) + 1)...]))
    }

    /// The first label's bytes.
    var firstLabel: ArraySlice<UInt8> { wire[1..<(1 + Int(wire[0]))] }

    /// `label.self`
    func prepending(_ label: some Collection<UInt8>) -> DomainName? {
        guard (1...63).contains(label.count), wire.count + label.count + 1 <= 255 else { return nil }
        return DomainName(uncheckedWire: [UInt8(label.count)] + label.map(Self.lower) + wire)
    }

    /// Whether this name equals `zone` or lies below it.
    func isSubdomain(of zone: DomainName) -> Bool {
        guard wire.count >= zone.wire.count else { return false }
        let offset = wire.count - zone.wire.count
        guard wire[offset...].elementsEqual(zone.wire) else { return false }
        // The match must start at a label boundary.
        var index = 0
        while index < offset { index += Int(wire[index]) + 1 }
        return index == offset
    }

    /// `*.self`
    var wildcard: DomainName? { prepending([UInt8(ascii: "*")]) }

    var isWildcard: Bool { wire.count >= 3 && wire[0] == 1 && wire[1] == UInt8(ascii: "*") }

    var description: String {
        if isRoot { return "." }
        var text = ""
        var index = 0
        while wire[index] != 0 {
            let length = Int(wire[index])
            for byte in wire[(index + 1)...(index + length)] {
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
