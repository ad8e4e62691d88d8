public import AccessPointCore

/// The listeners' answer path without sockets (parse, choose the view, look up, encode), for `aprouter-bench
/// dns-answer`: it measures the instructions and allocations one query costs the server's own code, apart from
/// NIO's socket work. Answers one query at a time, exactly as a UDP listener does.
@_spi(Benchmarks)
public final class DNSAnswerer {
    private let responder: Responder
    private var workspace = DNSWorkspace()

    /// Loads the configuration's zone files and synthesises its zones from `snapshot`, as `DNSServer` does.
    public init(configuration: DNSServerConfiguration, snapshot: AccessPointSnapshot = .empty) throws(ZoneFileError) {
        let synthesis = SynthesizedZones(
            routerAddress: configuration.routerAddress,
            regions: configuration.regions,
            accounts: configuration.accounts
        )
        let zones = try ZoneLoader.load(configuration)
        responder = Responder(catalog: DNSServer.catalog(zones, configuration, synthesis, snapshot))
    }

    /// Answers `query` (a DNS message in wire form) from `source` as over UDP; the length of the response, 0
    /// when the message deserves none. The bytes are in `response` until the next call.
    public func answer(_ query: UnsafeRawBufferPointer, from source: IPAddress) -> Int {
        guard case .response = responder.respond(to: query, from: source, overTCP: false, using: &workspace) else {
            return 0
        }
        return workspace.writer.bytes.count
    }

    /// The last response.
    public var response: [UInt8] { workspace.response }
}
