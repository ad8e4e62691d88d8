import AccessPointCore

/// An instant in whole UTC seconds, as SigV4 writes it: `20130524T000000Z` in `x-amz-date`, `20130524` in a scope.
///
/// The library never reads a clock: the caller passes the current time as an `AmzDate`, so skew and expiry tests
/// advance a number instead of sleeping. It holds seconds since 1970-01-01T00:00:00Z and formats and parses
/// without Foundation (proleptic Gregorian calendar, no leap seconds, as AWS does).
public struct AmzDate: Hashable, Comparable, Sendable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSince1970: Int64

    /// The instant `secondsSince1970` seconds after the Unix epoch.
    public init(secondsSince1970: Int64) {
        self.secondsSince1970 = secondsSince1970
    }

    /// The instant at the given UTC calendar date and time; `nil` when a field is out of range.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Int(CivilDate.daysIn(month: Int64(month), year: Int64(year)))).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        let days = CivilDate.days(year: Int64(year), month: Int64(month), day: Int64(day))
        self.secondsSince1970 = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// The instant `seconds` later (earlier when negative).
    public func adding(seconds: Int64) -> AmzDate {
        AmzDate(secondsSince1970: secondsSince1970 + seconds)
    }

    public static func < (lhs: AmzDate, rhs: AmzDate) -> Bool { lhs.secondsSince1970 < rhs.secondsSince1970 }

    // MARK: Calendar arithmetic (Howard Hinnant's days_from_civil / civil_from_days)

    /// Year, month, day, hour, minute and second in UTC.
    var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let days = Int(secondsSince1970.floorDivided(by: 86_400))
        let secondOfDay = Int(secondsSince1970 - Int64(days) * 86_400)
        let (year, month, day) = CivilDate.date(fromDays: Int64(days))
        return (Int(year), Int(month), Int(day), secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60)
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
