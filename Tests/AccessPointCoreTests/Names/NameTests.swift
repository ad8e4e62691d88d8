import AccessPointCore
import Testing

struct AccessPointNameTests {
    @Test(arguments: ["abc", "my-ap", "a-1", "finance-docs", "0ap", String(repeating: "a", count: 50), "ap-s3alias1"])
    func acceptsValidNames(_ name: String) throws {
        #expect(try AccessPointName(validating: name).rawValue == name)
    }

    /// Name → the rule it breaks (spec §3 and §7).
    static let invalid: [(String, NameError)] = [
        ("ab", .tooShort),
        ("", .tooShort),
        (String(repeating: "a", count: 51), .tooLong),
        ("-ap", .badFirstCharacter),
        ("ap-", .badLastCharacter),
        ("my_ap", .invalidCharacter),
        ("MyAp", .invalidCharacter),
        ("my.ap", .invalidCharacter),
        ("my ap", .invalidCharacter),
        ("myäp", .invalidCharacter),
        ("logs-s3alias", .reservedSuffix),
        ("logs-ext-s3alias", .reservedSuffix),
    ]

    @Test(arguments: Self.invalid)
    func refusesInvalidNames(_ name: String, rule: NameError) {
        #expect(throws: rule) { try AccessPointName(validating: name) }
    }

    @Test func reasonsNameTheRuleAndTheName() {
        do {
            _ = try AccessPointName(validating: "my_ap")
            Issue.record("my_ap was accepted")
        } catch {
            #expect(
                error.reason
                    == "access point name 'my_ap' contains '_'; only lower-case letters, digits and '-' are allowed"
            )
        }
        do {
            _ = try AccessPointName(validating: "my ap")
            Issue.record("'my ap' was accepted")
        } catch {
            #expect(error.reason.contains("a space"))
        }
    }
}

struct MultiRegionAccessPointNameTests {
    static let table: [(String, NameError?)] = [
        ("my-mrap", nil), ("abc", nil), (String(repeating: "m", count: 50), nil),
        ("ab", .tooShort), (String(repeating: "m", count: 51), .tooLong), ("-mrap", .badFirstCharacter),
        ("mrap-", .badLastCharacter), ("My-Mrap", .invalidCharacter), ("my.mrap", .invalidCharacter),
    ]

    @Test(arguments: Self.table)
    func validates(_ name: String, rule: NameError?) {
        if let rule {
            #expect(throws: rule) { try MultiRegionAccessPointName(validating: name) }
        } else {
            #expect(throws: Never.self) { try MultiRegionAccessPointName(validating: name) }
        }
    }

    static let aliases: [(String, NameError?)] = [
        ("mfzwi23gnjvgw.mrap", nil), ("a.mrap", nil),
        ("mfzwi23gnjvgw", .invalidFormat), (".mrap", .tooShort), ("1abc.mrap", .badFirstCharacter),
        ("ab-c.mrap", .invalidCharacter), ("Abc.mrap", .badFirstCharacter),
        (String(repeating: "a", count: 59) + ".mrap", .tooLong),
    ]

    @Test(arguments: Self.aliases)
    func validatesAliases(_ alias: String, rule: NameError?) {
        if let rule {
            #expect(throws: rule) { try MultiRegionAccessPointAlias(validating: alias) }
        } else {
            #expect(throws: Never.self) { try MultiRegionAccessPointAlias(validating: alias) }
        }
    }
}

struct BucketNameTests {
    static let table: [(String, NameError?)] = [
        ("example-bucket", nil), ("my.dotted.bucket", nil), ("abc", nil), ("123", nil),
        ("ab", .tooShort), (String(repeating: "b", count: 64), .tooLong), ("Bucket", .invalidCharacter),
        ("my_bucket", .invalidCharacter), (".bucket", .badFirstCharacter), ("bucket-", .badLastCharacter),
        ("my..bucket", .consecutivePeriods), ("192.168.5.4", .ipAddressFormat), ("xn--bucket", .reservedPrefix),
        ("sthree-bucket", .reservedPrefix), ("amzn-s3-demo-bucket", .reservedPrefix), ("logs-s3alias", .reservedSuffix),
        ("logs--ol-s3", .reservedSuffix), ("logs.mrap", .reservedSuffix), ("logs--x-s3", .reservedSuffix),
    ]

    @Test(arguments: Self.table)
    func validates(_ name: String, rule: NameError?) {
        if let rule {
            #expect(throws: rule) { try BucketName(validating: name) }
        } else {
            #expect(throws: Never.self) { try BucketName(validating: name) }
        }
    }
}

struct AccountAndRegionTests {
    @Test(arguments: [
        ("123456789012", true), ("000000000000", true), ("12345678901", false), ("1234567890123", false),
        ("12345678901a", false), ("", false), ("１２３４５６７８９０１２", false),
    ])
    func accountIDs(_ text: String, valid: Bool) {
        #expect(AccountID.isValid(text) == valid)
        #expect(((try? AccountID(validating: text)) != nil) == valid)
    }

    @Test(arguments: [
        ("us-west-2", "aws"), ("eu-central-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"),
        ("ap-southeast-2", "aws"), ("il-central-1", "aws"), ("us-isob-east-1", "aws-iso-b"),
    ])
    func regionsAndPartitions(_ text: String, partition: String) throws {
        #expect(try Region(validating: text).partition == partition)
    }

    @Test(arguments: [
        "us-west", "uswest-2", "us-west-", "US-WEST-2", "u-west-2", "us--west-2", "us-west-123", "", "dualstack", "s3",
    ])
    func refusesNonRegions(_ text: String) {
        #expect(throws: NameError.invalidFormat) { try Region(validating: text) }
    }
}
