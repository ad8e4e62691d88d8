public import Prometheus
import Synchronization

/// What `/metrics` reports, in Prometheus's text format: requests by operation, outcome and status, bytes in and
/// out, request latency, upstream errors and TLS handshakes.
///
/// Collectors are created once per label set and kept here; the per-request cost is one small dictionary lookup and a
/// few atomic increments. (Asking the registry instead re-validates the metric name, label names and help text
/// Character by Character on every call.)
public final class RouterMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let requests = Mutex<[RequestLabels: Counter]>([:])
    private let bytesIn: Counter
    private let bytesOut: Counter
    private let upstreamErrors: Counter
    private let handshakes: Counter
    private let latency: DurationHistogram

    /// The requests counter's descriptor; built per call because the library's type is not `Sendable`.
    static var requestsDescriptor: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "aprouter",
            metricName: "requests",
            unitName: "total",
            helpText: "Requests answered, by S3 operation, outcome (ok, denied, error, client_closed) and HTTP status."
        )
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        func counter(_ name: String, _ unit: String, _ help: String) -> Counter {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "aprouter",
                    metricName: name,
                    unitName: unit,
                    helpText: help
                )
            )
        }
        bytesIn = counter("received", "bytes_total", "Request body bytes received from clients.")
        bytesOut = counter("sent", "bytes_total", "Response body bytes sent to clients.")
        upstreamErrors = counter(
            "upstream_errors",
            "total",
            "Requests a bucket store could not answer (503 ServiceUnavailable from the router)."
        )
        handshakes = counter("tls_handshakes", "total", "TLS handshakes completed on the HTTPS listener.")
        latency = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "aprouter",
                metricName: "request_duration",
                unitName: "seconds",
                helpText: "Time from a request's head to the end of its response."
            ),
            labels: [],
            buckets: [
                .microseconds(250), .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100),
                .milliseconds(500), .seconds(2), .seconds(10), .seconds(60),
            ]
        )
    }

    func recordRequest(
        operation: String,
        outcome: String,
        status: Int,
        bytesIn received: Int,
        bytesOut sent: Int,
        duration: Duration
    ) {
        let labels = RequestLabels(operation: operation, outcome: outcome, status: status)
        let counter = requests.withLock { counters in
            if let counter = counters[labels] { return counter }
            let counter = registry.makeCounter(
                descriptor: Self.requestsDescriptor,
                labels: [("operation", operation), ("outcome", outcome), ("status", String(status))]
            )
            counters[labels] = counter
            return counter
        }
        counter.increment()
        if received > 0 { bytesIn.increment(by: Int64(received)) }
        if sent > 0 { bytesOut.increment(by: Int64(sent)) }
        latency.record(duration)
    }

    /// One time series of the requests counter.
    private struct RequestLabels: Hashable {
        let operation: String
        let outcome: String
        let status: Int
    }

    func recordUpstreamError() { upstreamErrors.increment() }

    func recordHandshake() { handshakes.increment() }

    /// The exposition text.
    public func render() -> [UInt8] { registry.emitToBuffer() }
}
