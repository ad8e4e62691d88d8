import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX file operations the store needs, each failing with a `LabPKIError` that names the path.
///
/// Writes go to a temporary file in the same directory, created with its final mode (so a key is never readable by
/// others, not even for an instant), flushed, then renamed over the target: a crash leaves the old file or the new
/// one, never half of either.
enum FileOperations {
    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    static func read(_ path: String) throws(LabPKIError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile.at(path, because: "cannot be read (check its permissions)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func makeDirectory(_ path: String) throws(LabPKIError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw .unwritableFile.at(path, because: "exists and is not a directory")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .unwritableFile.at(path, because: "the directory cannot be created (\(error))")
        }
    }

    /// Replaces `path` with `contents`, atomically, with exactly `mode` whatever the umask.
    static func writeAtomically(_ contents: String, to path: String, mode: mode_t) throws(LabPKIError) {
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else {
            throw .unwritableFile.at(path, because: "cannot create \(temporary): \(errorText())")
        }
        var failure: String?
        if fchmod(descriptor, mode) != 0 { failure = "cannot set its mode: \(errorText())" }
        let bytes = Array(contents.utf8)
        var offset = 0
        while failure == nil, offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                failure = "cannot write: \(errorText())"
            } else {
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = "cannot flush: \(errorText())" }
        if close(descriptor) != 0, failure == nil { failure = "cannot close: \(errorText())" }
        if failure == nil, rename(temporary, path) != 0 { failure = "cannot rename into place: \(errorText())" }
        if let failure {
            unlink(temporary)
            throw .unwritableFile.at(path, because: failure)
        }
    }

    /// The permission bits of `path`, or nil when it cannot be stat'ed.
    static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// Takes group and other access away from a key file that has it (copied around with `cp`, say).
    static func restrictToOwner(_ path: String) throws(LabPKIError) {
        guard let mode = mode(of: path), mode & 0o077 != 0 else { return }
        guard chmod(path, 0o600) == 0 else {
            throw .unwritableFile.at(path, because: "is readable by others and cannot be made 0600: \(errorText())")
        }
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
