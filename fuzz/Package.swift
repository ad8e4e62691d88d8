// swift-tools-version: 6.2
//
// The libFuzzer build of AccessPointRouter's fuzz harnesses (Sources/FuzzHarnesses in the root package), apart from
// the root package because libFuzzer supplies `main` and every module is built instrumented. fuzz/run.sh builds and
// runs it; fuzz/README.md says how.

import PackageDescription

let package = Package(
    name: "AccessPointRouterFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "AccessPointRouter", path: "..")],
    targets: [
        .executableTarget(
            name: "aprouter-fuzz",
            dependencies: [.product(name: "FuzzHarnesses", package: "AccessPointRouter")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ]
)
