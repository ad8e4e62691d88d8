import AccessPointCore

/// What a request says about its signature, parsed from the `Authorization` header or the `X-Amz-*` query
/// parameters before any secret is involved. Every malformation is reported here, as the S3 error for its location.
struct SignatureClaims: Sendable {
    var algorithm: SigV4Authentication.Algorithm
    var location: SigV4Authentication.Location
    var accessKeyID: String
    var scope: CredentialScope
    var signedHeaders: [String]
    var signature: String
    /// `X-Amz-Date` of a presigned URL.
    var presignedTime: AmzDate?
    /// `X-Amz-Expires` of a presigned URL, in seconds.
    var expires: Int64?
    /// `X-Amz-Region-Set` of a presigned SigV4A URL (header-signed requests carry `x-amz-region-set`).
    var regionSetParameter: String?

    /// The scope as the string to sign writes it; SigV4A scopes name no region.
    var scopeString: String {
        switch algorithm {
        case .hmacSHA256: scope.string
        case .ecdsaP256SHA256: "\(scope.date)/\(scope.service)/aws4_request"
        }
    }

    /// The longest `Authorization` header considered.
    static let maxAuthorizationLength = 16 * 1024

    /// Parses `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` (spec §5.1).
    init(authorization value: String) throws(S3Error) {
        guard value.utf8.count <= Self.maxAuthorizationLength else {
            throw .malformedSignature(.header, "it is longer than \(Self.maxAuthorizationLength) bytes.")
        }
        if let plain = try Self.plainAuthorization(value) {
            self.algorithm = .hmacSHA256
            self.location = .header
            (self.accessKeyID, self.scope, self.signedHeaders, self.signature) = plain
            return
        }
        let trimmed = CanonicalRequest.canonicalValue(value)
        // An ASCII header (every one an SDK sends) is read on bytes; Characters are the same thing there.
        let ascii = HeaderName.isASCII(trimmed)
        let space =
            (ascii ? trimmed.utf8.firstIndex(of: UInt8(ascii: " ")) : trimmed.firstIndex(of: " ")) ?? trimmed.endIndex
        let algorithm = trimmed[..<space]
        guard !algorithm.isEmpty else { throw .malformedSignature(.header, "it is empty.") }
        guard let algorithm = SigV4Authentication.Algorithm(name: algorithm) else { throw .useSigV4 }

        guard !trimmed[space...].trimmingSpaces(ascii: ascii).isEmpty else {
            throw .malformedSignature(.header, "it must carry Credential, SignedHeaders and Signature.")
        }
        // Bytes, not Characters: every delimiter here is ASCII, and grapheme breaking dominated the cost.
        var credential: String?
        var signedHeaders: String?
        var signature: String?
        for component in Self.components(of: trimmed, from: space, ascii: ascii) {
            let text = component.trimmingSpaces(ascii: ascii)
            guard let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")) else {
                throw .malformedSignature(.header, "the component '\(text.prefix(64))' is not name=value.")
            }
            let name = text[..<equals]
            let value = String(text[text.utf8.index(after: equals)...])
            switch name {
            case "Credential" where credential == nil: credential = value
            case "SignedHeaders" where signedHeaders == nil: signedHeaders = value
            case "Signature" where signature == nil: signature = value
            case "Credential", "SignedHeaders", "Signature":
                throw .malformedSignature(.header, "\(name) appears twice.")
            default:
                throw .malformedSignature(.header, "the component '\(name.prefix(64))' is unknown.")
            }
        }
        guard let credential, let signedHeaders, let signature else {
            throw .malformedSignature(.header, "it must carry Credential, SignedHeaders and Signature.")
        }
        guard let (accessKeyID, scope) = Self.parseCredential(credential, algorithm) else {
            throw .malformedSignature(.header, S3Error.malformedCredential)
        }
        self.algorithm = algorithm
        self.location = .header
        self.accessKeyID = accessKeyID
        self.scope = scope
        self.signedHeaders = try Self.parseSignedHeaders(signedHeaders, .header)
        self.signature = try Self.parseSignature(signature, algorithm, .header)
    }

    /// The claims of an `Authorization` value as SDKs write it (ASCII, `AWS4-HMAC-SHA256`, single spaces, the three
    /// components each once), read on one buffer; `nil` for any other value, which ``init(authorization:)`` then
    /// reads the general way (and reports what is wrong with it). The credential, names and signature are checked
    /// by the same functions either way.
    static func plainAuthorization(
        _ value: String
    ) throws(S3Error) -> (accessKeyID: String, scope: CredentialScope, signedHeaders: [String], signature: String)? {
        let found: (credential: String, signedHeaders: String, signature: String)? = value.withUTF8Bytes { bytes in
            guard HeaderName.isASCII(UnsafeRawBufferPointer(bytes)), CanonicalRequest.isCanonical(bytes),
                let space = bytes.firstIndex(of: UInt8(ascii: " ")),
                HeaderName.same(UnsafeBufferPointer(rebasing: bytes[..<space]), "AWS4-HMAC-SHA256")
            else { return nil }
            var ranges: (credential: Range<Int>?, signedHeaders: Range<Int>?, signature: Range<Int>?) = (nil, nil, nil)
            var start = space + 1
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
                // The component without the spaces around it (single ones: the value is canonical).
                var lower = start
                var upper = end
                if lower < upper, bytes[lower] == UInt8(ascii: " ") { lower += 1 }
                if lower < upper, bytes[upper - 1] == UInt8(ascii: " ") { upper -= 1 }
                guard let equals = bytes[lower..<upper].firstIndex(of: UInt8(ascii: "=")) else { return nil }
                let name = UnsafeBufferPointer(rebasing: bytes[lower..<equals])
                let range = (equals + 1)..<upper
                if HeaderName.same(name, "Credential"), ranges.credential == nil {
                    ranges.credential = range
                } else if HeaderName.same(name, "SignedHeaders"), ranges.signedHeaders == nil {
                    ranges.signedHeaders = range
                } else if HeaderName.same(name, "Signature"), ranges.signature == nil {
                    ranges.signature = range
                } else {
                    return nil
                }
                start = end + 1
            }
            guard let credential = ranges.credential, let signedHeaders = ranges.signedHeaders,
                let signature = ranges.signature
            else { return nil }
            func text(_ range: Range<Int>) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            }
            return (text(credential), text(signedHeaders), text(signature))
        }
        guard let found else { return nil }
        guard let (accessKeyID, scope) = Self.parseCredential(found.credential, .hmacSHA256) else {
            throw .malformedSignature(.header, S3Error.malformedCredential)
        }
        let signedHeaders = try Self.parseSignedHeaders(found.signedHeaders, .header)
        return (accessKeyID, scope, signedHeaders, try Self.parseSignature(found.signature, .hmacSHA256, .header))
    }

    /// The `,`-separated pieces of `text[start...]`, empty ones included (its `utf8.split`), found on one buffer
    /// when `text` is ASCII.
    private static func components(of text: String, from start: String.Index, ascii: Bool) -> [Substring] {
        guard ascii else {
            return text[start...].utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
                .map { Substring($0) }
        }
        let first = text.utf8.distance(from: text.utf8.startIndex, to: start)
        let bounds: [Range<Int>] = text.withUTF8Bytes { bytes in
            var bounds: [Range<Int>] = []
            var pieceStart = first
            for index in first...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: ",") {
                bounds.append(pieceStart..<index)
                pieceStart = index + 1
            }
            return bounds
        }
        let utf8 = text.utf8
        return bounds.map { range in
            text[
                utf8.index(
                    utf8.startIndex,
                    offsetBy: range.lowerBound
                )..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)
            ]
        }
    }

    /// `AKID/yyyymmdd/region/service/aws4_request` (SigV4A: no region), or `nil` when any part is missing or
    /// malformed. A SigV4A scope gets an empty region.
    static func parseCredential(
        _ text: String,
        _ algorithm: SigV4Authentication.Algorithm
    ) -> (String, CredentialScope)? {
        if algorithm == .hmacSHA256, let plain = plainCredential(text) { return plain }
        return generalCredential(text, algorithm)
    }

    /// ``parseCredential(_:_:)`` for any text, on Strings.
    static func generalCredential(
        _ text: String,
        _ algorithm: SigV4Authentication.Algorithm
    ) -> (String, CredentialScope)? {
        var parts =
            HeaderName.isASCII(text)
            ? Self.pieces(of: text, separatedBy: UInt8(ascii: "/"))
            : text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if algorithm == .ecdsaP256SHA256 {
            guard parts.count == 4 else { return nil }
            parts.insert("", at: 2)
        }
        guard parts.count == 5, parts[4] == "aws4_request", !parts[0].isEmpty,
            Self.bytes(of: parts[0], allSatisfy: { $0 > 0x20 && $0 < 0x7f }),
            AmzDate(iso8601Basic: parts[1] + "T000000Z") != nil,
            algorithm == .ecdsaP256SHA256 || !parts[2].isEmpty, Self.bytes(of: parts[2], allSatisfy: Self.isRegionByte),
            !parts[3].isEmpty, Self.bytes(of: parts[3], allSatisfy: Self.isRegionByte)
        else { return nil }
        return (parts[0], CredentialScope(date: parts[1], region: parts[2], service: parts[3]))
    }

    /// ``parseCredential(_:_:)`` of a SigV4 credential, on one buffer; `nil` when it is not valid, and then the
    /// general reading decides.
    static func plainCredential(_ text: String) -> (String, CredentialScope)? {
        text.withUTF8Bytes { plainCredential($0) }
    }

    /// ``plainCredential(_:)`` of the bytes of a credential. `knownDay`, when given, is eight bytes already known to
    /// be a real day (a presigned URL's `X-Amz-Date` starts with them): a scope date equal to them is not parsed
    /// again.
    static func plainCredential(
        _ bytes: UnsafeBufferPointer<UInt8>,
        knownDay: UnsafeBufferPointer<UInt8>? = nil
    ) -> (String, CredentialScope)? {
        // The four `/`; a fifth means too many parts.
        let raw = UnsafeRawBufferPointer(bytes)
        var slashes: (Int, Int, Int, Int) = (0, 0, 0, 0)
        slashes.0 = ByteScan.firstIndex(of: UInt8(ascii: "/"), in: raw, from: 0, to: bytes.count)
        guard slashes.0 < bytes.count else { return nil }
        slashes.1 = ByteScan.firstIndex(of: UInt8(ascii: "/"), in: raw, from: slashes.0 + 1, to: bytes.count)
        guard slashes.1 < bytes.count else { return nil }
        slashes.2 = ByteScan.firstIndex(of: UInt8(ascii: "/"), in: raw, from: slashes.1 + 1, to: bytes.count)
        guard slashes.2 < bytes.count else { return nil }
        slashes.3 = ByteScan.firstIndex(of: UInt8(ascii: "/"), in: raw, from: slashes.2 + 1, to: bytes.count)
        guard slashes.3 < bytes.count,
            ByteScan.firstIndex(of: UInt8(ascii: "/"), in: raw, from: slashes.3 + 1, to: bytes.count) == bytes.count
        else { return nil }
        func piece(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[range])
        }
        let key = piece(0..<slashes.0)
        let date = piece(slashes.0 + 1..<slashes.1)
        let region = piece(slashes.1 + 1..<slashes.2)
        let service = piece(slashes.2 + 1..<slashes.3)
        guard HeaderName.same(piece(slashes.3 + 1..<bytes.count), "aws4_request"), !key.isEmpty,
            key.allSatisfy({ $0 > 0x20 && $0 < 0x7f }), date.count == 8, !region.isEmpty,
            region.allSatisfy(isRegionByte), !service.isEmpty, service.allSatisfy(isRegionByte)
        else { return nil }
        // The date must be a real day: what `AmzDate(iso8601Basic: date + "T000000Z")` says.
        let known = knownDay.map { $0.count == 8 && HeaderName.sameBytes($0, date) } ?? false
        let valid =
            known
            || withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { time in
                for index in 0..<8 { time[index] = date[index] }
                ("T000000Z" as StaticString).withUTF8Buffer { midnight in
                    for index in 0..<8 { time[8 + index] = midnight[index] }
                }
                return AmzDate.basic(UnsafeBufferPointer(time)) != nil
            }
        guard valid else { return nil }
        func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
        return (text(key), CredentialScope(date: text(date), region: text(region), service: text(service)))
    }

    /// `h1;h2;…`: lower-case header names, each once, in ascending byte order.
    static func parseSignedHeaders(_ text: String, _ location: SigV4Authentication.Location) throws(S3Error) -> [String]
    {
        if let names = plainSignedHeaders(text) { return names }
        let names = pieces(of: text, separatedBy: UInt8(ascii: ";"))
        for name in names where name.isEmpty || !bytes(of: name, allSatisfy: Self.isLowercaseTokenByte) {
            throw .malformedSignature(location, "SignedHeaders holds the invalid name '\(name.prefix(64))'.")
        }
        for (lhs, rhs) in zip(names, names.dropFirst()) where !precedes(lhs, rhs) {
            throw .malformedSignature(
                location,
                "SignedHeaders must be sorted and without repeats ('\(rhs.prefix(64))')."
            )
        }
        return names
    }

    /// ``parseSignedHeaders(_:_:)`` of a valid list, checked on one buffer; `nil` when it is not valid, and then the
    /// general reading reports why.
    static func plainSignedHeaders(_ text: String) -> [String]? {
        text.withUTF8Bytes { plainSignedHeaders($0) }
    }

    /// The list of a presigned URL that signs `host` alone, as `aws s3 presign` and the SDKs' presigners make it:
    /// shared, so that such a request makes no array of its own.
    private static let hostOnly = ["host"]

    /// ``plainSignedHeaders(_:)`` of the bytes of a list.
    static func plainSignedHeaders(_ bytes: UnsafeBufferPointer<UInt8>) -> [String]? {
        if HeaderName.same(bytes, "host") { return hostOnly }
        let raw = UnsafeRawBufferPointer(bytes)
        var count = 1
        var index = 0
        while index + 8 <= raw.count {
            count += ByteScan.lanes(of: UInt8(ascii: ";"), in: ByteScan.word(raw, index)).nonzeroBitCount
            index += 8
        }
        while index < raw.count {
            if raw[index] == UInt8(ascii: ";") { count += 1 }
            index += 1
        }
        var names: [String] = []
        names.reserveCapacity(count)
        var start = 0
        var previous: UnsafeRawBufferPointer?
        while start <= raw.count {
            let end = ByteScan.firstIndex(of: UInt8(ascii: ";"), in: raw, from: start, to: raw.count)
            let name = UnsafeRawBufferPointer(rebasing: raw[start..<end])
            guard !name.isEmpty, isLowercaseToken(name) else { return nil }
            if let previous, !precedes(previous, name) { return nil }
            names.append(String(decoding: name, as: UTF8.self))
            previous = name
            start = end + 1
        }
        return names
    }

    /// Whether every byte of `name` is a lower-case token byte: words of `a-z`, `0-9` and `-` at once, the rest
    /// one by one.
    private static func isLowercaseToken(_ name: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index + 8 <= name.count {
            let word = ByteScan.word(name, index)
            if word & ByteScan.high == 0,
                ByteScan.lanes(of: word, within: UInt8(ascii: "a"), UInt8(ascii: "z"))
                    | ByteScan.lanes(of: word, within: UInt8(ascii: "0"), UInt8(ascii: "9"))
                    | ByteScan.lanes(of: word, within: UInt8(ascii: "-"), UInt8(ascii: "-")) == ByteScan.high
            {
                index += 8
                continue
            }
            for offset in 0..<8 where !isLowercaseTokenByte(name[index + offset]) { return false }
            index += 8
        }
        while index < name.count {
            guard isLowercaseTokenByte(name[index]) else { return false }
            index += 1
        }
        return true
    }

    /// Whether `lhs` comes strictly before `rhs`, bytewise.
    private static func precedes(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        let common = min(lhs.count, rhs.count)
        var index = 0
        while index + 8 <= common {
            let left = UInt64(bigEndian: lhs.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let right = UInt64(bigEndian: rhs.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            if left != right { return left < right }
            index += 8
        }
        while index < common {
            if lhs[index] != rhs[index] { return lhs[index] < rhs[index] }
            index += 1
        }
        return lhs.count < rhs.count
    }

    /// The pieces of `text` between the bytes `separator` (an ASCII byte), empty ones included: its
    /// `utf8.split(separator:omittingEmptySubsequences: false)`, read from one buffer.
    private static func pieces(of text: String, separatedBy separator: UInt8) -> [String] {
        text.withUTF8Bytes { bytes in
            var pieces: [String] = []
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == separator {
                pieces.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                start = index + 1
            }
            return pieces
        }
    }

    /// Whether every UTF-8 byte of `text` satisfies `predicate`.
    private static func bytes(of text: String, allSatisfy predicate: (UInt8) -> Bool) -> Bool {
        text.withUTF8Bytes { $0.allSatisfy(predicate) }
    }

    /// Whether the UTF-8 of `lhs` comes before that of `rhs`.
    private static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.withUTF8Bytes { lhs in rhs.withUTF8Bytes { lhs.lexicographicallyPrecedes($0) } }
    }

    /// 64 lower-case hex digits for SigV4; a hex DER ECDSA signature (8 to 72 bytes) for SigV4A.
    static func parseSignature(
        _ text: String,
        _ algorithm: SigV4Authentication.Algorithm,
        _ location: SigV4Authentication.Location
    ) throws(S3Error) -> String {
        switch algorithm {
        case .hmacSHA256:
            guard Hex.isLowercaseHex(text, count: 32) else {
                throw .malformedSignature(location, "the Signature must be 64 lower-case hexadecimal digits.")
            }
        case .ecdsaP256SHA256:
            guard (16...144).contains(text.utf8.count), Hex.decode(text) != nil else {
                throw .malformedSignature(location, "the Signature must be a hex-encoded DER ECDSA signature.")
            }
        }
        return text
    }

    private static func isRegionByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-")
    }

    /// An RFC 9110 token character, upper case excluded: a table built once, read per byte.
    private static func isLowercaseTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            true
        default: lowercaseTokenBytes[Int(byte)]
        }
    }

    private static let lowercaseTokenBytes: [Bool] = (0...255).map { (value: Int) -> Bool in
        let byte = UInt8(value)
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}

extension Substring {
    /// The text without leading and trailing spaces.
    var trimmingSpaces: Substring {
        var text = self
        while text.utf8.first == UInt8(ascii: " ") { text = text.dropFirst() }
        while text.utf8.last == UInt8(ascii: " ") { text = text.dropLast() }
        return text
    }

    /// ``trimmingSpaces``, on bytes when the text is known to be ASCII (where each Character is one byte).
    func trimmingSpaces(ascii: Bool) -> Substring {
        guard ascii else { return trimmingSpaces }
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, utf8[start] == UInt8(ascii: " ") { start = utf8.index(after: start) }
        while start < end, utf8[utf8.index(before: end)] == UInt8(ascii: " ") { end = utf8.index(before: end) }
        return self[start..<end]
    }
}
