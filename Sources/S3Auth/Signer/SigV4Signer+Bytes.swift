import AccessPointCore
import Crypto

// `SigV4Signer.sign` on bytes: the router signs every request it forwards, so the usual case (every header name
// ASCII) writes the canonical request, the string to sign and the `Authorization` value straight into buffers,
// with the signed names lower-cased once into a scratch area and sorted there, instead of building Strings and
// arrays. `SigV4SignerTests` holds it to the String-built `CanonicalRequest` and `StringToSign`.
extension SigV4Signer {
    /// What ``sign(_:payloadHash:now:)`` returns, built on bytes; `nil` when a header name is not ASCII or the
    /// year of `now` is outside 0...9999, which the general route handles.
    func signedOnBytes(_ request: SigV4Request, payloadHash: String, now: AmzDate) -> SigV4Request? {
        var stamp: (UInt64, UInt64) = (0, 0)
        let dated = withUnsafeMutableBytes(of: &stamp) {
            now.writeISO8601Basic(to: $0.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self))
        }
        guard dated else { return nil }
        return withUnsafeBytes(of: stamp) { stamp in
            signedOnBytes(request, payloadHash: payloadHash, stamp: stamp.bindMemory(to: UInt8.self))
        }
    }

    /// ``signedOnBytes(_:payloadHash:now:)`` with `stamp` the 16 bytes of the time's `x-amz-date` form.
    private func signedOnBytes(
        _ request: SigV4Request,
        payloadHash: String,
        stamp: UnsafeBufferPointer<UInt8>
    ) -> SigV4Request? {
        // The headers kept (all but the three replaced), with room for the three added; and how many bytes their
        // names and values hold.
        var headers: [HTTPField] = []
        headers.reserveCapacity(request.headers.count + 3)
        var headerBytes = 0
        for header in request.headers {
            let name = header.name
            let kept: Bool? = name.withUTF8Bytes { name in
                guard HeaderName.isASCII(UnsafeRawBufferPointer(name)) else { return nil }
                return
                    !(Self.folded(name, equals: "authorization") || Self.folded(name, equals: "x-amz-date")
                    || Self.folded(name, equals: "x-amz-content-sha256"))
            }
            guard let kept else { return nil }
            if kept {
                headers.append(header)
                headerBytes += header.name.utf8.count + header.value.utf8.count
            }
        }
        let date = String(unsafeUninitializedCapacity: 16) { buffer in
            _ = buffer.initialize(fromContentsOf: stamp)
            return 16
        }
        headers.append(HTTPField(name: "x-amz-date", value: date))
        headers.append(HTTPField(name: "x-amz-content-sha256", value: payloadHash))
        headerBytes += 10 + 16 + 20 + payloadHash.utf8.count

        var query: [UInt8] = []
        if !request.query.isEmpty,
            !CanonicalQuery.appendRaw(request.query, omittingSignature: false, to: &query)
        {
            CanonicalQuery.append(request.queryParts, omittingSignature: false, to: &query)
        }
        // Scratch: the lower-cased names (at most `headerBytes`), then the canonical request, later overwritten by
        // the string to sign.
        let scopeCount = 8 + 1 + region.utf8.count + 1 + service.utf8.count + 13
        let canonicalCapacity =
            request.method.utf8.count + request.path.utf8.count + query.count + payloadHash.utf8.count
            + 2 * headerBytes + 4 * headers.count + 8
        let stringToSignCapacity = StringToSign.algorithm.utf8.count + 1 + 16 + 1 + scopeCount + 1 + 64
        let scratchCapacity = headerBytes + max(canonicalCapacity, stringToSignCapacity)

        let authorization: String = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scratchCapacity) {
            scratch in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * headers.count) { entries in
                let base = scratch.baseAddress.unsafelyUnwrapped
                // Each signed header as (start of its lower-cased name in scratch, length, index in `headers`),
                // sorted by name, headers of the same name in arrival order.
                var signed = 0
                var names = ByteWriter(base)
                for index in headers.indices {
                    let name = headers[index].name
                    let start = names.count
                    names.lowercased(name)
                    let lowered = UnsafeBufferPointer(start: base + start, count: names.count - start)
                    if Self.isUnsigned(lowered) {
                        names.count = start
                        continue
                    }
                    var slot = signed
                    while slot > 0,
                        Self.precedes(
                            lowered,
                            UnsafeBufferPointer(start: base + entries[3 * slot - 3], count: entries[3 * slot - 2])
                        )
                    {
                        entries[3 * slot] = entries[3 * slot - 3]
                        entries[3 * slot + 1] = entries[3 * slot - 2]
                        entries[3 * slot + 2] = entries[3 * slot - 1]
                        slot -= 1
                    }
                    entries[3 * slot] = start
                    entries[3 * slot + 1] = lowered.count
                    entries[3 * slot + 2] = index
                    signed += 1
                }
                func name(_ entry: Int) -> UnsafeBufferPointer<UInt8> {
                    UnsafeBufferPointer(start: base + entries[3 * entry], count: entries[3 * entry + 1])
                }

                // The canonical request.
                let canonicalBase = base + names.count
                var out = ByteWriter(canonicalBase)
                let newline = UInt8(ascii: "\n")
                out.string(request.method)
                out.byte(newline)
                if request.path.isEmpty { out.byte(UInt8(ascii: "/")) } else { out.string(request.path) }
                out.byte(newline)
                query.withUnsafeBufferPointer { out.bytes($0) }
                out.byte(newline)
                for entry in 0..<signed {
                    let current = name(entry)
                    if entry > 0, Self.same(current, name(entry - 1)) {
                        out.byte(UInt8(ascii: ","))
                    } else {
                        if entry > 0 { out.byte(newline) }
                        out.bytes(current)
                        out.byte(UInt8(ascii: ":"))
                    }
                    let value = headers[entries[3 * entry + 2]].value
                    out.canonicalValue(of: value)
                }
                if signed > 0 { out.byte(newline) }
                out.byte(newline)
                var signedHeadersCount = 0
                for entry in 0..<signed where entry == 0 || !Self.same(name(entry), name(entry - 1)) {
                    if entry > 0 { out.byte(UInt8(ascii: ";")) }
                    out.bytes(name(entry))
                    signedHeadersCount += (entry > 0 ? 1 : 0) + entries[3 * entry + 1]
                }
                out.byte(newline)
                out.string(payloadHash)
                let hash = SHA256State.digest(of: UnsafeRawBufferPointer(start: canonicalBase, count: out.count))

                // The string to sign, over the canonical request.
                let stringToSignBase = canonicalBase
                out = ByteWriter(stringToSignBase)
                out.string(StringToSign.algorithm)
                out.byte(newline)
                out.bytes(stamp)
                out.byte(newline)
                let scopeStart = out.count
                out.bytes(UnsafeBufferPointer(rebasing: stamp[0..<8]))
                out.byte(UInt8(ascii: "/"))
                out.string(region)
                out.byte(UInt8(ascii: "/"))
                out.string(service)
                out.literal("/aws4_request")
                let scopeBytes = UnsafeBufferPointer(
                    start: stringToSignBase + scopeStart,
                    count: out.count - scopeStart
                )
                out.byte(newline)
                hash.withUnsafeBytes { out.hex($0) }
                let scope = CredentialScope(
                    date: String(decoding: UnsafeBufferPointer(rebasing: stamp[0..<8]), as: UTF8.self),
                    region: region,
                    service: service
                )
                let mac = signingKey(for: scope).authenticationCode(
                    for: UnsafeRawBufferPointer(start: stringToSignBase, count: out.count)
                )

                let capacity =
                    StringToSign.algorithm.utf8.count + 12 + accessKeyID.utf8.count + 1 + scopeBytes.count + 16
                    + signedHeadersCount + 12 + 64
                return String(unsafeUninitializedCapacity: capacity) { buffer in
                    var out = ByteWriter(buffer.baseAddress.unsafelyUnwrapped)
                    out.string(StringToSign.algorithm)
                    out.literal(" Credential=")
                    out.string(accessKeyID)
                    out.byte(UInt8(ascii: "/"))
                    out.bytes(scopeBytes)
                    out.literal(", SignedHeaders=")
                    for entry in 0..<signed where entry == 0 || !Self.same(name(entry), name(entry - 1)) {
                        if entry > 0 { out.byte(UInt8(ascii: ";")) }
                        out.bytes(name(entry))
                    }
                    out.literal(", Signature=")
                    mac.withUnsafeBytes { out.hex($0) }
                    return out.count
                }
            }
        }
        headers.append(HTTPField(name: "Authorization", value: authorization))
        var signed = request
        signed.headers = headers
        return signed
    }

    /// Whether the ASCII `name` equals the lower-case `literal` with `A-Z` folded.
    private static func folded(_ name: UnsafeBufferPointer<UInt8>, equals literal: StaticString) -> Bool {
        guard name.count == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { literal in
            for index in 0..<name.count where HeaderName.lowercased(name[index]) != literal[index] { return false }
            return true
        }
    }

    /// Whether two names are the same bytes.
    private static func same(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        lhs.count == rhs.count && HeaderName.sameBytes(lhs, rhs)
    }

    /// Whether `lhs` sorts before `rhs`, byte by byte (String order for ASCII).
    private static func precedes(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(lhs.count, rhs.count)
        for index in 0..<common where lhs[index] != rhs[index] { return lhs[index] < rhs[index] }
        return lhs.count < rhs.count
    }
}

/// Writes bytes forward from a pointer into memory sized beforehand; the signer's and verifier's byte builders.
struct ByteWriter {
    let base: UnsafeMutablePointer<UInt8>
    /// How many bytes have been written.
    var count = 0

    init(_ base: UnsafeMutablePointer<UInt8>) {
        self.base = base
    }

    @inline(__always)
    mutating func byte(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func bytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    // The String forms read the string in place and release nothing, and say so (`@_effects(releasenone)`, as
    // swift-collections marks such primitives): the signer's loops over the headers it holds in an array then write
    // each name and value without retaining and releasing it around the call. A string whose bytes are not
    // contiguous (only Objective-C bridging makes one) is read byte by byte, without a copy.

    @_effects(releasenone)
    mutating func string(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ bytes($0) }) == nil {
            for byte in text.utf8 { self.byte(byte) }
        }
    }

    /// `text` with `A-Z` folded to `a-z`.
    @_effects(releasenone)
    mutating func lowercased(_ text: String) {
        let written: Void? = text.utf8.withContiguousStorageIfAvailable { text in
            for byte in text { self.byte(HeaderName.lowercased(byte)) }
        }
        if written == nil {
            for byte in text.utf8 { self.byte(HeaderName.lowercased(byte)) }
        }
    }

    /// ``canonicalValue(_:)`` of a header's value.
    @_effects(releasenone)
    mutating func canonicalValue(of text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ canonicalValue($0) }) == nil {
            // Copied to the stack (or raw memory, not an object) for the trimming to look ahead.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: text.utf8.count) { copy in
                let count = copy.initialize(fromContentsOf: text.utf8)
                canonicalValue(UnsafeBufferPointer(rebasing: copy[..<count]))
            }
        }
    }

    mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { bytes($0) }
    }

    /// `bytes` as lower-case hex.
    mutating func hex(_ bytes: UnsafeRawBufferPointer) {
        Hex.write(bytes, to: base + count)
        count += 2 * bytes.count
    }

    /// The bytes of ``CanonicalRequest/canonicalValue(_:)`` of `bytes`: trimmed, runs of spaces and tabs made one.
    mutating func canonicalValue(_ bytes: UnsafeBufferPointer<UInt8>) {
        if CanonicalRequest.isCanonical(bytes) {
            self.bytes(bytes)
            return
        }
        let start = count
        var pendingSpace = false
        for byte in bytes {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                pendingSpace = count > start
                continue
            }
            if pendingSpace {
                self.byte(UInt8(ascii: " "))
                pendingSpace = false
            }
            self.byte(byte)
        }
    }
}
