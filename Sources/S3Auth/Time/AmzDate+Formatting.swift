extension AmzDate {
    /// `yyyyMMdd'T'HHmmss'Z'`, the `x-amz-date` and `X-Amz-Date` form (ISO 8601 basic).
    public var iso8601Basic: String {
        let c = components
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + "T" + pad(c.hour, 2) + pad(c.minute, 2)
            + pad(c.second, 2) + "Z"
    }

    /// `yyyyMMdd`, the date of a credential scope.
    public var dateStamp: String {
        String(iso8601Basic.prefix(8))
    }

    /// `yyyy-MM-dd'T'HH:mm:ss'Z'`, the form S3 uses for `ServerTime` in error bodies.
    public var iso8601: String {
        let c = components
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2) + "T" + pad(c.hour, 2) + ":"
            + pad(c.minute, 2) + ":" + pad(c.second, 2) + "Z"
    }

    /// Parses `yyyyMMdd'T'HHmmss'Z'` exactly (16 ASCII characters); `nil` for anything else.
    public init?(iso8601Basic text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z"),
            let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[4..<6]),
            let day = Self.number(bytes[6..<8]), let hour = Self.number(bytes[9..<11]),
            let minute = Self.number(bytes[11..<13]), let second = Self.number(bytes[13..<15])
        else { return nil }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
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
