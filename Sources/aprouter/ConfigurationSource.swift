import AccessPointCore
import Foundation
import LabConfigurationLoader

/// Loads the lab file named on the command line, or the embedded default lab, and prints every problem.
enum ConfigurationSource {
    /// The configuration, or nil after printing each problem to standard error.
    static func load(_ file: String?) -> LabConfiguration? {
        let result =
            file.map { LabConfigurationLoader.load(file: $0) }
            ?? LabConfigurationLoader.embeddedDefault(baseDirectory: FileManager.default.currentDirectoryPath)
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
