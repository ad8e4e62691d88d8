import Testing

@testable import Router

struct ExistingObjectTagsTests {
    @Test(
        arguments: [
            (
                #"<?xml version="1.0" encoding="UTF-8"?><Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>classification</Key><Value>secret</Value></Tag><Tag><Key>team</Key><Value>blue</Value></Tag></TagSet></Tagging>"#,
                ["classification": "secret", "team": "blue"]
            ),
            ("<Tagging><TagSet></TagSet></Tagging>", [:]),
            (
                "<Tagging><TagSet><Tag><Key>a&amp;b</Key><Value>&lt;1&gt;</Value></Tag></TagSet></Tagging>",
                ["a&b": "<1>"]
            ),
            ("<Tagging><TagSet><Tag><Key>empty</Key><Value></Value></Tag></TagSet></Tagging>", ["empty": ""]),
            ("<Tagging><TagSet><Tag><Key>empty</Key><Value/></Tag></TagSet></Tagging>", ["empty": ""]),
            ("<Tagging><TagSet><Tag><Value>no key</Value></Tag></TagSet></Tagging>", [:]),
            ("<Tagging><TagSet><Tag><Key>unclosed", [:]),
            ("not xml at all", [:]),
        ] as [(String, [String: String])]
    )
    func readsTheTagSetOfAGetObjectTaggingAnswer(xml: String, tags: [String: String]) {
        #expect(ExistingObjectTags.tags(in: xml) == tags)
    }
}
