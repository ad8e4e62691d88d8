public import AccessPointCore
import Foundation

/// Reads a lab file, decodes and validates it, and resolves its directories against the file's own folder.
///
/// The I/O edge of configuration: the rules themselves live in `AccessPointCore` and run on plain values.
public enum LabConfigurationLoader {
    /// The configuration in `path`, or every problem in it, each naming the file.
    ///
    /// Beyond the core's rules this checks what needs the file system: every hosted zone's file exists.
    public static func load(file path: String) -> Result<LabConfiguration, ConfigurationProblems> {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason =
                FileManager.default.fileExists(atPath: path) ? "cannot be read as UTF-8 text" : "does not exist"
            return .failure(ConfigurationProblems([.unreadable.at("", "the file \(reason)")]).inFile(path))
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return load(yaml: text, baseDirectory: base).mapError { $0.inFile(path) }
    }

    /// The configuration in `yaml`, with relative directories resolved against `baseDirectory`.
    public static func load(yaml: String, baseDirectory: String) -> Result<LabConfiguration, ConfigurationProblems> {
        let root: ConfigNode
        do {
            root = try YAMLConfigNode.parse(yaml)
        } catch {
            return .failure(error)
        }
        return LabConfiguration.load(root).flatMap { resolved($0, against: baseDirectory) }
    }

    /// The embedded default lab, its directories resolved against `baseDirectory` (the working directory).
    public static func embeddedDefault(baseDirectory: String) -> Result<LabConfiguration, ConfigurationProblems> {
        resolved(.embeddedDefault, against: baseDirectory)
    }

    /// `LabConfiguration.networkLabDefault` with its directories resolved against `baseDirectory`: the lab
    /// `aprouter lab up` makes without --config.
    public static func networkLabDefault(baseDirectory: String) -> Result<LabConfiguration, ConfigurationProblems> {
        resolved(.networkLabDefault, against: baseDirectory)
    }

    private static func resolved(
        _ configuration: LabConfiguration,
        against base: String
    ) -> Result<LabConfiguration, ConfigurationProblems> {
        var config = configuration
        config.stateDir = absolute(config.stateDir, base)
        config.certsDir = absolute(config.certsDir, base)
        config.zonesDir = absolute(config.zonesDir, base)
        var missing = config.hostedZones.enumerated().compactMap { index, zone -> ConfigurationError? in
            let file = absolute(zone.file, config.zonesDir)
            guard !FileManager.default.fileExists(atPath: file) else { return nil }
            return .unreadable.at("hostedZones[\(index)].file", "zone file \(file) does not exist")
        }
        if let bundle = config.upstream.caBundle {
            let file = absolute(bundle, base)
            config.upstream.caBundle = file
            if !FileManager.default.isReadableFile(atPath: file) {
                missing.append(.unreadable.at("upstream.caBundle", "\(file) does not exist or cannot be read"))
            }
        }
        return missing.isEmpty ? .success(config) : .failure(ConfigurationProblems(missing))
    }

    /// The upstream resolvers `dns.forwarders` names: its addresses, or for `host` the nameservers of
    /// `resolvConf` (the host's /etc/resolv.conf). An unreadable file or one without a usable nameserver is a
    /// problem naming `dns.forwarders`, so the server does not start believing it can resolve.
    public static func forwarders(
        of configuration: LabConfiguration,
        resolvConf: String = "/etc/resolv.conf"
    ) -> Result<[ListenAddress], ConfigurationProblems> {
        switch configuration.dns.forwarders {
        case .addresses(let addresses):
            return .success(addresses)
        case .host:
            guard let text = try? String(contentsOfFile: resolvConf, encoding: .utf8) else {
                return .failure(
                    ConfigurationProblems([.unreadable.at("dns.forwarders", "host: cannot read \(resolvConf)")])
                )
            }
            let servers = ResolvConf.nameservers(in: text)
            guard !servers.isEmpty else {
                return .failure(
                    ConfigurationProblems([
                        .invalidValue.at("dns.forwarders", "host: \(resolvConf) names no nameserver by IP address")
                    ])
                )
            }
            return .success(servers)
        }
    }

    static func absolute(_ path: String, _ base: String) -> String {
        let url =
            path.hasPrefix("/")
            ? URL(fileURLWithPath: path)
            : URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: base, isDirectory: true))
        return url.standardizedFileURL.path
    }
}
