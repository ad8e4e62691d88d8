/// One HTTP header field as it arrived or will be sent: a name in any case and its value.
///
/// The one representation the seams share: a server's parsed fields (`S3Headers`), the request SigV4 signs and
/// verifies (`SigV4Request`), and the request a store client writes all hold arrays of it, so a request's fields go
/// from one to the next as the same array, not copied pair by pair into another type.
public struct HTTPField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
