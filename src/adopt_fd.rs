//! Connections accepted by someone else (Node's `net`, in a cluster worker) handed to a
//! server by their descriptor.

use node_ipc_tokio::embed::server::Server;

/// Serves the connected socket `fd` on `server` (which must be detached). The caller
/// keeps `fd`; the server works on a duplicate. A descriptor that is not a connected
/// socket of the expected kind is refused.
#[cfg(unix)]
pub fn serve(server: &Server, fd: i32, tcp: bool) -> Result<(), String> {
    use std::os::fd::{BorrowedFd, OwnedFd};
    if fd < 0 {
        return Err(format!("not a descriptor: {fd}"));
    }
    // SAFETY: `fd` is open for this call: the caller (lib/cluster-listener.js) passes the
    // descriptor of a Node socket it holds and closes only after this returns. Anything
    // else is at worst a different open descriptor, which the checks below refuse unless
    // it is a connected socket of the right kind.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    let owned: OwnedFd = borrowed
        .try_clone_to_owned()
        .map_err(|e| format!("could not duplicate descriptor {fd}: {e}"))?;
    let sock = socket2::SockRef::from(&owned);
    let local = sock
        .local_addr()
        .map_err(|e| format!("descriptor {fd} is not a socket: {e}"))?;
    if sock.r#type().ok() != Some(socket2::Type::STREAM) || sock.peer_addr().is_err() {
        return Err(format!("descriptor {fd} is not a connected stream socket"));
    }
    let result = match (tcp, local.as_socket().is_some()) {
        (true, true) => server.accept_tcp(std::net::TcpStream::from(owned)),
        (false, false) if local.is_unix() => {
            server.accept_unix(std::os::unix::net::UnixStream::from(owned))
        }
        _ => {
            let want = if tcp { "TCP" } else { "Unix" };
            return Err(format!("descriptor {fd} is not a {want} socket"));
        }
    };
    result.map_err(|e| e.to_string())
}

/// Node's handles have no descriptor on Windows: cluster workers listen themselves there.
#[cfg(not(unix))]
pub fn serve(_server: &Server, _fd: i32, _tcp: bool) -> Result<(), String> {
    Err("adopting a socket by descriptor is not supported on this platform".into())
}
