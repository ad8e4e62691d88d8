import S3Auth
import Testing

struct AmzDateTests {
    static let instants: [(String, Int64, String)] = [
        ("19700101T000000Z", 0, "1970-01-01T00:00:00Z"),
        ("20130524T000000Z", 1_369_353_600, "2013-05-24T00:00:00Z"),
        ("20000229T235959Z", 951_868_799, "2000-02-29T23:59:59Z"),
        ("20261124T105318Z", 1_795_517_598, "2026-11-24T10:53:18Z"),
        ("19691231T235959Z", -1, "1969-12-31T23:59:59Z"),
    ]

    @Test(arguments: Self.instants)
    func parsesAndFormats(_ basic: String, _ seconds: Int64, _ extended: String) {
        let date = AmzDate(iso8601Basic: basic)
        #expect(date?.secondsSince1970 == seconds)
        #expect(AmzDate(secondsSince1970: seconds).iso8601Basic == basic)
        #expect(AmzDate(secondsSince1970: seconds).iso8601 == extended)
    }

    @Test(arguments: [
        "", "20130524", "20130524T000000", "20130524T000000z", "2013-05-24T00:00:00Z", "20130230T000000Z",
        "20131301T000000Z", "20130524T240000Z", "20130524T236000Z", "2013052AT000000Z", "20130524T000000Z ",
        "+2013052T000000Z", "２０１３0524T000000Z",
    ])
    func refusesMalformedTimestamps(_ text: String) {
        #expect(AmzDate(iso8601Basic: text) == nil)
    }

    @Test(arguments: [
        ("Fri, 24 May 2013 00:00:00 GMT", "20130524T000000Z" as String?),
        ("Thu, 26 Nov 2026 16:05:09 GMT", "20261126T160509Z"),
        ("Fri, 24 May 2013 00:00:00 UTC", nil),
        ("24 May 2013 00:00:00 GMT", nil),
        ("Fri, 24 Foo 2013 00:00:00 GMT", nil),
    ])
    func parsesHTTPDates(_ text: String, _ expected: String?) {
        #expect(AmzDate(httpDate: text)?.iso8601Basic == expected)
    }
}
