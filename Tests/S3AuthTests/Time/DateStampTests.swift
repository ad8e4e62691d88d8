import Testing

@testable import S3Auth

/// ``AmzDate/hasDateStamp(_:)`` answers as comparing with ``AmzDate/dateStamp``.
struct DateStampTests {
    static let times: [AmzDate] = [
        AmzDate(secondsSince1970: 0), AmzDate(secondsSince1970: 1_795_000_000), AmzDate(secondsSince1970: -86_401),
        AmzDate(secondsSince1970: 253_402_300_799), AmzDate(secondsSince1970: 253_402_300_800),
        AmzDate(iso8601Basic: "20240229T235959Z") ?? AmzDate(secondsSince1970: 1),
    ]
    static let texts = [
        "19700101", "20261126", "19691231", "99991231", "20240229", "20240301", "2024022", "2024022x",
        "+2024022", "202402290", "", "0000101", "１９７００１０１",
    ]

    @Test(arguments: times)
    func comparesAsTheString(_ time: AmzDate) {
        #expect(time.hasDateStamp(time.dateStamp))
        for text in Self.texts { #expect(time.hasDateStamp(text) == (text == time.dateStamp)) }
    }
}
