// swift-tools-version: 6.2
//
// AccessPointRouter: Amazon S3 access points for any network.
// Dependencies point one way: executable → servers → adapters → pure core (see README, "Architecture").

import PackageDescription

/// Every target of ours: Swift 6 mode, the upcoming features the style guide asks for, warnings are errors.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "AccessPointRouter",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "aprouter", targets: ["aprouter"]),
        .library(name: "AccessPointCore", targets: ["AccessPointCore"]),
        .library(name: "S3Auth", targets: ["S3Auth"]),
        .library(name: "PolicyEngine", targets: ["PolicyEngine"]),
        .library(name: "LabPKI", targets: ["LabPKI"]),
        // For bench/ (aprouter-bench dns-answer), which reaches the answer path through `@_spi(Benchmarks)`.
        .library(name: "PrivateDNS", targets: ["PrivateDNS"]),
        // For bench/ (aprouter-bench router-request): the request stages and, through `@_spi(Benchmarks)`, the
        // forwarder's request building.
        .library(name: "Router", targets: ["Router"]),
        .library(name: "UpstreamStore", targets: ["UpstreamStore"]),
        .library(name: "S3HTTP", targets: ["S3HTTP"]),
        // For fuzz/ (the libFuzzer build of `aprouter-fuzz`): one harness per reader of network input.
        .library(name: "FuzzHarnesses", targets: ["FuzzHarnesses"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Pure: standard library only. Names, ARNs, hosts, CIDR tables, the lab model, the S3 error catalogue.
        .target(name: "AccessPointCore", swiftSettings: strictSettings),
        // Pure: SigV4 and SigV4A verification and signing. Clocks arrive as parameters.
        .target(
            name: "S3Auth",
            dependencies: [
                "AccessPointCore",
                // SHA-256 of the signatures on the request path, without an allocation per hash (SHA256State).
                "COpenSSL",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // Pure: IAM policy documents, condition operators, the access point evaluation model, Block Public Access.
        .target(name: "PolicyEngine", dependencies: ["AccessPointCore"], swiftSettings: strictSettings),
        // Adapter: the lab's certificate authority and server certificates for every endpoint suffix.
        .target(
            name: "LabPKI",
            dependencies: [
                "AccessPointCore",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
        // Server: the HTTPS router (TLS by SNI, host classification, SigV4) and the plain-HTTP refusal listener.
        .target(
            name: "Router",
            dependencies: [
                "NetworkAddressing",
                "AccessPointCore",
                "S3Auth",
                "S3HTTP",
                "S3Serving",
                "SocketEngine",
                "PolicyEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        // Adapter: libldns (Debian libldns-dev), imported internally by PrivateDNS/LDNS only.
        // Adapter: socket addresses as the core's IP addresses, for every server that decides by source address;
        // listening sockets made inside a network namespace (the network lab).
        .target(
            name: "NetworkAddressing",
            dependencies: ["AccessPointCore", "CNetworkNamespace", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        // Adapter: the network lab's namespaces on this host (ip(8)), and its record under /run/aprouter.
        .target(name: "LabNamespaces", dependencies: ["AccessPointCore"], swiftSettings: strictSettings),
        // Adapter: setns(2), which Swift's Glibc module does not export (it needs _GNU_SOURCE).
        .target(name: "CNetworkNamespace"),
        // Adapter: recvmmsg(2), sendmmsg(2) and struct mmsghdr for the DNS server's UDP loop (they need _GNU_SOURCE).
        .target(name: "CDatagramBatch"),
        // Adapter: epoll(7), eventfd and accept4 for the socket engine (the epoll event is packed; accept4 needs
        // _GNU_SOURCE).
        .target(name: "CEventPoll"),
        // Adapter: the system's OpenSSL 3 (Debian libssl-dev), imported internally by SocketEngine only.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // Adapter: the data plane's I/O without SwiftNIO: an epoll thread that is its tasks' executor, nonblocking
        // TCP, and TLS by the system's OpenSSL reading the socket itself (see SocketLoop, and bench/README.md).
        .target(
            name: "SocketEngine",
            dependencies: ["AccessPointCore", "CEventPoll", "COpenSSL"],
            swiftSettings: strictSettings
        ),
        // Adapter: glibc's mallopt, which Swift's Glibc module does not export (see aprouter's MemoryTuning).
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CLDNS", pkgConfig: "ldns", providers: [.apt(["libldns-dev"])]),
        // Server: the private-hosted-zone DNS emulator (zones, views, lookup, wire codec, UDP and TCP listeners).
        .target(
            name: "PrivateDNS",
            dependencies: [
                "NetworkAddressing",
                "AccessPointCore",
                "CLDNS",
                "CDatagramBatch",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["LDNS/README.md"],
            swiftSettings: strictSettings
        ),
        // Adapter: reads a lab file and turns YAML into the core's `ConfigNode` tree; renders a configuration back.
        .target(
            name: "LabConfigurationLoader",
            dependencies: ["AccessPointCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        // Adapter: the seam the servers share: S3 requests and responses, `S3Responder`, errors rendered as XML.
        .target(
            name: "S3HTTP",
            dependencies: ["AccessPointCore", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        // Adapter: what the HTTP servers share once a request is parsed: the connection's streamed request bodies,
        // payload-checked and aws-chunked bodies, the fields a store is handed, and streaming response writes.
        .target(
            name: "S3Serving",
            dependencies: [
                "AccessPointCore",
                "S3Auth",
                "S3HTTP",
                "SocketEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Server: `aprouter store serve`, any BucketResponder served alone as an S3-compatible HTTP endpoint, every
        // request SigV4-authenticated, path-style or virtual-hosted.
        .target(
            name: "StoreServer",
            dependencies: [
                "AccessPointCore",
                "S3Auth",
                "S3HTTP",
                "S3Serving",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Adapter: durable access point state on SQLite (GRDB), behind `AccessPointRegistry`.
        // Server: the embedded file-backed bucket store (a BucketResponder served in-process by the router).
        .target(
            name: "BucketStore",
            dependencies: [
                "AccessPointCore",
                "S3Auth",
                "S3HTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // Adapter: forwards bucket requests to any S3-compatible server, re-signed with the store's credentials; on
        // NIO's event loops, or on the socket engine's for a caller there.
        .target(
            name: "UpstreamStore",
            dependencies: [
                "AccessPointCore",
                "S3HTTP",
                "S3Auth",
                "SocketEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Registry",
            dependencies: ["AccessPointCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        // Server: the S3 Control REST-XML operations, one file per operation, behind `S3Responder`.
        .target(
            name: "ControlAPI",
            dependencies: ["AccessPointCore", "PolicyEngine", "S3HTTP", "Registry"],
            swiftSettings: strictSettings
        ),
        // The one binary. Wiring only.
        .executableTarget(
            name: "aprouter",
            dependencies: [
                "CMalloc",
                "UpstreamStore",
                "BucketStore",
                "AccessPointCore",
                "LabConfigurationLoader",
                "PrivateDNS",
                "Registry",
                "Router",
                "StoreServer",
                "S3Auth",
                "ControlAPI",
                "LabPKI",
                "LabNamespaces",
                "NetworkAddressing",
                "S3HTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Test support: the harnesses the test targets share (running third-party judges off the cooperative pool).
        .target(name: "APRouterTestSupport", swiftSettings: strictSettings),
        // Test support: the fuzz harnesses, one per reader of network input, each with the properties it checks
        // (fuzz/README.md). fuzz/ builds them into a libFuzzer binary; FuzzHarnessesTests replays the corpus and
        // every input that once failed through the normal build.
        .target(
            name: "FuzzHarnesses",
            dependencies: [
                "AccessPointCore",
                "BucketStore",
                "ControlAPI",
                "Registry",
                "S3Auth",
                "S3HTTP",
                "S3Serving",
                "PolicyEngine",
                "PrivateDNS",
                "Router",
                "StoreServer",
                "UpstreamStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AccessPointCoreTests",
            dependencies: ["AccessPointCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "S3AuthTests",
            dependencies: ["S3Auth", "AccessPointCore", "APRouterTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PolicyEngineTests",
            dependencies: ["PolicyEngine", "AccessPointCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LabConfigurationLoaderTests",
            dependencies: ["LabConfigurationLoader", "AccessPointCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LabPKITests",
            dependencies: [
                "LabPKI",
                "AccessPointCore",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PrivateDNSTests",
            dependencies: [
                "PrivateDNS",
                "AccessPointCore",
                "APRouterTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "S3HTTPTests",
            dependencies: ["S3HTTP", "AccessPointCore", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RegistryTests",
            dependencies: ["Registry", "AccessPointCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ControlAPITests",
            dependencies: [
                "ControlAPI",
                "Registry",
                "S3HTTP",
                "PolicyEngine",
                "AccessPointCore",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RouterTests",
            dependencies: [
                "Router",
                "APRouterTestSupport",
                "S3HTTP",
                "S3Auth",
                "S3Serving",
                "SocketEngine",
                "AccessPointCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BucketStoreTests",
            dependencies: [
                "BucketStore",
                "S3Auth",
                "S3HTTP",
                "AccessPointCore",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StoreServerTests",
            dependencies: [
                "StoreServer",
                "BucketStore",
                "S3Auth",
                "S3HTTP",
                "AccessPointCore",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "UpstreamStoreTests",
            dependencies: [
                "UpstreamStore",
                "SocketEngine",
                "S3HTTP",
                "S3Auth",
                "AccessPointCore",
                "APRouterTestSupport",
                "LabPKI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FuzzHarnessesTests",
            dependencies: ["FuzzHarnesses", "Router"],
            swiftSettings: strictSettings
        ),
        // Runs the built `aprouter` binary as a user would.
        .testTarget(
            name: "SocketEngineTests",
            dependencies: ["SocketEngine", "AccessPointCore", "LabPKI", "APRouterTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["aprouter", "Registry", "AccessPointCore", "APRouterTestSupport"],
            exclude: ["README.md", "Scripts"],
            swiftSettings: strictSettings
        ),
    ]
)
