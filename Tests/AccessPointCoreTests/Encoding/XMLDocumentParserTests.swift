import AccessPointCore
import Testing

/// The parser of every request body, the store's and the control API's.
struct XMLDocumentParserTests {
    @Test func readsElementsTextAndEntities() throws {
        let document = try XMLDocumentParser.parse(
            Array(
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- a comment -->
                <s3:Delete xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/" a='>'>
                  <Object><Key>a&amp;b&lt;&#233;&#x1F642;</Key></Object>
                  <Object><Key><![CDATA[<raw>]]></Key></Object>
                  <Quiet/>
                </s3:Delete>
                """.utf8
            )
        )
        #expect(document.name == "Delete")
        #expect(document.children(named: "Object").compactMap { $0.child("Key")?.text } == ["a&b<é🙂", "<raw>"])
        #expect(document.child("Quiet")?.text == "")
    }

    @Test(arguments: [
        "", "<a>", "<a></b>", "<a/><b/>", "text", "<a>&unknown;</a>", "<a>&#0;</a>",
        "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "<a><b></a></b>",
        String(repeating: "<a>", count: 17) + String(repeating: "</a>", count: 17),
        String(repeating: "<a>", count: 100_000),
    ])
    func rejectsMalformedDocuments(text: String) {
        #expect(throws: S3Error.malformedXML) { try XMLDocumentParser.parse(Array(text.utf8)) }
    }

    /// Bytes that are not UTF-8, in a name or in text: Foundation's `XMLParser` trapped on the first.
    @Test(arguments: [
        [0x3C, 0x61, 0xFF, 0xFE, 0x3E, 0x3C, 0x2F, 0x61, 0xFF, 0xFE, 0x3E],
        Array("<a>x".utf8) + [0xC3, 0x28] + Array("</a>".utf8),
        Array("<a>&amp;".utf8) + [0xED, 0xA0, 0x80] + Array("</a>".utf8),
        [0xFF, 0xFE, 0x3C, 0x00, 0x61, 0x00, 0x2F, 0x00, 0x3E, 0x00],
    ])
    func rejectsBytesThatAreNotUTF8(bytes: [UInt8]) {
        #expect(throws: S3Error.malformedXML) { try XMLDocumentParser.parse(bytes) }
    }
}
