// swift-tools-version: 6.2
//
// Benchmarks for the pure libraries of AccessPointRouter and for the DNS answer path (see README.md beside this
// file). A package of its own so that the root package's build, tests and CI never compile it; it reaches the
// libraries through the root's products.

import PackageDescription

let package = Package(
    name: "aprouter-bench",
    platforms: [.macOS(.v15)],
    dependencies: [
        // `AccessPointRouter` is a symlink to `..`: SwiftPM names a path dependency after its directory, so a checkout
        // called `bench` (like this folder) would collide with this package; the link gives the root a stable name.
        .package(name: "AccessPointRouter", path: "AccessPointRouter"),
        // The reference for the aws-chunked figure: plain SHA-256 of the same bytes, from the same library S3Auth uses.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // The floor of the HTTPS proxy benchmark (nio-proxy): a bare TLS reverse proxy on the stack aprouter uses. The
        // root package pins both, so nothing new resolves.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
    ],
    targets: [
        // Counts every allocation of the process (see MallocCounter.c): allocations per operation, printed by --once.
        .target(name: "MallocCounter"),
        .executableTarget(
            name: "aprouter-bench",
            dependencies: [
                "MallocCounter",
                .product(name: "PrivateDNS", package: "AccessPointRouter"),
                .product(name: "S3Auth", package: "AccessPointRouter"),
                .product(name: "PolicyEngine", package: "AccessPointRouter"),
                .product(name: "AccessPointCore", package: "AccessPointRouter"),
                .product(name: "Router", package: "AccessPointRouter"),
                .product(name: "UpstreamStore", package: "AccessPointRouter"),
                .product(name: "S3HTTP", package: "AccessPointRouter"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
                .enableUpcomingFeature("InternalImportsByDefault"),
                .treatAllWarnings(as: .error),
            ]
        ),
    ]
)
