//! TCP socket options and addresses that a connection's owner may set or read while it is
//! open: Node's `setNoDelay`, `setKeepAlive` and `address()`.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// An option of a connection's TCP socket, as Node's `net.Socket` sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SocketOption {
    /// `TCP_NODELAY`: send small writes at once instead of coalescing them (Nagle off).
    /// Connections start with it on.
    NoDelay(bool),
    /// `SO_KEEPALIVE`: `None` turns keep-alive probes off; `Some(idle)` turns them on,
    /// with the first probe after `idle` without traffic (`TCP_KEEPIDLE`) unless `idle`
    /// is zero, which keeps the system's delay (as Node's `setKeepAlive(true, 0)`).
    KeepAlive(Option<Duration>),
}

/// The options a TCP socket has now, as the kernel reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TcpSettings {
    /// `TCP_NODELAY`.
    pub no_delay: bool,
    /// `SO_KEEPALIVE`.
    pub keep_alive: bool,
    /// `TCP_KEEPIDLE`, where the platform reports it.
    pub keep_alive_idle: Option<Duration>,
}

/// A socket's descriptor (Unix) or handle (Windows), borrowed while its owner keeps it
/// open.
#[cfg(unix)]
pub(crate) type RawSocket = std::os::unix::io::RawFd;
/// A socket's descriptor (Unix) or handle (Windows), borrowed while its owner keeps it
/// open.
#[cfg(windows)]
pub(crate) type RawSocket = std::os::windows::io::RawSocket;

/// The raw socket of a TCP stream.
pub(crate) fn raw_tcp(stream: &tokio::net::TcpStream) -> RawSocket {
    #[cfg(unix)]
    return std::os::unix::io::AsRawFd::as_raw_fd(stream);
    #[cfg(windows)]
    return std::os::windows::io::AsRawSocket::as_raw_socket(stream);
}

/// Runs `f` on the socket `raw`.
///
/// # Safety
///
/// `raw` must be an open socket for the whole call.
pub(crate) unsafe fn with_raw<T>(raw: RawSocket, f: impl FnOnce(socket2::SockRef<'_>) -> T) -> T {
    #[cfg(unix)]
    // SAFETY: open for the call (the caller's contract).
    let borrowed = unsafe { std::os::unix::io::BorrowedFd::borrow_raw(raw) };
    #[cfg(windows)]
    // SAFETY: open for the call (the caller's contract).
    let borrowed = unsafe { std::os::windows::io::BorrowedSocket::borrow_raw(raw) };
    f(socket2::SockRef::from(&borrowed))
}

/// Sets `option` on a TCP socket.
pub(crate) fn apply(socket: &socket2::SockRef<'_>, option: SocketOption) -> io::Result<()> {
    match option {
        SocketOption::NoDelay(on) => socket.set_tcp_nodelay(on),
        SocketOption::KeepAlive(None) => socket.set_keepalive(false),
        SocketOption::KeepAlive(Some(idle)) if idle.is_zero() => socket.set_keepalive(true),
        SocketOption::KeepAlive(Some(idle)) => {
            socket.set_tcp_keepalive(&socket2::TcpKeepalive::new().with_time(idle))
        }
    }
}

/// What the kernel says a TCP socket's options are.
pub(crate) fn settings(socket: &socket2::SockRef<'_>) -> Option<TcpSettings> {
    Some(TcpSettings {
        no_delay: socket.tcp_nodelay().ok()?,
        keep_alive: socket.keepalive().ok()?,
        keep_alive_idle: keep_alive_idle(socket),
    })
}

#[cfg(all(unix, not(any(target_os = "openbsd", target_os = "haiku"))))]
fn keep_alive_idle(socket: &socket2::SockRef<'_>) -> Option<Duration> {
    socket.tcp_keepalive_time().ok()
}

#[cfg(not(all(unix, not(any(target_os = "openbsd", target_os = "haiku")))))]
fn keep_alive_idle(_socket: &socket2::SockRef<'_>) -> Option<Duration> {
    None
}

/// A TCP socket's local address.
pub(crate) fn local_addr(socket: &socket2::SockRef<'_>) -> Option<SocketAddr> {
    socket.local_addr().ok()?.as_socket()
}
