import AccessPointCore
import ArgumentParser

/// `aprouter serve`: validates the whole configuration before anything binds, then runs the servers.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the DNS emulator, HTTPS router and control API for a lab."
    )

    @Option(name: .shortAndLong, help: "The lab file (YAML). Without it, the embedded default lab is used.")
    var config: String?

    func run() throws {
        guard let configuration = ConfigurationSource.load(config) else { throw ExitCode(1) }
        // No server is built yet. Say exactly that, and fail, rather than pretend to serve.
        var stderr = StandardError()
        print(
            """
            aprouter serve: the configuration is valid (\(configuration.accounts.count) account(s), \
            \(configuration.vpcs.count) VPC(s), \(configuration.buckets.count) bucket(s)).
            aprouter serve: no server is built into aprouter \(Aprouter.version) yet; the DNS emulator, the HTTPS \
            router and the control API are still to come (see README.md, "Status"). Nothing is listening.
            """,
            to: &stderr
        )
        throw ExitCode(1)
    }
}
