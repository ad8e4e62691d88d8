import AccessPointCore
import ArgumentParser
import BucketStore
import Foundation
import Logging
import S3Auth
import S3HTTP
import ServiceLifecycle
import StoreServer
import UnixSignals

/// `aprouter store …`: the embedded bucket store on its own, for tools that want an S3-compatible server.
struct Store: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the embedded bucket store alone.",
        subcommands: [Serve.self]
    )

    /// `aprouter store serve`: the buckets under `--dir` over plain HTTP, every request SigV4-signed with one of
    /// the given keys; stops gracefully on SIGTERM or SIGINT.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the embedded bucket store as an S3-compatible endpoint (plain HTTP, SigV4 required).",
            discussion: """
                Each directory under --dir whose name is an S3 bucket name is a bucket; --bucket adds (and creates) \
                more. Requests may be path-style (http://127.0.0.1:9000/BUCKET/KEY) or virtual-hosted \
                (http://BUCKET.localhost:9000/KEY). Example:
                  aprouter store serve --dir ./data --bucket reports --listen 127.0.0.1:9000 \\
                    --credential AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
                  aws s3api put-object --endpoint-url http://127.0.0.1:9000 --bucket reports --key a.txt --body a.txt
                """
        )

        @Option(help: "The store's directory: one subdirectory per bucket.")
        var dir: String

        @Option(help: "IP address and port to listen on, e.g. 127.0.0.1:9000 or [::1]:9000 (port 0: any free port).")
        var listen: String = "127.0.0.1:9000"

        @Option(
            name: .customLong("credential"),
            help: "An access key allowed to sign requests, as ACCESS_KEY_ID:SECRET_ACCESS_KEY (repeatable)."
        )
        var credentials: [String] = []

        @Option(
            help: "A file of ACCESS_KEY_ID:SECRET_ACCESS_KEY lines (# comments); keeps secrets off the command line."
        )
        var credentialsFile: String?

        @Option(name: .customLong("bucket"), help: "A bucket to serve, created under --dir if missing (repeatable).")
        var buckets: [String] = []

        @Option(
            help:
                "The only region signatures may name, and the buckets' region (GetBucketLocation, HeadBucket). Default: whatever region the client signs for."
        )
        var region: String?

        @Option(
            name: .customLong("domain"),
            help: "A Host BUCKET.DOMAIN is a virtual-hosted request for BUCKET (repeatable; default: localhost)."
        )
        var domains: [String] = []

        @Option(help: "Log level.")
        var logLevel: LogLevel = .info

        func validate() throws {
            guard ListenAddress(listen) != nil else {
                throw ValidationError("--listen: '\(listen)' is not an address like 127.0.0.1:9000 or [::1]:9000")
            }
            if let invalid = buckets.first(where: { !EmbeddedBucketStore.isValidBucketName($0) }) {
                throw ValidationError(
                    "--bucket: '\(invalid)' is not an S3 bucket name (3–63 of a-z, 0-9, '.', '-', starting and ending with a letter or digit)"
                )
            }
            for credential in credentials {
                if case .failure(let error) = StoreCredentials.parse(credential) {
                    throw ValidationError("--credential: \(error)")
                }
            }
            if credentials.isEmpty, credentialsFile == nil {
                throw ValidationError(
                    "--credential or --credentials-file: at least one access key is required (anonymous requests are refused)"
                )
            }
            if let region, (try? Region(validating: region)) == nil {
                throw ValidationError("--region: '\(region)' is not a region like us-east-1")
            }
        }

        func run() async throws {
            MemoryTuning.apply()
            ThreadTuning.apply()
            var stderr = StandardError()
            var keys = credentials.compactMap { try? StoreCredentials.parse($0).get() }
            if let credentialsFile {
                let text: String
                do {
                    text = try String(contentsOfFile: credentialsFile, encoding: .utf8)
                } catch {
                    print(
                        "error: --credentials-file: cannot read \(credentialsFile): \(error.localizedDescription)",
                        to: &stderr
                    )
                    throw ExitCode(64)
                }
                switch StoreCredentials.parseFile(text) {
                case .success(let parsed) where parsed.isEmpty:
                    print(
                        "error: --credentials-file: \(credentialsFile) holds no ACCESS_KEY_ID:SECRET_ACCESS_KEY line",
                        to: &stderr
                    )
                    throw ExitCode(64)
                case .success(let parsed):
                    keys += parsed
                case .failure(let error):
                    print("error: --credentials-file: \(credentialsFile): \(error)", to: &stderr)
                    throw ExitCode(64)
                }
            }
            guard let address = ListenAddress(listen) else { throw ExitCode(64) }  // validate() said why
            let names = Array(Set(EmbeddedBucketStore.existingBuckets(in: dir) + buckets)).sorted()
            guard !names.isEmpty else {
                print("error: --dir: \(dir) holds no bucket directory; name one with --bucket NAME", to: &stderr)
                throw ExitCode(64)
            }
            let store: EmbeddedBucketStore
            do {
                store = try EmbeddedBucketStore(directory: dir, buckets: names)
            } catch {
                print("error: the bucket store in \(dir): \(error)\nNothing was started.", to: &stderr)
                throw ExitCode(1)
            }
            let logger = Logging.makeLogger(level: logLevel.level)
            let configuration = StoreServerConfiguration(
                listen: address,
                credentials: StaticCredentialLookup(keys),
                region: region.map { .exactly($0) } ?? .any,
                domains: domains.isEmpty ? ["localhost"] : domains,
                buckets: names,
                started: Self.now()
            )
            let server = StoreServer(
                handler: StoreRequestHandler(
                    configuration: configuration,
                    store: store,
                    requestIDs: RandomS3RequestIDGenerator(),
                    clock: Self.now
                ),
                logger: logger
            )
            logger.notice(
                "aprouter \(Aprouter.version) store: \(names.count) bucket\(names.count == 1 ? "" : "s") (\(names.joined(separator: ", "))) from \(dir) over plain HTTP on \(listen), path-style and virtual-hosted (BUCKET.\(configuration.domains.joined(separator: ", BUCKET."))); every request must be SigV4-signed by one of \(keys.count) access key\(keys.count == 1 ? "" : "s")"
            )
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: server)],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            try await group.run()
        }

        @Sendable static func now() -> AmzDate {
            AmzDate(secondsSince1970: Int64(Date().timeIntervalSince1970))
        }
    }
}
