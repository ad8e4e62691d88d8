import ArgumentParser

/// `aprouter`: Amazon S3 access points for any network. Wiring only; the logic lives in the library targets.
///
/// Not `@main`: main.swift runs it (see there why).
struct Aprouter: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "aprouter",
        abstract: "Amazon S3 access points for a lab, a laptop or a rack: control API, private DNS and HTTPS router.",
        version: version,
        subcommands: [Serve.self, Lab.self, Store.self, Config.self, Zone.self]
    )
}
