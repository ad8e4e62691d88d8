import AccessPointCore
import Testing

@testable import BucketStore

struct EncodingTests {
    @Test(arguments: [
        (Int64(0), "Thu, 01 Jan 1970 00:00:00 GMT", "1970-01-01T00:00:00.000Z"),
        (Int64(1_255_369_830_123), "Mon, 12 Oct 2009 17:50:30 GMT", "2009-10-12T17:50:30.123Z"),
        (Int64(951_825_600_000), "Tue, 29 Feb 2000 12:00:00 GMT", "2000-02-29T12:00:00.000Z"),
    ])
    func formatsDates(milliseconds: Int64, header: String, iso: String) {
        #expect(HTTPDate.headerValue(milliseconds: milliseconds) == header)
        #expect(HTTPDate.iso8601(milliseconds: milliseconds) == iso)
        #expect(HTTPDate.parse(header) == milliseconds / 1000)
    }

    @Test(arguments: [
        "", "yesterday", "Mon, 12 Oct 2009 17:50:30", "Mon, 32 Oct 2009 17:50:30 GMT", "Mon, 12 Foo 2009 17:50:30 GMT",
        "Mon, 12 Oct 99999999999999999 17:50:30 GMT",
    ])
    func ignoresUnreadableDates(text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }

    @Test(arguments: [
        ([UInt8](), ""), (Array("f".utf8), "Zg=="), (Array("fo".utf8), "Zm8="), (Array("foo".utf8), "Zm9v"),
        ([0xFF, 0xEE], "/+4="),
    ])
    func base64RoundTrips(bytes: [UInt8], text: String) {
        #expect(Base64.encode(bytes) == text)
        #expect(Base64.decode(text) == bytes)
    }

    @Test(arguments: ["Zg", "Z===", "Zg=a", "!!!!"])
    func base64RejectsMalformedText(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test func urlEncodingMatchesS3() {
        #expect(URLEncoding.encode("a b/c+d%é") == "a+b/c%2Bd%25%C3%A9")
    }

    @Test func recordsRoundTrip() throws {
        var record = ObjectRecord(key: "k/ü\n", size: 12, etag: "abc-2", lastModified: 99, version: "v")
        record.contentHeaders = [.init(name: "Content-Type", value: "text/plain")]
        record.metadata = [.init(name: "a", value: "")]
        record.tags = [.init(name: "t", value: "=&")]
        record.partSizes = [5_242_880, 7]
        record.checksum = .init(name: "x-amz-checksum-crc32", value: "DUoRhQ==")
        #expect(ObjectRecord(decoding: record.encoded()) == record)
        #expect(ObjectRecord(decoding: Array(record.encoded().dropLast())) == nil)
        // Part sizes are digits only, none left out.
        func withParts(_ parts: String) -> [UInt8] {
            var bytes = ObjectRecord(key: "k").encoded()
            bytes[3] += 1  // one more field than the key's record had
            ObjectRecord.append(UInt32(5), to: &bytes)
            bytes += "parts".utf8
            ObjectRecord.append(UInt32(parts.utf8.count), to: &bytes)
            bytes += parts.utf8
            return bytes
        }
        #expect(ObjectRecord(decoding: withParts("5,7"))?.partSizes == [5, 7])
        for parts in ["5,-7", "5,,7", "", "5,7x"] {
            #expect(ObjectRecord(decoding: withParts(parts)) == nil, "\(parts)")
        }
    }
}
