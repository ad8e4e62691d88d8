import AccessPointCore

/// Reads the date forms IAM accepts in `Date…` conditions and in `aws:CurrentTime`/`aws:EpochTime`: epoch seconds
/// (`1735689600`), a calendar date (`2025-01-01`), or an ISO-8601 date-time with `Z` or an offset and optional
/// fractional seconds (`2025-01-01T00:00:00Z`, `2025-01-01T02:00:00.5+02:00`). Dates become seconds since the
/// epoch, so comparison is plain arithmetic.
enum PolicyDate {
    static func seconds(_ text: some StringProtocol) -> Double? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        if bytes.allSatisfy(isDigit) || (bytes[0] == UInt8(ascii: "-") && bytes.count > 1) {
            return Double(String(text)).flatMap { $0.isFinite ? $0 : nil }
        }
        return iso8601(bytes)
    }

    private static func iso8601(_ b: [UInt8]) -> Double? {
        guard b.count >= 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let year = number(b, 0, 4), let month = number(b, 5, 2), let day = number(b, 8, 2),
            (1...12).contains(month), (1...CivilDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        let midnight = Double(CivilDate.days(year: year, month: month, day: day) * 86_400)
        if b.count == 10 { return midnight }
        guard b.count >= 17, b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"),
            let hour = number(b, 11, 2), let minute = number(b, 14, 2), hour < 24, minute < 60
        else { return nil }
        var seconds = Double(hour * 3600 + minute * 60)
        var index = 16
        if index < b.count, b[index] == UInt8(ascii: ":") {
            guard let second = number(b, index + 1, 2), second < 61 else { return nil }
            seconds += Double(second)
            index += 3
            if index < b.count, b[index] == UInt8(ascii: ".") {
                var digits = index + 1
                while digits < b.count, isDigit(b[digits]) { digits += 1 }
                guard digits > index + 1,
                    let fraction = Double("0" + String(decoding: b[index..<digits], as: UTF8.self))
                else { return nil }
                seconds += fraction
                index = digits
            }
        }
        guard let offset = zoneOffset(b[index...]) else { return nil }
        return midnight + seconds - offset
    }

    /// `Z`, `+hh:mm`, `-hh:mm` or `+hhmm`, in seconds east of UTC.
    private static func zoneOffset(_ zone: ArraySlice<UInt8>) -> Double? {
        let z = Array(zone)
        if z == [UInt8(ascii: "Z")] { return 0 }
        guard z.count == 6 || z.count == 5, z[0] == UInt8(ascii: "+") || z[0] == UInt8(ascii: "-") else { return nil }
        let minuteStart = z.count == 6 ? 4 : 3
        guard let hours = number(z, 1, 2), let minutes = number(z, minuteStart, 2), hours < 24, minutes < 60,
            z.count == 5 || z[3] == UInt8(ascii: ":")
        else { return nil }
        let offset = Double(hours * 3600 + minutes * 60)
        return z[0] == UInt8(ascii: "+") ? offset : -offset
    }

    private static func number(_ b: [UInt8], _ start: Int, _ count: Int) -> Int64? {
        guard start + count <= b.count else { return nil }
        var value: Int64 = 0
        for byte in b[start..<start + count] {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
