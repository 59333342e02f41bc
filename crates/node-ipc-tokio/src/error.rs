//! Errors reported by ipc-core.

use std::fmt;
use std::io;

/// What went wrong: on a connection or listener, or with a message or request.
///
/// [`IpcError::code`] gives Node's error code where Node has one, so errors read the same
/// on both sides of a connection.
#[derive(Debug)]
#[non_exhaustive]
pub enum IpcError {
    /// An operating-system error, with the operation that failed (`connect`, `listen`,
    /// `read`, `write`) and the address involved, like Node's system errors.
    Io {
        /// The failed system call, in Node's words.
        syscall: &'static str,
        /// The socket path or address.
        address: String,
        /// The underlying error.
        source: io::Error,
    },
    /// A frame (or an unterminated remainder) larger than the configured limit.
    MessageTooLarge {
        /// Bytes seen so far for that frame.
        size: usize,
        /// The configured `maxMessageSize`.
        limit: usize,
    },
    /// A bug in ipc-core (a task panicked); the connection involved is closed.
    Internal(String),
    /// A TLS configuration or handshake failure, with Node's error code.
    Tls {
        /// Node's code for it (`CERT_HAS_EXPIRED`, `ERR_TLS_CERT_ALTNAME_INVALID`, ...).
        code: &'static str,
        /// What went wrong.
        message: String,
    },
    /// A host name that does not resolve (Node's `getaddrinfo ENOTFOUND host`).
    NotFound {
        /// The host name.
        host: String,
    },
    /// A Unix socket path longer than the platform allows.
    PathTooLong {
        /// The path given.
        path: String,
        /// The largest length in bytes the platform accepts.
        limit: usize,
    },
    /// Something that is not a socket (a regular file, a directory, ...) is at the path a
    /// server was to listen on; it is left in place (code `EEXIST`).
    PathOccupied {
        /// The path given.
        path: String,
        /// What is there (`"a regular file"`, `"a directory"`, ...).
        what: &'static str,
    },
    /// Another server accepts connections on the socket path a server was to listen on;
    /// it is not taken over (code `EADDRINUSE`).
    AddressInUse {
        /// The path given.
        path: String,
    },
    /// Datagrams waiting to be sent (for a host name to resolve, or for room in the
    /// socket buffer) would pass `maxQueuedBytes`: this one is dropped (code `ENOBUFS`).
    DatagramQueueFull {
        /// Bytes the queue would have held.
        queued: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The connection is not open (not connected yet, closed, or between a client's
    /// reconnect attempts): nothing was sent (code `ENOTCONN`).
    NotConnected,
    /// More bytes were queued for a peer than the connection allows (`maxQueuedBytes`):
    /// the peer does not read fast enough, and the connection is destroyed (code
    /// `ENOBUFS`).
    QueueLimit {
        /// Bytes the queue would have held.
        queued: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A connection was closed right after it was accepted: the server already had
    /// `max_connections` open (code `ERR_IPC_CONNECTION_LIMIT`).
    ConnectionLimit {
        /// The configured `max_connections`.
        limit: usize,
    },
    /// A message's data could not be turned into (or read as) the Rust type asked for;
    /// nothing was sent, or the message was not the expected shape.
    Data {
        /// The message type involved.
        r#type: String,
        /// What serde said.
        reason: String,
    },
    /// No reply to a request arrived in time (code `ERR_IPC_REQUEST_TIMEOUT`). A reply
    /// that arrives later is ignored.
    Timeout {
        /// The request's message type.
        r#type: String,
        /// How long the request waited.
        after: std::time::Duration,
    },
    /// The connection closed before a request's reply arrived (code
    /// `ERR_IPC_DISCONNECTED`).
    Disconnected {
        /// The request's message type.
        r#type: String,
    },
    /// The peer's handler failed: its error's name, message and code, as it replied.
    Remote(RemoteError),
}

impl IpcError {
    /// Wraps an `io::Error` with the system call and address it came from.
    pub fn io(syscall: &'static str, address: impl Into<String>, source: io::Error) -> Self {
        IpcError::Io {
            syscall,
            address: address.into(),
            source,
        }
    }

    /// Node's error code for this error (`ECONNREFUSED`, `EMSGSIZE`, ...), when known.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            IpcError::Io { source, .. } => errno_name(source),
            IpcError::MessageTooLarge { .. } => Some("EMSGSIZE"),
            IpcError::PathTooLong { .. } => Some("ENAMETOOLONG"),
            IpcError::Internal(_) => None,
            IpcError::Tls { code, .. } => Some(code),
            IpcError::NotFound { .. } => Some("ENOTFOUND"),
            IpcError::PathOccupied { .. } => Some("EEXIST"),
            IpcError::AddressInUse { .. } => Some("EADDRINUSE"),
            IpcError::QueueLimit { .. } | IpcError::DatagramQueueFull { .. } => Some("ENOBUFS"),
            IpcError::NotConnected => Some("ENOTCONN"),
            IpcError::ConnectionLimit { .. } => Some("ERR_IPC_CONNECTION_LIMIT"),
            IpcError::Data { .. } => Some("ERR_IPC_DATA"),
            IpcError::Timeout { .. } => Some("ERR_IPC_REQUEST_TIMEOUT"),
            IpcError::Disconnected { .. } => Some("ERR_IPC_DISCONNECTED"),
            IpcError::Remote(_) => None,
        }
    }

    /// The raw OS error number, when the error came from the OS.
    pub fn raw_os_error(&self) -> Option<i32> {
        match self {
            IpcError::Io { source, .. } => source.raw_os_error(),
            _ => None,
        }
    }

    /// The address involved (socket path, `ip:port` or host name), when known.
    pub fn address(&self) -> Option<&str> {
        match self {
            IpcError::Io { address, .. } if !address.is_empty() => Some(address),
            IpcError::NotFound { host } => Some(host),
            IpcError::PathOccupied { path, .. } | IpcError::AddressInUse { path } => Some(path),
            _ => None,
        }
    }

    /// The system call in Node's words, when there is one.
    pub fn syscall(&self) -> Option<&'static str> {
        match self {
            IpcError::Io { syscall, .. } => Some(syscall),
            IpcError::NotFound { .. } => Some("getaddrinfo"),
            IpcError::PathOccupied { .. } | IpcError::AddressInUse { .. } => Some("listen"),
            IpcError::QueueLimit { .. } | IpcError::NotConnected => Some("write"),
            IpcError::DatagramQueueFull { .. } => Some("send"),
            _ => None,
        }
    }
}

impl fmt::Display for IpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IpcError::Io {
                syscall,
                address,
                source,
            } => match errno_name(source) {
                Some(code) if address.is_empty() => write!(f, "{syscall} {code}"),
                Some(code) => write!(f, "{syscall} {code} {address}"),
                None => write!(f, "{syscall} {address}: {source}"),
            },
            IpcError::MessageTooLarge { size, limit } => write!(
                f,
                "message of at least {size} bytes exceeds maxMessageSize ({limit} bytes); connection closed"
            ),
            IpcError::Internal(what) => write!(f, "internal error: {what}"),
            IpcError::Tls { message, .. } => f.write_str(message),
            IpcError::NotFound { host } => write!(f, "getaddrinfo ENOTFOUND {host}"),
            IpcError::PathTooLong { path, limit } => write!(
                f,
                "socket path is {} bytes, longer than the {limit} bytes this platform allows: {path}",
                path.len()
            ),
            IpcError::PathOccupied { path, what } => write!(
                f,
                "listen EEXIST: {path} is {what}, not a socket; it was left in place"
            ),
            IpcError::AddressInUse { path } => write!(
                f,
                "listen EADDRINUSE: another server accepts connections on {path}; it was not taken over"
            ),
            IpcError::NotConnected => f.write_str("write ENOTCONN: the connection is not open"),
            IpcError::DatagramQueueFull { queued, limit } => write!(
                f,
                "send ENOBUFS: {queued} bytes of datagrams would wait to be sent, over maxQueuedBytes ({limit} bytes); datagram dropped"
            ),
            IpcError::QueueLimit { queued, limit } => write!(
                f,
                "write ENOBUFS: {queued} bytes would wait for the peer to read them, over maxQueuedBytes ({limit} bytes); connection destroyed"
            ),
            IpcError::ConnectionLimit { limit } => write!(
                f,
                "connection closed: the server already has max_connections ({limit}) open"
            ),
            IpcError::Data { r#type, reason } => {
                write!(f, "the data of a {type:?} message: {reason}")
            }
            IpcError::Timeout { r#type, after } => write!(
                f,
                "no reply to the {type:?} request within {} ms",
                after.as_millis()
            ),
            IpcError::Disconnected { r#type } => write!(
                f,
                "the connection closed before the reply to the {type:?} request arrived"
            ),
            IpcError::Remote(remote) => write!(f, "{remote}"),
        }
    }
}

/// An I/O error from a stream the caller drives (e.g. under a `Framed` with
/// `NodeIpcCodec`): reported as a failed `read`.
impl From<io::Error> for IpcError {
    fn from(source: io::Error) -> Self {
        IpcError::io("read", "", source)
    }
}

impl std::error::Error for IpcError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            IpcError::Io { source, .. } => Some(source),
            IpcError::Remote(remote) => Some(remote),
            _ => None,
        }
    }
}

/// The symbolic name of an OS error, for the errors sockets commonly report.
fn errno_name(err: &io::Error) -> Option<&'static str> {
    use io::ErrorKind as K;
    let by_kind = match err.kind() {
        K::NotFound => Some("ENOENT"),
        K::PermissionDenied => Some("EACCES"),
        K::ConnectionRefused => Some("ECONNREFUSED"),
        K::ConnectionReset => Some("ECONNRESET"),
        K::ConnectionAborted => Some("ECONNABORTED"),
        K::NotConnected => Some("ENOTCONN"),
        K::AddrInUse => Some("EADDRINUSE"),
        K::AddrNotAvailable => Some("EADDRNOTAVAIL"),
        K::BrokenPipe => Some("EPIPE"),
        // A TLS peer that closed without close_notify (rustls reports the truncation):
        // what Node reports when a TLS peer goes away mid-stream.
        K::UnexpectedEof => Some("ECONNRESET"),
        K::TimedOut => Some("ETIMEDOUT"),
        K::InvalidInput => Some("EINVAL"),
        _ => None,
    };
    if by_kind.is_some() {
        return by_kind;
    }
    raw_name(err.raw_os_error()?)
}

/// Names for the OS error numbers that `io::ErrorKind` does not cover (Linux numbers).
#[cfg(target_os = "linux")]
fn raw_name(code: i32) -> Option<&'static str> {
    Some(match code {
        20 => "ENOTDIR",
        21 => "EISDIR",
        23 => "ENFILE",
        24 => "EMFILE",
        30 => "EROFS",
        36 => "ENAMETOOLONG",
        88 => "ENOTSOCK",
        91 => "EPROTOTYPE",
        101 => "ENETUNREACH",
        105 => "ENOBUFS",
        113 => "EHOSTUNREACH",
        _ => return None,
    })
}

/// Names for the OS error numbers that `io::ErrorKind` does not cover (the numbers the
/// BSDs and macOS share).
#[cfg(all(unix, not(target_os = "linux")))]
fn raw_name(code: i32) -> Option<&'static str> {
    Some(match code {
        20 => "ENOTDIR",
        21 => "EISDIR",
        23 => "ENFILE",
        24 => "EMFILE",
        30 => "EROFS",
        38 => "ENOTSOCK",
        41 => "EPROTOTYPE",
        51 => "ENETUNREACH",
        55 => "ENOBUFS",
        63 => "ENAMETOOLONG",
        65 => "EHOSTUNREACH",
        _ => return None,
    })
}

/// Names for the Win32 and Winsock error codes that `io::ErrorKind` does not cover, as
/// libuv translates them (its `uv_translate_sys_error`).
#[cfg(windows)]
fn raw_name(code: i32) -> Option<&'static str> {
    Some(match code {
        4 | 10024 => "EMFILE",   // ERROR_TOO_MANY_OPEN_FILES, WSAEMFILE
        206 => "ENAMETOOLONG",   // ERROR_FILENAME_EXCED_RANGE
        231 => "EBUSY",          // ERROR_PIPE_BUSY
        109 | 232 => "EPIPE",    // ERROR_BROKEN_PIPE, ERROR_NO_DATA
        233 => "ENOTCONN",       // ERROR_PIPE_NOT_CONNECTED
        121 => "ETIMEDOUT",      // ERROR_SEM_TIMEOUT
        267 => "ENOTDIR",        // ERROR_DIRECTORY
        10038 => "ENOTSOCK",     // WSAENOTSOCK
        10041 => "EPROTOTYPE",   // WSAEPROTOTYPE
        10051 => "ENETUNREACH",  // WSAENETUNREACH
        10055 => "ENOBUFS",      // WSAENOBUFS
        10065 => "EHOSTUNREACH", // WSAEHOSTUNREACH
        _ => return None,
    })
}

/// A handler's failure, as it travels in a reply: `{"name", "message", "code"?}`, the
/// fields of a JavaScript `Error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteError {
    /// The error's name (`"Error"`, `"TypeError"`, ...).
    pub name: String,
    /// What went wrong.
    pub message: String,
    /// A machine-readable code, when the handler's error had one.
    pub code: Option<String>,
}

impl RemoteError {
    /// An error named `"Error"` with this message.
    ///
    /// ```
    /// let e = node_ipc_tokio::RemoteError::new("no such user");
    /// assert_eq!((e.name.as_str(), e.message.as_str()), ("Error", "no such user"));
    /// ```
    pub fn new(message: impl Into<String>) -> Self {
        RemoteError {
            name: "Error".into(),
            message: message.into(),
            code: None,
        }
    }

    /// The same error with another name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The same error with a code.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

}

impl fmt::Display for RemoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        Ok(())
    }
}

impl std::error::Error for RemoteError {}

impl From<IpcError> for RemoteError {
    fn from(error: IpcError) -> Self {
        let remote = RemoteError::new(error.to_string());
        match error.code() {
            Some(code) => remote.with_code(code),
            None => remote,
        }
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_read_like_node_system_errors() {
        let err = IpcError::io(
            "connect",
            "/tmp/app.world",
            io::Error::from(io::ErrorKind::NotFound),
        );
        assert_eq!(err.to_string(), "connect ENOENT /tmp/app.world");
        assert_eq!(err.code(), Some("ENOENT"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn os_error_numbers_without_an_error_kind_get_node_names() {
        let named = |code| errno_name(&io::Error::from_raw_os_error(code));
        assert_eq!(named(24), Some("EMFILE"));
        assert_eq!(named(105), Some("ENOBUFS"));
        assert_eq!(named(113), Some("EHOSTUNREACH"));
        assert_eq!(named(9999), None);
    }

    #[test]
    fn size_errors_name_the_limit() {
        let err = IpcError::MessageTooLarge { size: 10, limit: 4 };
        assert_eq!(err.code(), Some("EMSGSIZE"));
        assert!(err.to_string().contains("maxMessageSize (4 bytes)"));
    }
}
