import AccessPointCore

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
        let (year, month, day) = CivilDate.date(fromDays: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60))"
            + ":\(two(secondOfDay % 60))Z"
    }

    public static func < (lhs: RequestTime, rhs: RequestTime) -> Bool { lhs.epochSeconds < rhs.epochSeconds }
    public var description: String { iso8601 }
}
