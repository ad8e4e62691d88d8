/// The instant a request is evaluated at, handed in by the caller: the pure engine never reads a clock, so tests
/// can evaluate `DateLessThan` conditions at any moment they like.
///
/// Whole seconds since 1970-01-01T00:00:00Z. It feeds `aws:EpochTime` and `aws:CurrentTime` (rendered as
/// `2025-01-31T12:00:00Z`).
public struct RequestTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let epochSeconds: Int64

    public init(epochSeconds: Int64) { self.epochSeconds = epochSeconds }

    /// ISO-8601 in UTC, the form IAM gives `aws:CurrentTime`.
    public var iso8601: String {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let secondOfDay = epochSeconds - days * 86_400
        let (year, month, day) = CivilDate.civil(fromDays: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60))"
            + ":\(two(secondOfDay % 60))Z"
    }

    public static func < (lhs: RequestTime, rhs: RequestTime) -> Bool { lhs.epochSeconds < rhs.epochSeconds }
    public var description: String { iso8601 }
}

/// Days since the epoch ⇄ proleptic Gregorian dates (Howard Hinnant's algorithms), shared by rendering
/// `aws:CurrentTime` and parsing `Date…` condition values.
enum CivilDate {
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
