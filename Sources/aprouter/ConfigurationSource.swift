import AccessPointCore
import Foundation
import LabConfigurationLoader

/// Loads the lab file named on the command line, or the embedded default lab, and prints every problem.
enum ConfigurationSource {
    /// The configuration, or nil after printing each problem to standard error. Without a file, the embedded
    /// default lab, or with `networkLab` its network-lab form (`aprouter lab`).
    static func load(_ file: String?, networkLab: Bool = false) -> LabConfiguration? {
        let here = FileManager.default.currentDirectoryPath
        let result =
            file.map { LabConfigurationLoader.load(file: $0) }
            ?? (networkLab
                ? LabConfigurationLoader.networkLabDefault(baseDirectory: here)
                : LabConfigurationLoader.embeddedDefault(baseDirectory: here))
        switch result {
        case .success(let configuration):
            return configuration
        case .failure(let problems):
            var stderr = StandardError()
            for problem in problems.errors { print("error: \(problem)", to: &stderr) }
            let count = problems.errors.count
            print("\(count) problem\(count == 1 ? "" : "s") found; nothing was started.", to: &stderr)
            return nil
        }
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
