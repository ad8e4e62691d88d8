import AccessPointCore
import NIOCore
import S3HTTP
import Testing

@testable import BucketStore

struct ListingTests {
    /// In UTF-8 binary order: upper case before lower case, `e` + combining accent before precomposed `é`.
    static let keys = [
        "Zebra", "a", "a/b", "a/c/d", "a b", "b", "e\u{301}", "é", "photos/2006/jan", "photos/2006/feb", "photos/x",
    ]
    static let sorted = [
        "Zebra", "a", "a b", "a/b", "a/c/d", "b", "e\u{301}", "photos/2006/feb", "photos/2006/jan", "photos/x", "é",
    ]

    static func filled() async throws -> StoreFixture {
        let fixture = try StoreFixture()
        for key in keys { _ = await fixture.put(key, key) }
        return fixture
    }

    @Test func listsInUTF8BinaryOrder() async throws {
        let fixture = try await Self.filled()
        defer { fixture.remove() }
        let reply = await fixture.send("GET", nil, query: "list-type=2")
        #expect(reply.status == 200)
        // Compared as bytes: Swift's String equality would take `é` and `e\u{301}` for the same key.
        #expect(reply.values("Key").map { Array($0.utf8) } == Self.sorted.map { Array($0.utf8) })
        #expect(reply.values("KeyCount") == ["11"])
        #expect(reply.values("MaxKeys") == ["1000"])
        #expect(reply.values("IsTruncated") == ["false"])
        #expect(reply.values("Size").first == "5")
        #expect(reply.values("ETag").first == "\"\(md5Hex(Array("Zebra".utf8)))\"")
        #expect(reply.values("StorageClass").count == 11)
        #expect(
            reply.text.hasPrefix(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bucket</Name>"
            )
        )
    }

    @Test(arguments: [1, 2, 3, 5, 1000])
    func paginatesWithContinuationTokens(pageSize: Int) async throws {
        let fixture = try await Self.filled()
        defer { fixture.remove() }
        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            var query = "list-type=2&max-keys=\(pageSize)"
            if let token { query += "&continuation-token=" + token.addingPercentEncodingForQuery }
            let reply = await fixture.send("GET", nil, query: query)
            #expect(reply.status == 200)
            let keys = reply.values("Key")
            #expect(keys.count <= pageSize)
            #expect(reply.values("KeyCount") == [String(keys.count)])
            seen += keys
            token = reply.values("NextContinuationToken").first
            #expect((reply.values("IsTruncated") == ["true"]) == (token != nil))
            pages += 1
        } while token != nil && pages < 20
        #expect(seen.map { Array($0.utf8) } == Self.sorted.map { Array($0.utf8) })
    }

    @Test func rollsUpCommonPrefixesAcrossPages() async throws {
        let fixture = try await Self.filled()
        defer { fixture.remove() }
        let whole = await fixture.send("GET", nil, query: "list-type=2&delimiter=/")
        #expect(whole.values("Key") == ["Zebra", "a", "a b", "b", "e\u{301}", "é"])
        #expect(whole.values("Prefix").dropFirst() == ["a/", "photos/"])
        #expect(whole.values("KeyCount") == ["8"])
        #expect(whole.values("Delimiter") == ["/"])

        var entries: [String] = []
        var token: String?
        var pages = 0
        repeat {
            var query = "list-type=2&delimiter=%2F&max-keys=2"
            if let token { query += "&continuation-token=" + token.addingPercentEncodingForQuery }
            let reply = await fixture.send("GET", nil, query: query)
            entries += reply.values("Key") + reply.values("Prefix").dropFirst()
            token = reply.values("NextContinuationToken").first
            pages += 1
        } while token != nil && pages < 20
        #expect(entries.sorted() == ["Zebra", "a", "a b", "a/", "b", "e\u{301}", "photos/", "é"].sorted())
        #expect(pages == 4)

        let nested = await fixture.send("GET", nil, query: "list-type=2&prefix=photos/&delimiter=/")
        #expect(nested.values("Key") == ["photos/x"])
        #expect(nested.values("Prefix") == ["photos/", "photos/2006/"])
    }

    @Test func honoursStartAfterAndPrefix() async throws {
        let fixture = try await Self.filled()
        defer { fixture.remove() }
        let after = await fixture.send("GET", nil, query: "list-type=2&start-after=b")
        #expect(after.values("Key") == Array(Self.sorted.drop { $0 != "b" }.dropFirst()))
        #expect(after.values("StartAfter") == ["b"])
        let prefixed = await fixture.send("GET", nil, query: "list-type=2&prefix=a")
        #expect(prefixed.values("Key") == ["a", "a b", "a/b", "a/c/d"])
        let none = await fixture.send("GET", nil, query: "list-type=2&prefix=zzz")
        #expect(none.values("Key").isEmpty)
        #expect(none.values("KeyCount") == ["0"])
    }

    @Test func urlEncodesWhenAsked() async throws {
        let fixture = try await Self.filled()
        defer { fixture.remove() }
        let reply = await fixture.send("GET", nil, query: "list-type=2&encoding-type=url&prefix=a")
        #expect(reply.values("Key") == ["a", "a+b", "a/b", "a/c/d"])
        #expect(reply.values("EncodingType") == ["url"])
        let unicode = await fixture.send("GET", nil, query: "list-type=2&encoding-type=url&start-after=photos")
        #expect(unicode.values("Key").last == "%C3%A9")
        let invalid = await fixture.send("GET", nil, query: "list-type=2&encoding-type=base64")
        #expect(invalid.errorCode == "InvalidArgument")
    }

    @Test func rejectsBadArguments() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        #expect(await fixture.send("GET", nil, query: "list-type=2&max-keys=-1").errorCode == "InvalidArgument")
        #expect(
            await fixture.send("GET", nil, query: "list-type=2&continuation-token=%%%").errorCode == "InvalidArgument"
        )
        let zero = await fixture.send("GET", nil, query: "list-type=2&max-keys=0")
        #expect(zero.status == 200)
        #expect(zero.values("KeyCount") == ["0"])
    }

    @Test func listsVersionOneWithMarkers() async throws {
        let fixture = try await Self.filled()
        defer { fixture.remove() }
        let first = await fixture.send("GET", nil, query: "max-keys=3&delimiter=/")
        #expect(first.values("Key") == ["Zebra", "a", "a b"])
        #expect(first.values("IsTruncated") == ["true"])
        #expect(first.values("NextMarker") == ["a b"])
        #expect(first.values("DisplayName").count == 3)
        let second = await fixture.send("GET", nil, query: "max-keys=3&delimiter=/&marker=a%20b")
        #expect(second.values("Marker") == ["a b"])
        #expect(second.values("Key") == ["b", "e\u{301}"])
        #expect(second.values("Prefix").dropFirst() == ["a/"])
    }

    /// ListObjects (version 1) with a delimiter: a `NextMarker` that is a common prefix continues after every key
    /// under it (the prefix was listed once, not again on the next page).
    @Test func versionOnePagesDoNotRepeatACommonPrefix() async throws {
        let fixture = try await ListingTests.filled()
        defer { fixture.remove() }
        var entries: [String] = []
        var marker: String?
        var pages = 0
        repeat {
            var query = "max-keys=2&delimiter=/"
            if let marker { query += "&marker=" + marker.addingPercentEncodingForQuery }
            let reply = await fixture.send("GET", nil, query: query)
            entries += reply.values("Key") + reply.values("Prefix").dropFirst()
            marker = reply.values("NextMarker").first
            pages += 1
        } while marker != nil && pages < 20
        #expect(
            Self.inByteOrder(entries) == Self.inByteOrder(["Zebra", "a", "a b", "a/", "b", "e\u{301}", "photos/", "é"])
        )
        #expect(entries.count == 8)
    }

    static func inByteOrder(_ texts: [String]) -> [[UInt8]] {
        texts.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    @Test func pagesThroughTenThousandKeysInOrder() throws {
        // The index alone: 10,000 keys in pages of 1,000, without 10,000 fsyncs (speed belongs to bench/).
        var index = ObjectIndex()
        var record = ObjectRecord(key: "")
        for number in (0..<10_000).reversed() {
            record.key = "key-\(number)"
            index.upsert(ObjectSummary(record))
        }
        var listed: [String] = []
        do {
            var after: [UInt8] = []
            while true {
                let page = EmbeddedBucketStore.page(
                    index,
                    prefix: "",
                    delimiter: nil,
                    after: after,
                    skipping: nil,
                    limit: 1000
                )
                listed += page.objects.map(\.key)
                guard page.isTruncated, let last = page.last else { break }
                after = Array(last.value.utf8)
            }
        }
        #expect(listed.count == 10_000)
        #expect(listed == listed.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }
}

extension String {
    var addingPercentEncodingForQuery: String {
        var encoded = ""
        for byte in utf8 {
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded
            }
        }
        return encoded
    }

    fileprivate var leftPadded: String { count == 1 ? "0" + self : self }
}
