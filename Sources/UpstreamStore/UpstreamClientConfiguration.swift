public import NIOCore

/// How the shared ``StoreClient`` talks to bucket stores: its timeouts and its keep-alive pools. No redirect is
/// followed (a store's 3xx is the client's to see) and nothing is decompressed (bodies pass through as stored).
public struct UpstreamClientConfiguration: Sendable {
    /// How long establishing a connection (TCP and TLS) may take before the request answers 503.
    public var connectTimeout: TimeAmount
    /// How long the store may stay silent while a response is awaited or read before the request fails.
    public var readTimeout: TimeAmount
    /// How long an idle kept-alive connection stays in the pool.
    public var idleConnectionTimeout: TimeAmount
    /// Connections open to one store origin from each event loop, idle or busy; a request beyond them waits for
    /// one to come free, in order.
    public var maximumConnectionsPerHost: Int
    /// A PEM file of CA certificates trusted for `https` stores besides the system's trust store.
    public var caBundle: String?

    public init(
        connectTimeout: TimeAmount = .seconds(5),
        readTimeout: TimeAmount = .seconds(60),
        idleConnectionTimeout: TimeAmount = .seconds(60),
        maximumConnectionsPerHost: Int = 16,
        caBundle: String? = nil
    ) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.idleConnectionTimeout = idleConnectionTimeout
        self.maximumConnectionsPerHost = maximumConnectionsPerHost
        self.caBundle = caBundle
    }
}
