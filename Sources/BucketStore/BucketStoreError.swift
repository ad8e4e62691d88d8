/// Why the embedded store could not start: a bucket name it refuses to use as a directory, or a file system call
/// that failed (with its path and `errno`). Equal by code only, like every error of the project.
public struct BucketStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case invalidBucketName
        case fileSystem
    }

    private let code: Code
    /// What went wrong, naming the bucket or path.
    public let reason: String

    public static let invalidBucketName = BucketStoreError(code: .invalidBucketName, reason: "invalid bucket name")
    public static let fileSystem = BucketStoreError(code: .fileSystem, reason: "file system error")

    func because(_ reason: String) -> BucketStoreError { BucketStoreError(code: code, reason: reason) }

    public var description: String { "\(code.rawValue): \(reason)" }
    public static func == (lhs: BucketStoreError, rhs: BucketStoreError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
