import S3Auth
import Testing

@testable import StoreServer

struct StoreCredentialsTests {
    @Test(arguments: [
        ("AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AKIAIOSFODNN7EXAMPLE"),
        ("KEY:secret:with:colons", "KEY"),
    ])
    func acceptsAPair(_ text: String, _ key: String) throws {
        let credential = try StoreCredentials.parse(text).get()
        #expect(credential.accessKeyID == key)
        #expect(credential.secretAccessKey == String(text.dropFirst(key.count + 1)))
    }

    @Test(arguments: [
        ("no-colon-here", "found no ':'"),
        (":secret", "letters and digits"),
        ("AKIA KEY:secret", "letters and digits"),
        ("AKIAKEY:", "printable ASCII"),
        ("AKIAKEY:se cret", "printable ASCII"),
    ])
    func refusesWhatIsNotAPair(_ text: String, _ reason: String) {
        guard case .failure(let error) = StoreCredentials.parse(text) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(error.reason.contains(reason), "\(error)")
    }

    @Test func aFileSkipsCommentsAndBlankLinesAndNamesTheBadLine() throws {
        let good =
            "# the lab's key\n\nAKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\r\n  OTHERKEY:other-secret  \n"
        #expect(try StoreCredentials.parseFile(good).get().map(\.accessKeyID) == ["AKIAIOSFODNN7EXAMPLE", "OTHERKEY"])
        guard case .failure(let error) = StoreCredentials.parseFile("A:b\n# fine\nbroken\n") else {
            Issue.record("a broken line was accepted")
            return
        }
        #expect(error.reason.hasPrefix("line 3:"), "\(error)")
    }
}
