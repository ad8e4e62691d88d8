import Foundation
import MallocCounter

// aprouter-bench CASE [--iterations N] [--rounds R] [--variant NAME] [--once] [--size BYTES]
// aprouter-bench nio-proxy --listen IP:PORT --origin IP:PORT --certificate PEM-FILE --key PEM-FILE
//
//   CASE         sigv4-header | chunked | policy | dns-answer | router-request
//   --iterations operations per timed round (for chunked: whole bodies)
//   --rounds     timed rounds after one untimed warm-up; the line reports the median round
//   --variant    run only this variant (sigv4-header: warm, cold, presigned, sign; chunked: aws-chunked, sha256,
//                sha256-checker, crc32, crc32c, crc64nvme; policy: decision, request; dns-answer: udp;
//                router-request: stub-store, upstream-build, upstream-answer, request-parse)
//   --once       no warm-up and no timing: run N operations of one variant once and print the checksum and the
//                allocations made during those N operations; this is the form run under callgrind, where
//                instructions per operation = (I(N2) − I(N1)) / (N2 − N1), allocations likewise
//   --size       chunked only: decoded payload bytes per body (default 64 MiB)
//
//   nio-proxy    not a timed case: the bare SwiftNIO TLS reverse proxy that bench/router/run.sh measures as the
//                floor under aprouter (see NIOProxy.swift); it serves until stopped

let usage = """
    usage: aprouter-bench sigv4-header|chunked|policy|dns-answer|router-request [--iterations N] [--rounds R] [--variant NAME] [--once] \
    [--size BYTES]
           \(NIOProxy.synopsis)
    """

var arguments = Array(CommandLine.arguments.dropFirst())
guard let caseName = arguments.first else { fail(usage) }
arguments.removeFirst()
if caseName == "nio-proxy" { NIOProxy.run(arguments) }

var iterations: Int?
var rounds = 5
var only: String?
var once = false
var shape = ChunkedCase.Shape()
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    func value() -> String {
        guard !arguments.isEmpty else { fail("\(flag) needs a value\n\(usage)") }
        return arguments.removeFirst()
    }
    func number() -> Int {
        let text = value()
        guard let number = Int(text), number > 0 else { fail("\(flag) needs a positive number, not '\(text)'") }
        return number
    }
    switch flag {
    case "--iterations": iterations = number()
    case "--rounds": rounds = number()
    case "--variant": only = value()
    case "--once": once = true
    case "--size": shape.size = number()
    default: fail("unknown argument '\(flag)'\n\(usage)")
    }
}

let variants: [Variant]
let defaultIterations: Int
switch caseName {
case "sigv4-header":
    variants = SigV4HeaderCase.variants()
    defaultIterations = 20_000
case "chunked":
    variants = ChunkedCase.variants(shape)
    defaultIterations = 1
case "policy":
    variants = PolicyCase.variants()
    defaultIterations = 100_000
case "dns-answer":
    variants = DNSAnswerCase.variants()
    defaultIterations = 200_000
case "router-request":
    variants = RouterRequestCase.variants()
    defaultIterations = 20_000
default:
    fail("unknown case '\(caseName)'\n\(usage)")
}

let selected = variants.filter { only == nil || $0.name == only }
guard !selected.isEmpty else {
    fail("\(caseName) has no variant '\(only ?? "")'; it has \(variants.map(\.name).joined(separator: ", "))")
}
let n = iterations ?? defaultIterations

if once {
    guard selected.count == 1 else { fail("--once runs one variant; name it with --variant") }
    let before = malloc_counter_allocations()
    let checksum = selected[0].run(n)
    let allocations = malloc_counter_allocations() - before
    print("\(caseName) \(selected[0].name) × \(n): checksum \(String(checksum, radix: 16)), allocations \(allocations)")
} else {
    var timings: [Timing] = []
    for variant in selected {
        let timing = Harness.time(variant, iterations: n, rounds: rounds)
        timings.append(timing)
        print(Harness.line(caseName, timing))
    }
    if caseName == "chunked", let chunked = timings.first(where: { $0.variant.name == "aws-chunked" }),
        let sha = timings.first(where: { $0.variant.name == "sha256" })
    {
        print(
            "| chunked ratio | aws-chunked / sha256 throughput = "
                + "\(Harness.format(sha.median / chunked.median, digits: 2)) | | | |"
        )
    }
}
