#ifndef C_NETWORK_NAMESPACE_H
#define C_NETWORK_NAMESPACE_H

/// Makes a socket inside the network namespace open at `namespace_fd`, leaving the calling thread in the namespace
/// open at `home_fd` again (setns(2) with CLONE_NEWNET: a socket belongs to the namespace it was made in, whatever
/// thread later uses it). Returns the socket, or -1 with errno set. Returns -2 if the thread could not get back
/// home, which leaves it in the wrong namespace: the caller must stop the process.
int cnetns_socket_in(int namespace_fd, int home_fd, int domain, int type, int protocol);

#endif
