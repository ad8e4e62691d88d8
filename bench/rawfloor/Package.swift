// swift-tools-version: 6.0
//
// rawproxy: the HTTPS proxy benchmark's third floor (see README.md beside this file): an HTTPS reverse proxy in Swift
// without SwiftNIO (one thread, epoll, the system's OpenSSL 3), to measure what the language costs apart from the
// stack. A package of its own with no dependencies: it builds in seconds, and neither the root package nor CI
// compiles it.

import PackageDescription

#if canImport(Glibc)
import Glibc
#endif

// RAWASYNC_NONSENDING=1 swift build -c release --scratch-path .build-nonsending: the variant in which nonisolated
// async functions run on their caller's executor (SE-0461), so entering one is not a hop (swift_task_switch).
let nonsending = getenv("RAWASYNC_NONSENDING").map { String(cString: $0) } == "1"

let package = Package(
    name: "rawfloor",
    targets: [
        // libssl-dev: the OpenSSL 3 nginx links on Debian, so both proxies run the same TLS code.
        .systemLibrary(
            name: "COpenSSL",
            path: "Sources/COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // Built like aprouter (release, the default -O with its runtime checks), so the two compare fairly.
        .executableTarget(
            name: "rawproxy",
            dependencies: ["COpenSSL"],
            swiftSettings: nonsending ? [.enableUpcomingFeature("NonisolatedNonsendingByDefault")] : []
        ),
    ]
)
