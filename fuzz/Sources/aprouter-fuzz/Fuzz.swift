import FuzzHarnesses

#if canImport(Glibc)
import Glibc
#endif

/// The harness this process runs, named by `APROUTER_FUZZ` (fuzz/run.sh sets it): libFuzzer's flags and corpus
/// folders are its own, so the harness is chosen apart from them.
let harness: FuzzHarness = {
    let names = FuzzHarness.allCases.map(\.rawValue).joined(separator: ", ")
    guard let name = getenv("APROUTER_FUZZ").map({ String(cString: $0) }) else {
        fatalError("set APROUTER_FUZZ to one of: \(names)")
    }
    guard let harness = FuzzHarness(rawValue: name) else {
        fatalError("APROUTER_FUZZ=\(name) names no harness; they are: \(names)")
    }
    return harness
}()

/// libFuzzer's entry point: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    harness.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
