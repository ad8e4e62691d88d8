/// The embedded file-backed bucket store (issue 9). Placeholder until it lands.
enum BucketStoreModule {}
