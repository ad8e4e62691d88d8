import AccessPointCore
import Testing

struct CivilDateTests {
    /// Date → days since 1970-01-01, both ways.
    @Test(
        arguments: [
            (1970, 1, 1, 0), (1969, 12, 31, -1), (2000, 2, 29, 11_016), (2000, 3, 1, 11_017), (2013, 5, 24, 15_849),
            (2026, 11, 26, 20_783), (1600, 1, 1, -135_140), (9999, 12, 31, 2_932_896),
        ] as [(Int64, Int64, Int64, Int64)]
    )
    func convertsBothWays(year: Int64, month: Int64, day: Int64, days: Int64) {
        #expect(CivilDate.days(year: year, month: month, day: day) == days)
        let date = CivilDate.date(fromDays: days)
        #expect(date.year == year && date.month == month && date.day == day)
    }

    @Test(
        arguments: [
            (2, 2000, 29), (2, 1900, 28), (2, 2024, 29), (2, 2026, 28), (4, 2026, 30), (12, 2026, 31),
        ] as [(Int64, Int64, Int64)]
    )
    func knowsMonthLengths(month: Int64, year: Int64, days: Int64) {
        #expect(CivilDate.daysIn(month: month, year: year) == days)
    }
}
