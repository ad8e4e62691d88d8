import Foundation
import FuzzHarnesses
import Testing

/// Every input of fuzz/corpus/HARNESS/ (the seeds and what the fuzzer kept) and of fuzz/regressions/HARNESS/ (every
/// input that once failed, named after what it found) through its harness, in the normal build: a property that
/// does not hold stops the test process, as it stops the fuzzer.
///
/// One at a time, and with ``SeedTests``: the router's harness counts what reaches its stores, which another
/// request running beside it would change.
@Suite(.serialized)
struct FuzzHarnessesTests {}

extension FuzzHarnessesTests {
    @Suite struct ReplayTests {
        static let fuzz = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fuzz")

        static func inputs(_ folder: String, _ harness: FuzzHarness) -> [URL] {
            let directory = fuzz.appendingPathComponent(folder).appendingPathComponent(harness.rawValue)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return names.sorted().map { directory.appendingPathComponent($0) }
        }

        @Test(arguments: FuzzHarness.allCases)
        func corpusAndRegressions(_ harness: FuzzHarness) async throws {
            let corpus = Self.inputs("corpus", harness)
            // Every harness has seeds: an empty folder would make this test pass without running anything.
            #expect(corpus.count >= 3, "fuzz/corpus/\(harness.rawValue) has \(corpus.count) inputs")
            for input in corpus + Self.inputs("regressions", harness) {
                await harness.replay(Array(try Data(contentsOf: input)))
            }
        }
    }
}
