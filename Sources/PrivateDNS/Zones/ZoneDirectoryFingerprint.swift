import Foundation

/// A cheap summary of the zone directory (each regular file's name, size and modification time), compared
/// between polls to notice edits, added files and removed files, `$INCLUDE`d ones included.
///
/// Polling rather than inotify: it works the same on every platform and file system (bind mounts, NFS, editors
/// that replace files), and a stat of a handful of files once a second costs nothing measurable.
struct ZoneDirectoryFingerprint: Equatable, Sendable {
    private var entries: [String: [Int64]] = [:]

    init(directory: String) {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: directory) else { return }
        for case let relative as String in enumerator {
            let path = directory + "/" + relative
            guard let attributes = try? manager.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType == .typeRegular
            else { continue }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let modified =
                (attributes[.modificationDate] as? Date).map { Int64($0.timeIntervalSince1970 * 1_000_000) } ?? -1
            entries[relative] = [size, modified]
        }
    }
}
