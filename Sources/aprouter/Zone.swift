import ArgumentParser
import PrivateDNS

/// `aprouter zone …`: zone file tools that serve nothing, like `nsd-checkzone`.
struct Zone: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check zone files.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse a zone file with ldns and apply the zone rules; print a summary or the first error."
        )

        @Argument(help: "The zone file (RFC 1035 master format).")
        var file: String

        @Option(help: "The zone's name. Default: the file name without its .zone suffix.")
        var origin: String?

        func run() throws {
            let name = origin ?? Self.defaultOrigin(file)
            switch ZoneCheck.check(path: file, origin: name) {
            case .success(let summary):
                print(
                    "\(file): zone \(summary.origin) is OK: \(summary.names) names, \(summary.records) records, serial \(summary.serial)"
                )
            case .failure(let error):
                var stderr = StandardError()
                print("error: \(error)", to: &stderr)
                throw ExitCode(1)
            }
        }

        static func defaultOrigin(_ file: String) -> String {
            let base = file.split(separator: "/").last.map(String.init) ?? file
            return base.hasSuffix(".zone") ? String(base.dropLast(5)) : base
        }
    }
}
