public import AccessPointCore
internal import CNetworkNamespace
import Glibc
import NIOCore

/// A named network namespace (`ip netns add NAME`, a file under /run/netns) in which a server can listen while
/// the process itself stays in the host's namespace: the network lab's listeners live in its router namespace,
/// while the upstream stores and resolvers the router talks to are reached from the host's.
///
/// Only the `socket(2)` call runs inside the namespace; a socket keeps its namespace for life, so binding,
/// listening and everything NIO does with it afterwards happens on any thread.
public struct NetworkNamespace: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    public init(name: String) { self.name = name }

    /// Where `ip netns` keeps the namespace.
    public var path: String { "/run/netns/\(name)" }

    public var description: String { name }

    public enum SocketKind: Sendable {
        /// A TCP socket, listening with this backlog.
        case stream(backlog: Int32)
        case datagram
    }

    /// A socket made inside this namespace and bound to `address` there (listening, for a stream), ready to hand
    /// to NIO's `withBoundSocket` or `bind(_:)`. The caller owns the descriptor.
    public func boundSocket(_ kind: SocketKind, at address: ListenAddress) throws -> CInt {
        let target = open(path, O_RDONLY | O_CLOEXEC)
        guard target >= 0 else { throw NetworkNamespaceError("cannot open \(path)", errno: errno) }
        defer { close(target) }
        let home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard home >= 0 else { throw NetworkNamespaceError("cannot open this thread's namespace", errno: errno) }
        defer { close(home) }
        let socketAddress = try SocketAddress(ipAddress: address.host.description, port: address.port)
        let domain = socketAddress.protocol.rawValue
        let type: CInt
        switch kind {
        case .stream: type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue) | CInt(SOCK_NONBLOCK.rawValue)
        case .datagram: type = CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue) | CInt(SOCK_NONBLOCK.rawValue)
        }
        let fd = cnetns_socket_in(target, home, domain, type, 0)
        // A thread left in the lab's namespace would make every later socket of the process there: stop.
        precondition(fd != -2, "could not return to the host's network namespace after making a socket in \(name)")
        guard fd >= 0 else { throw NetworkNamespaceError("cannot make a socket in namespace \(name)", errno: errno) }
        do {
            if case .stream = kind {
                var one: CInt = 1
                guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
                    throw NetworkNamespaceError("SO_REUSEADDR", errno: errno)
                }
            }
            let bound = socketAddress.withSockAddr { pointer, size in bind(fd, pointer, socklen_t(size)) }
            guard bound == 0 else {
                throw NetworkNamespaceError("cannot bind \(address) in namespace \(name)", errno: errno)
            }
            if case .stream(let backlog) = kind, listen(fd, backlog) != 0 {
                throw NetworkNamespaceError("cannot listen on \(address) in namespace \(name)", errno: errno)
            }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }
}

public struct NetworkNamespaceError: Error, CustomStringConvertible {
    public var description: String

    init(_ what: String, errno code: CInt) {
        description = "\(what): \(String(cString: strerror(code)))"
    }
}
