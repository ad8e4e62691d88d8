/// Forwarding to an S3-compatible server (issue 7). Placeholder until it lands.
enum UpstreamStoreModule {}
