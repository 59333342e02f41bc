//! Socket-level types shared by the engine's connections: [`PlainSocket`], a connected
//! plain stream socket outside tokio; [`PeerCredentials`], read from a Unix socket; and
//! the writability wait the owner-driven connections use while the kernel refuses bytes.

use std::io;
use std::sync::Arc;

use crate::error::IpcError;

/// A connected plain (not TLS) stream socket in non-blocking mode, owned outside tokio.
#[derive(Debug)]
pub enum PlainSocket {
    /// A Unix domain socket.
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixStream),
    /// A TCP socket (`TCP_NODELAY` set, as node-ipc's sockets have no Nagle delay
    /// worth keeping for request/response traffic).
    Tcp(std::net::TcpStream),
}

impl PlainSocket {
    /// Takes a Unix stream out of tokio's reactor.
    #[cfg(unix)]
    pub(crate) fn from_unix(stream: tokio::net::UnixStream) -> io::Result<PlainSocket> {
        let std = stream.into_std()?;
        std.set_nonblocking(true)?;
        Ok(PlainSocket::Unix(std))
    }

    /// Takes a TCP stream out of tokio's reactor.
    pub(crate) fn from_tcp(stream: tokio::net::TcpStream) -> io::Result<PlainSocket> {
        let _ = stream.set_nodelay(true);
        let std = stream.into_std()?;
        std.set_nonblocking(true)?;
        Ok(PlainSocket::Tcp(std))
    }

    pub(crate) fn sock(&self) -> socket2::SockRef<'_> {
        match self {
            #[cfg(unix)]
            PlainSocket::Unix(s) => socket2::SockRef::from(s),
            PlainSocket::Tcp(s) => socket2::SockRef::from(s),
        }
    }

    /// Sets a TCP socket option; `Ok(false)` on a Unix socket, which has none.
    pub fn set_option(&self, option: crate::sockopt::SocketOption) -> io::Result<bool> {
        match self {
            PlainSocket::Tcp(s) => {
                crate::sockopt::apply(&socket2::SockRef::from(s), option).map(|()| true)
            }
            #[cfg(unix)]
            PlainSocket::Unix(_) => Ok(false),
        }
    }

    /// The socket's pending error (`SO_ERROR`), if any, as a read error.
    pub fn take_error(&self) -> Option<IpcError> {
        match self.sock().take_error() {
            Ok(Some(e)) => Some(IpcError::io("read", "", e)),
            _ => None,
        }
    }

    /// A TCP socket's options; `None` on a Unix socket.
    pub fn tcp_settings(&self) -> Option<crate::sockopt::TcpSettings> {
        match self {
            PlainSocket::Tcp(s) => crate::sockopt::settings(&socket2::SockRef::from(s)),
            #[cfg(unix)]
            PlainSocket::Unix(_) => None,
        }
    }

    /// A TCP socket's local address; `None` on a Unix socket.
    pub fn local_addr(&self) -> Option<std::net::SocketAddr> {
        match self {
            PlainSocket::Tcp(s) => s.local_addr().ok(),
            #[cfg(unix)]
            PlainSocket::Unix(_) => None,
        }
    }

    /// The descriptor, for registering with an event loop.
    #[cfg(unix)]
    pub fn raw_fd(&self) -> std::os::unix::io::RawFd {
        std::os::unix::io::AsRawFd::as_raw_fd(self)
    }

    /// One `recv` into `buf`.
    pub(crate) fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        use std::io::Read;
        match self {
            #[cfg(unix)]
            PlainSocket::Unix(s) => (&*s).read(buf),
            PlainSocket::Tcp(s) => (&*s).read(buf),
        }
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsRawFd for PlainSocket {
    fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
        match self {
            PlainSocket::Unix(s) => s.as_raw_fd(),
            PlainSocket::Tcp(s) => s.as_raw_fd(),
        }
    }
}

/// Waits for a socket to become writable, registered with tokio for writability only
/// and only while a drain runs (the owner's own loop watches reads).
#[cfg(unix)]
pub(crate) struct Writability<T: std::os::unix::io::AsRawFd>(tokio::io::unix::AsyncFd<SharedFd<T>>);

/// A descriptor kept open by the registration that uses it.
#[cfg(unix)]
pub(crate) struct SharedFd<T>(Arc<T>);

#[cfg(unix)]
impl<T: std::os::unix::io::AsRawFd> std::os::unix::io::AsRawFd for SharedFd<T> {
    fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
        self.0.as_raw_fd()
    }
}

#[cfg(unix)]
impl<T: std::os::unix::io::AsRawFd> Writability<T> {
    /// Registers `socket` (on the current tokio runtime).
    pub(crate) fn new(socket: &Arc<T>) -> io::Result<Writability<T>> {
        let fd = SharedFd(Arc::clone(socket));
        // SAFETY: `fd` owns a reference to the socket, so the descriptor stays open and
        // the same for as long as the registration holds it.
        unsafe {
            tokio::io::unix::AsyncFd::register_with_interest(fd, tokio::io::Interest::WRITABLE)
        }
        .map(Writability)
        .map_err(|e| e.into_parts().1)
    }

    /// Resolves once the socket may take more (clears the readiness it consumed).
    pub(crate) async fn wait(&mut self) -> io::Result<()> {
        let mut guard = self.0.writable().await?;
        guard.clear_ready();
        Ok(())
    }
}

/// Elsewhere (never used by the Node binding, which drives sockets this way on Unix
/// only): polls writability by retrying.
#[cfg(not(unix))]
pub(crate) struct Writability<T>(std::marker::PhantomData<T>);

#[cfg(not(unix))]
impl<T> Writability<T> {
    pub(crate) fn new(_socket: &Arc<T>) -> io::Result<Writability<T>> {
        Ok(Writability(std::marker::PhantomData))
    }

    pub(crate) async fn wait(&mut self) -> io::Result<()> {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        Ok(())
    }
}

/// The process at the other end of a Unix socket, as the kernel reported it when the
/// connection was made (`SO_PEERCRED` on Linux, `getpeereid` and `LOCAL_PEERPID` on the
/// BSDs and macOS). It cannot be forged by the peer; a server can use it to accept only
/// processes of its own user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerCredentials {
    /// The peer's process id, where the platform reports it.
    pub pid: Option<i32>,
    /// The peer's effective user id.
    pub uid: u32,
    /// The peer's effective group id.
    pub gid: u32,
}

/// The credentials of a Unix stream's peer, when the platform reports them.
#[cfg(unix)]
pub(crate) fn credentials_of(stream: &tokio::net::UnixStream) -> Option<PeerCredentials> {
    stream.peer_cred().ok().map(|c| PeerCredentials {
        pid: c.pid(),
        uid: c.uid(),
        gid: c.gid(),
    })
}
