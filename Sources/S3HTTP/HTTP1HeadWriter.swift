public import NIOCore

/// Writes an HTTP/1.1 head (a start line, field lines, the empty line) straight into a `ByteBuffer`'s memory, in one
/// write sized beforehand. Through `writeString` and `writeStaticString` each piece checked the buffer's uniqueness,
/// capacity and exclusive access again: about 290 instructions a piece, 1,150 a field line (callgrind,
/// `router-request upstream-answer`). The servers' responses and the store client's requests are written with it.
///
/// Valid only inside ``NIOCore/ByteBuffer/writeHTTP1Head(capacity:_:)``'s closure; every write is checked against
/// the capacity given there.
public struct HTTP1HeadWriter {
    private let memory: UnsafeMutableRawBufferPointer
    /// Bytes written so far.
    public private(set) var count = 0

    @usableFromInline
    init(_ memory: UnsafeMutableRawBufferPointer) { self.memory = memory }

    /// The bytes `name: value` CR LF takes.
    @inlinable
    public static func size(name: String, value: String) -> Int { name.utf8.count + value.utf8.count + 4 }

    /// Releases nothing (`@_effects(releasenone)`): a caller writing strings it holds in an array or a struct need
    /// not retain them around the copy.
    @_effects(releasenone)
    public mutating func write(_ text: String) {
        if let written = text.utf8.withContiguousStorageIfAvailable({ write(UnsafeRawBufferPointer($0)) }) {
            return written
        }
        for byte in text.utf8 { write(byte: byte) }
    }

    public mutating func write(_ text: StaticString) {
        write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    public mutating func write(byte: UInt8) {
        precondition(count < memory.count, "an HTTP/1.1 head outgrew the room sized for it")
        memory[count] = byte
        count += 1
    }

    @_effects(releasenone)
    public mutating func write(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= memory.count - count, "an HTTP/1.1 head outgrew the room sized for it")
        UnsafeMutableRawBufferPointer(rebasing: memory[count..<(count + bytes.count)]).copyMemory(from: bytes)
        count += bytes.count
    }

    /// `name: value` CR LF; both must have been checked (`HTTPFieldSyntax`). It releases nothing, and says so
    /// (`@_effects(releasenone)`): a caller's loop over the fields it holds in an array hands each over without
    /// retaining and releasing its two strings around the call.
    @_effects(releasenone)
    public mutating func writeField(name: String, value: String) {
        let written: Bool?? = name.utf8.withContiguousStorageIfAvailable { name in
            value.utf8.withContiguousStorageIfAvailable { value in append(name: name, value: value, checking: false) }
        }
        guard let written, written != nil else { return writeSlowly(name: name, value: value) }
    }

    /// `name: value` CR LF if the name is a token and the value has no control character (`HTTPFieldSyntax`),
    /// checked in the same pass over their bytes as the copy; false, and nothing written, otherwise. Releases
    /// nothing, like ``writeField(name:value:)``.
    @_effects(releasenone)
    public mutating func writeCheckedField(name: String, value: String) -> Bool {
        let written: Bool?? = name.utf8.withContiguousStorageIfAvailable { name in
            value.utf8.withContiguousStorageIfAvailable { value in append(name: name, value: value, checking: true) }
        }
        if let written, let written { return written }
        guard !name.isEmpty, HTTPFieldSyntax.isValidName(name), HTTPFieldSyntax.isValidValue(value) else {
            return false
        }
        writeSlowly(name: name, value: value)
        return true
    }

    /// A field of strings whose bytes are not contiguous (only Objective-C bridging makes such), byte by byte.
    private mutating func writeSlowly(name: String, value: String) {
        write(name)
        write(": ")
        write(value)
        write("\r\n")
    }

    /// It only copies bytes, and says so (`@_effects(releasenone)`): a caller's loop over fields held in an array
    /// then hands over each field's bytes without retaining and releasing its two strings around the call.
    @_effects(releasenone)
    private mutating func append(
        name: UnsafeBufferPointer<UInt8>,
        value: UnsafeBufferPointer<UInt8>,
        checking: Bool
    ) -> Bool {
        if checking {
            guard !name.isEmpty, HTTPFieldSyntax.isValidName(UnsafeRawBufferPointer(name)),
                HTTPFieldSyntax.isValidValue(UnsafeRawBufferPointer(value))
            else { return false }
        }
        // One check of the room for the four parts; the separators are stored, not copied.
        let size = name.count + value.count + 4
        precondition(size <= memory.count - count, "an HTTP/1.1 head outgrew the room sized for it")
        let start = memory.baseAddress! + count
        if name.count > 0 { start.copyMemory(from: name.baseAddress!, byteCount: name.count) }
        start.storeBytes(of: UInt16(0x203A).littleEndian, toByteOffset: name.count, as: UInt16.self)  // ": "
        if value.count > 0 {
            (start + name.count + 2).copyMemory(from: value.baseAddress!, byteCount: value.count)
        }
        start.storeBytes(of: UInt16(0x0A0D).littleEndian, toByteOffset: size - 2, as: UInt16.self)  // CR LF
        count += size
        return true
    }
}

extension ByteBuffer {
    /// Writes up to `capacity` bytes of a head through `body`, in one write into the buffer's memory. When `body`
    /// throws, what it wrote stays written: the caller discards the buffer. Inlinable, so that each caller's
    /// closure and error type are specialized in its own module rather than called through generic code.
    @inlinable
    public mutating func writeHTTP1Head<E: Error>(
        capacity: Int,
        _ body: (inout HTTP1HeadWriter) throws(E) -> Void
    ) throws(E) {
        var failure: E?
        writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { memory in
            var writer = HTTP1HeadWriter(UnsafeMutableRawBufferPointer(rebasing: memory[..<capacity]))
            do throws(E) {
                try body(&writer)
            } catch {
                failure = error
            }
            return writer.count
        }
        if let failure { throw failure }
    }
}
