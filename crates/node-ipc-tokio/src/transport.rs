//! Where a server listens and a client connects: Unix sockets (named pipes on Windows)
//! and TCP, optionally with TLS on top.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::connection::WriteSide;
use crate::error::IpcError;
#[cfg(unix)]
use crate::socket::credentials_of;
use crate::socket::{PeerCredentials, PlainSocket};
use crate::tls::TlsClient;

/// Where a server listens and a client connects.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Endpoint {
    /// A Unix domain socket path (`ipc.serve` / `ipc.connectTo`); on Windows, a named
    /// pipe name (`\\.\pipe\...`).
    Unix(PathBuf),
    /// A TCP host and port (`ipc.serveNet` / `ipc.connectToNet`).
    Tcp {
        /// Host name or IP address.
        host: String,
        /// Port.
        port: u16,
    },
}

impl Endpoint {
    /// A Unix domain socket path (on Windows: a named pipe name, `\\.\pipe\...`).
    pub fn unix(path: impl Into<PathBuf>) -> Self {
        Endpoint::Unix(path.into())
    }

    /// A TCP host (name or IP address) and port.
    pub fn tcp(host: impl Into<String>, port: u16) -> Self {
        Endpoint::Tcp {
            host: host.into(),
            port,
        }
    }

    /// The socket node-ipc names for a server `id` with its default `appspace` (`"app."`)
    /// and `socketRoot` (`"/tmp/"`): `/tmp/app.<id>`, or on Windows the pipe
    /// `\\.\pipe\tmp-app.<id>`, so `ipc.serve()` / `ipc.connectTo(id)` in Node and this
    /// meet at the same place.
    ///
    /// ```
    /// # #[cfg(unix)] {
    /// use node_ipc_tokio::Endpoint;
    /// assert_eq!(Endpoint::node_ipc("world"), Endpoint::unix("/tmp/app.world"));
    /// # }
    /// ```
    pub fn node_ipc(id: &str) -> Self {
        Self::node_ipc_in("/tmp/", "app.", id)
    }

    /// The socket node-ipc names for `id` with this `socketRoot` and `appspace`
    /// (`socket_root + appspace + id`; on Windows a pipe name made of it, as node-ipc
    /// does: `\\.\pipe\` then the path with its leading `/` removed and every other `/`
    /// turned into `-`).
    pub fn node_ipc_in(socket_root: &str, appspace: &str, id: &str) -> Self {
        let path = format!("{socket_root}{appspace}{id}");
        if cfg!(windows) {
            let trimmed = path.strip_prefix('/').unwrap_or(&path);
            Endpoint::Unix(format!("\\\\.\\pipe\\{}", trimmed.replace('/', "-")).into())
        } else {
            Endpoint::Unix(path.into())
        }
    }

    /// The address as Node prints it in errors (`/tmp/app.world`, `127.0.0.1:8000`).
    pub fn display(&self) -> String {
        match self {
            Endpoint::Unix(p) => p.to_string_lossy().into_owned(),
            Endpoint::Tcp { host, port } => format!("{host}:{port}"),
        }
    }
}

/// How a TCP client connects (node-ipc's `config.interface` and `config.tls`).
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// Local address to bind before connecting (`localAddress`).
    pub local_address: Option<IpAddr>,
    /// Local port to bind before connecting (`localPort`).
    pub local_port: Option<u16>,
    /// Only use addresses of this IP family (4 or 6).
    pub family: Option<u8>,
    /// Speak TLS after connecting.
    pub tls: Option<TlsClient>,
    /// Hand a plain (not TLS) Unix or TCP connection to the sink as
    /// [`crate::event::Event::HandedOver`] instead of driving it (see
    /// [`crate::polled::PolledConnection`]).
    pub hand_over: bool,
    /// How much may be queued for the connection (node-ipc-native's `maxQueuedBytes`),
    /// also while it is connecting.
    pub send_limits: crate::flow::SendLimits,
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
    if cfg!(unix) && len > MAX_UNIX_PATH {
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
    pub writer: WriteSide,
    /// The peer address (`ip:port`, IPv6 in brackets), when the transport has one.
    pub peer: Option<String>,
    /// The peer process, on Unix sockets.
    pub credentials: Option<PeerCredentials>,
    /// The TCP socket underneath (for options and the local address), if TCP.
    pub(crate) socket: Option<crate::sockopt::RawSocket>,
}

// `new` and `over_tcp` wrap TLS streams.
#[cfg_attr(not(feature = "tls"), allow(dead_code))]
impl Split {
    pub(crate) fn new<S>(stream: S, peer: Option<String>) -> Split
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (r, w) = tokio::io::split(stream);
        Split {
            reader: Box::new(r),
            writer: WriteSide::Stream(Box::new(w)),
            peer,
            credentials: None,
            socket: None,
        }
    }

    /// The same split, noting the TCP socket it runs over (a TLS stream's).
    pub(crate) fn over_tcp(mut self, socket: crate::sockopt::RawSocket) -> Split {
        self.socket = Some(socket);
        self
    }

    /// The local address of a TCP connection; `None` on local sockets.
    pub(crate) fn local_addr(&self) -> Option<SocketAddr> {
        let raw = self.socket?;
        // SAFETY: `raw` belongs to the stream inside `reader`/`writer`, which this
        // `Split` owns for the whole call.
        unsafe { crate::sockopt::with_raw(raw, |s| crate::sockopt::local_addr(&s)) }
    }

    /// A Windows named pipe: no half-close, so ending it closes it.
    #[cfg(windows)]
    pub(crate) fn pipe<S>(stream: S) -> Split
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (r, w) = tokio::io::split(stream);
        Split {
            reader: Box::new(r),
            writer: WriteSide::Pipe(Box::new(w)),
            peer: None,
            credentials: None,
            socket: None,
        }
    }

    #[cfg(unix)]
    pub(crate) fn unix(stream: tokio::net::UnixStream) -> Split {
        let credentials = credentials_of(&stream);
        let (r, w) = stream.into_split();
        Split {
            reader: Box::new(r),
            writer: WriteSide::Socket(Arc::new(w)),
            peer: None,
            credentials,
            socket: None,
        }
    }

    pub(crate) fn tcp(stream: TcpStream, peer: SocketAddr) -> Split {
        let _ = stream.set_nodelay(true);
        let socket = crate::sockopt::raw_tcp(&stream);
        let (r, w) = stream.into_split();
        Split {
            reader: Box::new(r),
            writer: WriteSide::Socket(Arc::new(w)),
            peer: Some(peer.to_string()),
            credentials: None,
            socket: Some(socket),
        }
    }
}

/// A stream connection before any TLS handshake.
pub(crate) enum Connected {
    Ready(Split),
    /// A plain connection to hand over (`hand_over`), its peer address and credentials.
    Plain(PlainSocket, Option<String>, Option<PeerCredentials>),
    /// TCP connected; TLS still to negotiate.
    NeedsTls {
        stream: TcpStream,
        peer: SocketAddr,
        tls: TlsClient,
        host: String,
    },
}

impl Connected {
    pub(crate) fn peer(&self) -> Option<String> {
        match self {
            Connected::Ready(s) => s.peer.clone(),
            Connected::Plain(_, peer, _) => peer.clone(),
            Connected::NeedsTls { peer, .. } => Some(peer.to_string()),
        }
    }

    /// The local address of a TCP connection; `None` on local sockets.
    pub(crate) fn local_addr(&self) -> Option<SocketAddr> {
        match self {
            Connected::Ready(s) => s.local_addr(),
            Connected::Plain(socket, ..) => socket.local_addr(),
            Connected::NeedsTls { stream, .. } => stream.local_addr().ok(),
        }
    }

    pub(crate) fn credentials(&self) -> Option<PeerCredentials> {
        match self {
            Connected::Ready(s) => s.credentials,
            Connected::Plain(_, _, credentials) => *credentials,
            Connected::NeedsTls { .. } => None,
        }
    }

    /// Completes the TLS handshake, if one is needed.
    pub(crate) async fn finish(self) -> Result<Split, IpcError> {
        match self {
            Connected::Ready(split) => Ok(split),
            Connected::Plain(..) => Err(IpcError::Internal(
                "a plain connection to hand over has no tasks to start".into(),
            )),
            Connected::NeedsTls {
                stream,
                peer,
                tls,
                host,
            } => {
                #[cfg(feature = "tls")]
                {
                    let _ = stream.set_nodelay(true);
                    let socket = crate::sockopt::raw_tcp(&stream);
                    let name = tls.server_name(&host)?;
                    let connector = tokio_rustls::TlsConnector::from(tls.config.clone());
                    let stream = connector
                        .connect(name, stream)
                        .await
                        .map_err(|e| crate::tls::handshake_error(&e))?;
                    Ok(Split::new(stream, Some(peer.to_string())).over_tcp(socket))
                }
                #[cfg(not(feature = "tls"))]
                {
                    let _ = (stream, peer, host);
                    match tls {}
                }
            }
        }
    }
}

/// Resolves `host:port`, keeping addresses of `family` (4 or 6) when given.
pub async fn resolve(
    host: &str,
    port: u16,
    family: Option<u8>,
) -> Result<Vec<SocketAddr>, IpcError> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((bare, port))
            .await
            .map_err(|_| IpcError::NotFound {
                host: host.to_owned(),
            })?
            .collect(),
    };
    let wanted: Vec<SocketAddr> = addrs
        .into_iter()
        .filter(|a| match family {
            Some(4) => a.is_ipv4(),
            Some(6) => a.is_ipv6(),
            _ => true,
        })
        .collect();
    if wanted.is_empty() {
        return Err(IpcError::NotFound {
            host: host.to_owned(),
        });
    }
    Ok(wanted)
}

/// Connects to `endpoint` (TLS, if configured, is left to [`Connected::finish`]).
pub(crate) async fn connect(
    endpoint: &Endpoint,
    options: &ConnectOptions,
) -> Result<Connected, IpcError> {
    match endpoint {
        Endpoint::Unix(path) => connect_local(path, endpoint, options.hand_over).await,
        Endpoint::Tcp { host, port } => {
            let (stream, peer) = connect_tcp(host, *port, options).await?;
            Ok(match &options.tls {
                None if options.hand_over => {
                    let socket = PlainSocket::from_tcp(stream)
                        .map_err(|e| IpcError::io("connect", endpoint.display(), e))?;
                    Connected::Plain(socket, Some(peer.to_string()), None)
                }
                None => Connected::Ready(Split::tcp(stream, peer)),
                Some(tls) => Connected::NeedsTls {
                    stream,
                    peer,
                    tls: tls.clone(),
                    host: host.clone(),
                },
            })
        }
    }
}

async fn connect_tcp(
    host: &str,
    port: u16,
    options: &ConnectOptions,
) -> Result<(TcpStream, SocketAddr), IpcError> {
    let addrs = resolve(host, port, options.family).await?;
    let mut last = None;
    for addr in addrs {
        match connect_addr(addr, options).await {
            Ok(stream) => return Ok((stream, addr)),
            Err(e) => last = Some(IpcError::io("connect", addr.to_string(), e)),
        }
    }
    Err(last.unwrap_or(IpcError::NotFound {
        host: host.to_owned(),
    }))
}

async fn connect_addr(addr: SocketAddr, options: &ConnectOptions) -> io::Result<TcpStream> {
    if options.local_address.is_none() && options.local_port.is_none() {
        return TcpStream::connect(addr).await;
    }
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    let local_ip = options.local_address.unwrap_or(if addr.is_ipv4() {
        IpAddr::from([0, 0, 0, 0])
    } else {
        IpAddr::from([0u16; 8])
    });
    socket.bind(SocketAddr::new(local_ip, options.local_port.unwrap_or(0)))?;
    socket.connect(addr).await
}

#[cfg(unix)]
async fn connect_local(
    path: &Path,
    endpoint: &Endpoint,
    hand_over: bool,
) -> Result<Connected, IpcError> {
    check_unix_path(path)?;
    let failed = |e| IpcError::io("connect", endpoint.display(), e);
    let stream = tokio::net::UnixStream::connect(path)
        .await
        .map_err(failed)?;
    if hand_over {
        let credentials = credentials_of(&stream);
        let socket = PlainSocket::from_unix(stream).map_err(failed)?;
        return Ok(Connected::Plain(socket, None, credentials));
    }
    Ok(Connected::Ready(Split::unix(stream)))
}

/// Named pipes are always driven by tokio (`hand_over` does not apply).
#[cfg(windows)]
async fn connect_local(
    path: &Path,
    endpoint: &Endpoint,
    _hand_over: bool,
) -> Result<Connected, IpcError> {
    crate::pipe::connect(path)
        .await
        .map(Connected::Ready)
        .map_err(|e| IpcError::io("connect", endpoint.display(), e))
}
