internal import AccessPointCore

/// The two date formats S3 writes: `Last-Modified` headers (RFC 9110 IMF-fixdate, `Wed, 12 Oct 2009 17:50:00 GMT`)
/// and XML timestamps (ISO 8601 with milliseconds, `2009-10-12T17:50:00.000Z`); and reading the first back from
/// `If-Modified-Since` and friends.
enum HTTPDate {
    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func headerValue(milliseconds: Int64) -> String {
        let (days, seconds) = split(milliseconds)
        let date = CivilDate.date(fromDays: days)
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        return "\(weekday), \(pad(date.day, 2)) \(months[Int(date.month) - 1]) \(date.year) \(clock(seconds)) GMT"
    }

    static func iso8601(milliseconds: Int64) -> String {
        let (days, seconds) = split(milliseconds)
        let date = CivilDate.date(fromDays: days)
        let fraction = ((milliseconds % 1000) + 1000) % 1000
        return "\(date.year)-\(pad(date.month, 2))-\(pad(date.day, 2))T\(clock(seconds)).\(pad(fraction, 3))Z"
    }

    /// Seconds since 1970 of an IMF-fixdate (the only format HTTP senders must produce), or nil: S3 ignores a
    /// condition whose date it cannot read.
    static func parse(_ text: String) -> Int64? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT",
            let day = Int64(parts[1]), let monthIndex = months.firstIndex(of: String(parts[2])),
            let year = Int64(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":")
        guard time.count == 3, let hour = Int64(time[0]), let minute = Int64(time[1]), let second = Int64(time[2]),
            (1...31).contains(day), (1...9999).contains(year), (0...23).contains(hour), (0...59).contains(minute),
            (0...60).contains(second)
        else { return nil }
        let days = CivilDate.days(year: year, month: Int64(monthIndex + 1), day: day)
        return days * 86_400 + hour * 3600 + minute * 60 + second
    }

    private static func split(_ milliseconds: Int64) -> (days: Int64, seconds: Int64) {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return (days, seconds - days * 86_400)
    }

    private static func clock(_ seconds: Int64) -> String {
        "\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
