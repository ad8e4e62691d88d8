internal import AccessPointCore
internal import S3HTTP

extension EmbeddedBucketStore {
    /// DeleteObjects: up to 1000 keys from a `<Delete>` body, each deleted on its own; `<Quiet>true` reports
    /// only the failures.
    func deleteObjects(_ request: BucketRequest, _ storage: BucketStorage) async throws(S3Error) -> S3Response {
        let document = try await xmlBody(request, root: "Delete")
        let quiet = document.child("Quiet")?.text.trimmingSpaces.lowercased() == "true"
        let objects = document.children(named: "Object")
        guard !objects.isEmpty, objects.count <= 1000 else { throw .malformedXML }
        // Each key, and the ETag a conditional delete names for it.
        var keys: [(key: String, etag: String?)] = []
        for object in objects {
            guard let key = object.child("Key")?.text else { throw .malformedXML }
            keys.append((key, object.child("ETag")?.text))
        }
        var writer = XMLWriter(root: "DeleteResult")
        for (key, etag) in keys {
            let outcome: S3Error?
            if key.isEmpty || key.utf8.count > BucketOperation.maximumKeyLength {
                outcome = .invalidArgument.because("Invalid key")
            } else {
                do {
                    try await storage.delete(key, check: Self.deleteCondition(ifMatch: etag))
                    outcome = nil
                } catch {
                    outcome = error
                }
            }
            if let outcome {
                writer.element("Error") { element in
                    element.element("Key", key)
                    element.element("Code", outcome.code)
                    element.element("Message", outcome.message)
                }
            } else if !quiet {
                writer.element("Deleted") { $0.element("Key", key) }
            }
        }
        writer.close("DeleteResult")
        return xml(writer, request)
    }
}
