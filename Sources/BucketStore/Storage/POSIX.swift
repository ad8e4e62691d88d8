#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: which one, on which path, and `errno`.
struct FileSystemError: Error, CustomStringConvertible {
    var operation: String
    var path: String
    var code: Int32

    var isNotFound: Bool { code == ENOENT }
    var description: String { "\(operation) \(path): errno \(code)" }
}

/// An open file descriptor, closed when the last reference goes away, so a response body the client abandons
/// half-way never leaks it.
final class OpenFile: Sendable {
    let descriptor: Int32
    let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { _ = close(descriptor) }

    static func openForReading(_ path: String) throws(FileSystemError) -> OpenFile {
        OpenFile(descriptor: try POSIX.open(path, O_RDONLY | O_CLOEXEC), path: path)
    }

    /// Creates `path`, which must not exist yet (temporary names are random; `O_EXCL` makes a clash an error).
    static func create(_ path: String) throws(FileSystemError) -> OpenFile {
        OpenFile(descriptor: try POSIX.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: 0o644), path: path)
    }

    var size: Int64 {
        get throws(FileSystemError) {
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { throw POSIX.failure("fstat", path) }
            return Int64(info.st_size)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(FileSystemError) {
        guard let base = bytes.baseAddress else { return }
        var written = 0
        while written < bytes.count {
            let result = systemWrite(descriptor, base + written, bytes.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                throw POSIX.failure("write", path)
            }
            written += result
        }
    }

    func write(_ bytes: [UInt8]) throws(FileSystemError) {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(FileSystemError) in try write(raw) } }
        try result.get()
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; fewer only at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var total = 0
        while total < buffer.count {
            let result = pread(descriptor, base + total, buffer.count - total, off_t(offset) + off_t(total))
            if result < 0 {
                if errno == EINTR { continue }
                throw POSIX.failure("pread", path)
            }
            if result == 0 { break }
            total += result
        }
        return total
    }

    func read(count: Int, at offset: Int64) throws(FileSystemError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let read = try bytes.withUnsafeMutableBytes { raw in
            Result { () throws(FileSystemError) in try self.read(into: raw, at: offset) }
        }.get()
        guard read == count else { throw FileSystemError(operation: "short read", path: path, code: EIO) }
        return bytes
    }

    func synchronize() throws(FileSystemError) {
        guard fsync(descriptor) == 0 else { throw POSIX.failure("fsync", path) }
    }
}

/// The handful of blocking system calls the store makes, each retried on `EINTR` and turned into a
/// `FileSystemError`. Callers on the request path run them on `NIOThreadPool` (see `Blocking`).
enum POSIX {
    static func failure(_ operation: String, _ path: String) -> FileSystemError {
        FileSystemError(operation: operation, path: path, code: errno)
    }

    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(FileSystemError) -> Int32 {
        while true {
            let descriptor = systemOpen(path, flags, mode)
            if descriptor >= 0 { return descriptor }
            if errno != EINTR { throw failure("open", path) }
        }
    }

    static func rename(_ from: String, _ to: String) throws(FileSystemError) {
        guard systemRename(from, to) == 0 else { throw failure("rename", to) }
    }

    /// Removes a file; a file that is already gone is not an error.
    static func unlink(_ path: String) throws(FileSystemError) {
        guard systemUnlink(path) == 0 || errno == ENOENT else { throw failure("unlink", path) }
    }

    /// Creates a directory; one that already exists is fine.
    static func makeDirectory(_ path: String) throws(FileSystemError) {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw failure("mkdir", path) }
    }

    /// Makes renames and unlinks inside `path` durable (a rename is only on disk once its directory is).
    static func synchronizeDirectory(_ path: String) throws(FileSystemError) {
        let descriptor = try open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { _ = close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("fsync", path) }
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The names in a directory, without `.` and `..`.
    static func listDirectory(_ path: String) throws(FileSystemError) -> [String] {
        guard let directory = opendir(path) else { throw failure("opendir", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: pointer.pointee)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes `path` and, if it is a directory, everything below it. Symbolic links are removed, not followed.
    static func removeTree(_ path: String) throws(FileSystemError) {
        if isDirectory(path) {
            for name in try listDirectory(path) { try removeTree(path + "/" + name) }
            guard rmdir(path) == 0 || errno == ENOENT else { throw failure("rmdir", path) }
        } else {
            try unlink(path)
        }
    }

    /// Wall-clock milliseconds since 1970 (S3 timestamps are UTC with millisecond precision).
    static func nowMilliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}

// The C functions whose names the Swift wrappers above reuse.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
private func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
private func systemUnlink(_ path: String) -> Int32 { unlink(path) }
