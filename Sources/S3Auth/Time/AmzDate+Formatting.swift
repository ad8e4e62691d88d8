import AccessPointCore

extension AmzDate {
    /// `yyyyMMdd'T'HHmmss'Z'`, the `x-amz-date` and `X-Amz-Date` form (ISO 8601 basic).
    public var iso8601Basic: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        appendISO8601Basic(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `yyyyMMdd`, the date of a credential scope.
    public var dateStamp: String {
        let c = components
        guard (0...9999).contains(c.year) else { return String(paddedISO8601Basic.prefix(8)) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8) { buffer in
            Self.write(c.year, digits: 4, to: buffer, at: 0)
            Self.write(c.month, digits: 2, to: buffer, at: 4)
            Self.write(c.day, digits: 2, to: buffer, at: 6)
            return String(decoding: buffer, as: UTF8.self)
        }
    }

    /// Appends the bytes of ``iso8601Basic``.
    func appendISO8601Basic(to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer in
            if writeISO8601Basic(to: buffer.baseAddress.unsafelyUnwrapped) {
                out.append(contentsOf: buffer)
            } else {
                out.append(contentsOf: paddedISO8601Basic.utf8)
            }
        }
    }

    /// Whether `text == dateStamp`, without making the String: the eight digits read as a date and compared.
    func hasDateStamp(_ text: String) -> Bool {
        guard text.utf8.count == 8 else { return false }
        let c = components
        guard (0...9999).contains(c.year) else { return text == dateStamp }
        return text.withUTF8Bytes { digits in
            var value = 0
            for digit in digits {
                guard digit &- UInt8(ascii: "0") < 10 else { return false }
                value = value * 10 + Int(digit &- UInt8(ascii: "0"))
            }
            return value == (c.year * 100 + c.month) * 100 + c.day
        }
    }

    /// Writes the 16 bytes of ``iso8601Basic`` at `out`; `false`, and nothing written, for a year outside 0...9999.
    func writeISO8601Basic(to out: UnsafeMutablePointer<UInt8>) -> Bool {
        let c = components
        guard (0...9999).contains(c.year) else { return false }
        let buffer = UnsafeMutableBufferPointer(start: out, count: 16)
        Self.write(c.year, digits: 4, to: buffer, at: 0)
        Self.write(c.month, digits: 2, to: buffer, at: 4)
        Self.write(c.day, digits: 2, to: buffer, at: 6)
        buffer[8] = UInt8(ascii: "T")
        Self.write(c.hour, digits: 2, to: buffer, at: 9)
        Self.write(c.minute, digits: 2, to: buffer, at: 11)
        Self.write(c.second, digits: 2, to: buffer, at: 13)
        buffer[15] = UInt8(ascii: "Z")
        return true
    }

    /// `value` (0 or more, fewer than 10^`digits`) as exactly `digits` decimal digits at `buffer[offset...]`.
    private static func write(_ value: Int, digits: Int, to buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var rest = value
        for position in stride(from: offset + digits - 1, through: offset, by: -1) {
            buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }

    /// The basic form by zero-padding each field: what the byte writers stand for, and what years outside 0...9999
    /// (which no parsed date has) still get.
    private var paddedISO8601Basic: String {
        let c = components
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + "T" + pad(c.hour, 2) + pad(c.minute, 2)
            + pad(c.second, 2) + "Z"
    }

    /// `yyyy-MM-dd'T'HH:mm:ss'Z'`, the form S3 uses for `ServerTime` in error bodies.
    public var iso8601: String {
        let c = components
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2) + "T" + pad(c.hour, 2) + ":"
            + pad(c.minute, 2) + ":" + pad(c.second, 2) + "Z"
    }

    /// Parses `yyyyMMdd'T'HHmmss'Z'` exactly (16 ASCII characters); `nil` for anything else.
    public init?(iso8601Basic text: some StringProtocol) {
        let utf8 = text.utf8
        guard utf8.count == 16 else { return nil }
        let parsed = utf8.withContiguousStorageIfAvailable { Self.basic($0) } ?? Self.basic(Array(utf8))
        guard let parsed else { return nil }
        self = parsed
    }

    /// The instant written in the 16 bytes `bytes` in the basic form, or `nil`.
    static func basic<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> AmzDate?
    where Bytes.Index == Int {
        let base = bytes.startIndex
        guard bytes[base + 8] == UInt8(ascii: "T"), bytes[base + 15] == UInt8(ascii: "Z"),
            let year = number(bytes[base..<base + 4]), let month = number(bytes[base + 4..<base + 6]),
            let day = number(bytes[base + 6..<base + 8]), let hour = number(bytes[base + 9..<base + 11]),
            let minute = number(bytes[base + 11..<base + 13]), let second = number(bytes[base + 13..<base + 15])
        else { return nil }
        return AmzDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Parses the IMF-fixdate of an HTTP `Date` header (`Fri, 24 May 2013 00:00:00 GMT`); `nil` for anything else.
    ///
    /// SigV4 falls back to `Date` only when `x-amz-date` is absent.
    public init?(httpDate text: some StringProtocol) {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].count == 4, parts[0].last == ",", parts[5] == "GMT",
            let day = Self.number(parts[1].utf8), parts[1].count == 2,
            let month = Self.months.firstIndex(of: String(parts[2])), parts[3].count == 4,
            let year = Self.number(parts[3].utf8)
        else { return nil }
        let time = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard time.count == 3, time.allSatisfy({ $0.count == 2 }), let hour = Self.number(time[0].utf8),
            let minute = Self.number(time[1].utf8), let second = Self.number(time[2].utf8)
        else { return nil }
        self.init(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func number(_ digits: some Collection<UInt8>) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
