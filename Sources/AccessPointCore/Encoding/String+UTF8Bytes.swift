extension String {
    /// Calls `body` with the string's UTF-8 bytes, read in place for a native or small string (every string these
    /// servers make), and from a copy only for any other.
    ///
    /// `withUTF8` is `mutating`: calling it on a `let` means `var copy = text` first, a retain and a release of the
    /// string's storage for every call. The request path reads field names and values, queries and ARNs this way
    /// dozens of times a request; this reads them where they are.
    @inlinable
    public func withUTF8Bytes<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try UTF8Bytes.read(utf8, body)
    }
}

extension Substring {
    /// ``Swift/String/withUTF8Bytes(_:)`` for a slice: in place when its base is native or small.
    @inlinable
    public func withUTF8Bytes<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try UTF8Bytes.read(utf8, body)
    }
}

@usableFromInline
enum UTF8Bytes {
    /// `body` over `view`'s contiguous bytes, or over a copy of them when they are not contiguous (a bridged
    /// string). The standard library's calls rethrow untyped errors: the typed one is carried out beside them.
    @inlinable
    static func read<View: Collection<UInt8>, Result, Failure: Error>(
        _ view: View,
        _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var failure: Failure?
        func attempt(_ bytes: UnsafeBufferPointer<UInt8>) -> Result? {
            do throws(Failure) {
                return try body(bytes)
            } catch {
                failure = error
                return nil
            }
        }
        let result: Result?
        if let inPlace = view.withContiguousStorageIfAvailable(attempt) {
            result = inPlace
        } else {
            result = Array(view).withUnsafeBufferPointer(attempt)
        }
        if let failure { throw failure }
        return result!
    }
}
