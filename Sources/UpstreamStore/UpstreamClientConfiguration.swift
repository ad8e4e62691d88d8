public import AsyncHTTPClient
public import NIOCore

/// How the shared HTTP client talks to bucket stores: its timeouts and its keep-alive pool.
///
/// The caller makes one `HTTPClient` from ``httpClientConfiguration`` for every ``UpstreamBucketStore`` and shuts it
/// down; the client is where AsyncHTTPClient applies these settings, per connection and per read.
public struct UpstreamClientConfiguration: Sendable {
    /// How long establishing a connection (TCP and TLS) may take before the request answers 503.
    public var connectTimeout: TimeAmount
    /// How long the store may stay silent while a response is awaited or read before the request fails.
    public var readTimeout: TimeAmount
    /// How long an idle kept-alive connection stays in the pool.
    public var idleConnectionTimeout: TimeAmount
    /// Connections kept per store host; requests beyond it wait for one.
    public var maximumConnectionsPerHost: Int

    public init(
        connectTimeout: TimeAmount = .seconds(5),
        readTimeout: TimeAmount = .seconds(60),
        idleConnectionTimeout: TimeAmount = .seconds(60),
        maximumConnectionsPerHost: Int = 16
    ) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.idleConnectionTimeout = idleConnectionTimeout
        self.maximumConnectionsPerHost = maximumConnectionsPerHost
    }

    /// The client's configuration: these timeouts and pool, no redirects followed (a store's 3xx is the client's
    /// to see), no decompression (bodies pass through as stored), no tracing.
    public var httpClientConfiguration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: connectTimeout, read: readTimeout)
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: idleConnectionTimeout,
            concurrentHTTP1ConnectionsPerHostSoftLimit: maximumConnectionsPerHost
        )
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        // No tracing spans: aprouter bootstraps no tracer, and starting the default no-op tracer's span on every
        // request still cost about 3% of a small GET's CPU time.
        configuration.tracing.tracer = nil
        return configuration
    }
}
