// swift-tools-version: 6.0
//
// rawproxy: the HTTPS proxy benchmark's third floor (see README.md beside this file): an HTTPS reverse proxy in Swift
// without SwiftNIO (one thread, epoll, the system's OpenSSL 3), to measure what the language costs apart from the
// stack. A package of its own with no dependencies: it builds in seconds, and neither the root package nor CI
// compiles it.

import PackageDescription

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
        .executableTarget(name: "rawproxy", dependencies: ["COpenSSL"]),
    ]
)
