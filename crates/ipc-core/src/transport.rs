//! Where a server listens and a client connects.

use std::io;
use std::path::{Path, PathBuf};

use tokio::io::{AsyncRead, AsyncWrite};

use crate::error::IpcError;

/// A socket address node-ipc can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A Unix domain socket path (`ipc.serve` / `ipc.connectTo`).
    Unix(PathBuf),
}

impl Endpoint {
    /// The address as node-ipc prints it.
    pub fn display(&self) -> String {
        match self {
            Endpoint::Unix(p) => p.to_string_lossy().into_owned(),
        }
    }
}

/// The longest Unix socket path (in bytes) the platform accepts: `sun_path` less its
/// terminating NUL.
#[cfg(target_os = "linux")]
pub const MAX_UNIX_PATH: usize = 107;
/// The longest Unix socket path (in bytes) the platform accepts: `sun_path` less its
/// terminating NUL.
#[cfg(not(target_os = "linux"))]
pub const MAX_UNIX_PATH: usize = 103;

/// Rejects paths the kernel would refuse or silently truncate.
pub fn check_unix_path(path: &Path) -> Result<(), IpcError> {
    let len = path.as_os_str().len();
    if len > MAX_UNIX_PATH {
        return Err(IpcError::PathTooLong {
            path: path.to_string_lossy().into_owned(),
            limit: MAX_UNIX_PATH,
        });
    }
    if len == 0 {
        return Err(IpcError::io(
            "listen",
            "",
            io::Error::new(io::ErrorKind::InvalidInput, "empty socket path"),
        ));
    }
    Ok(())
}

/// A connected byte stream, split into halves that two tasks can own.
pub struct Split {
    /// The reading half.
    pub reader: Box<dyn AsyncRead + Send + Unpin>,
    /// The writing half.
    pub writer: Box<dyn AsyncWrite + Send + Unpin>,
    /// The peer address, when the transport has one.
    pub peer: Option<String>,
}

/// Connects to `endpoint`.
pub async fn connect(endpoint: &Endpoint) -> Result<Split, IpcError> {
    match endpoint {
        #[cfg(unix)]
        Endpoint::Unix(path) => {
            check_unix_path(path)?;
            let stream = tokio::net::UnixStream::connect(path)
                .await
                .map_err(|e| IpcError::io("connect", endpoint.display(), e))?;
            let (r, w) = stream.into_split();
            Ok(Split {
                reader: Box::new(r),
                writer: Box::new(w),
                peer: None,
            })
        }
        #[cfg(not(unix))]
        Endpoint::Unix(_) => Err(IpcError::io(
            "connect",
            endpoint.display(),
            io::Error::new(
                io::ErrorKind::Unsupported,
                "Unix sockets need a Unix system",
            ),
        )),
    }
}
