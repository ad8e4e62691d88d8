import AccessPointCore
import Foundation

/// Loads the configured hosted zones from their files; all of them or none.
enum ZoneLoader {
    static func load(_ configuration: DNSServerConfiguration) throws(ZoneFileError) -> [ViewCatalog.HostedZone] {
        var loaded: [ViewCatalog.HostedZone] = []
        for hosted in configuration.hostedZones {
            let path =
                hosted.file.hasPrefix("/")
                ? hosted.file
                : URL(fileURLWithPath: configuration.zonesDirectory).appendingPathComponent(hosted.file).path
            let zone = try ZoneCheck.zone(path: path, origin: hosted.name)
            loaded.append(.init(zone: zone, vpcs: hosted.vpcs))
        }
        return loaded
    }
}

/// `aprouter zone check`: parse a zone file and apply the zone rules without serving it (like `nsd-checkzone`).
public enum ZoneCheck {
    /// What a valid zone file holds.
    public struct Summary: Sendable, Equatable {
        public var origin: String
        public var names: Int
        public var records: Int
        public var serial: UInt32
    }

    public static func check(path: String, origin: String) -> Result<Summary, ZoneFileError> {
        do {
            let zone = try zone(path: path, origin: origin)
            let records = zone.names.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.rdatas.count } }
            let rdata = zone.soa.rdatas.first ?? []
            let serialBytes = rdata.count >= 20 ? Array(rdata[(rdata.count - 20)..<(rdata.count - 16)]) : []
            let serial = serialBytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return .success(
                Summary(origin: zone.apex.description, names: zone.names.count, records: records, serial: serial)
            )
        } catch {
            return .failure(error)
        }
    }

    static func zone(path: String, origin: String) throws(ZoneFileError) -> Zone {
        guard let apex = DomainName(origin), !apex.isRoot else {
            throw .syntax.because("'\(origin)' is not a zone name", file: path)
        }
        let records = try ZoneFileReader(apex: apex).read(path: path)
        return try Zone(apex: apex, records: records, file: path)
    }
}
