import AccessPointCore
import ArgumentParser
import LabConfigurationLoader

/// `aprouter config …`: configuration tools that bind nothing, in the spirit of `nsd-checkconf`.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check and print lab configurations.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a lab file and print the resolved configuration, or every problem in it.",
            discussion: """
                With no FILE, prints the embedded default lab that `aprouter serve` uses without --config: \
                a starting point for a lab file of your own. Exits 1 when the file has problems.
                """
        )

        @Argument(help: "The lab file (YAML). Omit it to check the embedded default lab.")
        var file: String?

        @Flag(help: "Print secret access keys instead of <redacted>.")
        var showSecrets = false

        func run() throws {
            guard let configuration = ConfigurationSource.load(file) else { throw ExitCode(1) }
            print("# \(file ?? "embedded default lab"): OK")
            print(LabConfigurationRenderer.yaml(configuration, showSecrets: showSecrets), terminator: "")
        }
    }
}
