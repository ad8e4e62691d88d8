import AccessPointCore

/// RDATA in wire form for the record types the emulator writes itself.
enum RecordData {
    static func address(_ address: IPAddress) -> (RecordType, [UInt8]) {
        switch address {
        case .v4(let v4):
            return (.a, withUnsafeBytes(of: v4.value.bigEndian, Array.init))
        case .v6(let v6):
            return (
                .aaaa,
                withUnsafeBytes(of: v6.high.bigEndian, Array.init) + withUnsafeBytes(of: v6.low.bigEndian, Array.init)
            )
        }
    }

    static func name(_ name: DomainName) -> [UInt8] { Array(name.wire) }

    /// SOA: MNAME, RNAME, SERIAL, REFRESH, RETRY, EXPIRE, MINIMUM (RFC 1035 §3.3.13).
    static func soa(
        primary: DomainName,
        mailbox: DomainName,
        serial: UInt32,
        refresh: UInt32,
        retry: UInt32,
        expire: UInt32,
        minimum: UInt32
    ) -> [UInt8] {
        var bytes = Array(primary.wire) + mailbox.wire
        for value in [serial, refresh, retry, expire, minimum] {
            withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}
