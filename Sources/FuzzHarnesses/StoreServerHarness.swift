import AccessPointCore
import NIOCore
import NIOHTTP1
import S3Auth
import S3HTTP
import S3Serving
import StoreServer

/// `aprouter store serve`'s request path, without sockets: up to four requests of a connection, read by the servers'
/// parser and handed to `StoreRequestHandler` (path-style and virtual-hosted addressing under `localhost`, SigV4 with
/// the store's own key) in front of the embedded store, new for each input (the router harness's `StoreSwitch`). The
/// first byte's low two bits say how the harness signs, as for the router (0 not, 1 headers with the body's hash,
/// 2 presigned, 3 headers with the request's own `x-amz-content-sha256`), with the store's key.
///
/// Properties, beyond no trap: every response has a status from 200 to 599 and an `x-amz-request-id`; a refusal the
/// server makes itself names its S3 error code; a request as sent reaches the store only with a signature of its own.
enum StoreServerHarness {
    static let signer = SigV4Signer(accessKeyID: "STOREKEY", secretAccessKey: "store-secret", region: "us-west-2")
    static let stores = StoreSwitch(buckets: ["example-bucket", "other-bucket"], folder: "store")
    static let counted = CountingStore(stores)

    static let handler: StoreRequestHandler = {
        do {
            return StoreRequestHandler(
                configuration: StoreServerConfiguration(
                    listen: ListenAddress(host: .v4(IPv4Address(0x7F00_0001)), port: 9000),
                    credentials: StaticCredentialLookup([
                        SigV4Credential(
                            accessKeyID: "STOREKEY",
                            secretAccessKey: "store-secret",
                            identity: SigV4Identity(
                                accountID: try AccountID(validating: "123456789012"),
                                userARN: "arn:aws:iam::123456789012:user/store",
                                userName: "store"
                            )
                        )
                    ]),
                    buckets: ["example-bucket", "other-bucket"],
                    started: RouterHarness.now
                ),
                store: counted,
                requestIDs: RandomS3RequestIDGenerator(),
                clock: { RouterHarness.now }
            )
        } catch {
            preconditionFailure("the store server harness's account does not validate: \(error)")
        }
    }()

    static func run(_ input: UnsafeRawBufferPointer) {
        guard let first = input.first else { return }
        let requests = RouterHarness.requests(UnsafeRawBufferPointer(rebasing: input.dropFirst()))
        guard !requests.isEmpty else { return }
        let mode = first & 0x3
        stores.reset()
        for request in requests {
            let (target, fields) =
                mode == 0
                ? (request.head.target, request.head.fields) : RouterHarness.sign(request, mode: mode, by: signer)
            let calls = counted.calls
            let (status, headers, body, record) = RouterHarness.blocking {
                var record = StoreRequestHandler.Record()
                let response = await handler.respond(
                    method: "\(request.head.method)",
                    target: target,
                    headers: fields.fields,
                    body: S3Body(ByteBuffer(bytes: request.body)),
                    record: &record
                )
                let body = (try? await response.body.collectedBytes(upTo: 1 << 20)) ?? nil
                return (response.status, response.headers, body, record)
            }
            RouterHarness.checkAnswer(
                to: request,
                status: status,
                headers: headers,
                refusal: record.errorCode != nil ? body ?? [] : nil,
                signedByHarness: mode != 0,
                reachedStore: counted.calls != calls
            )
            if let code = record.errorCode, request.head.method != .HEAD {
                let text = String(decoding: body ?? [], as: UTF8.self)
                require(text.contains("<Code>\(code)</Code>"), "the refusal names another code than \(code): \(text)")
            }
        }
    }
}
