//! A node-ipc server: accepts connections, reports their frames, sends to one or all.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::Notify;

use crate::codec::Framing;
use crate::connection::ConnectionHandle;
use crate::error::IpcError;
use crate::event::{ConnId, Event, EventSink};
use crate::flow::{SendLimits, Sent};
use crate::socket::PlainSocket;
use crate::tls::TlsServer;
use crate::socket::PeerCredentials;
use crate::transport::{resolve, Endpoint, Split};

/// How a server listens and treats its connections.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// How incoming bytes are framed.
    pub framing: Framing,
    /// Connections beyond this many are closed right after accepting (node-ipc's
    /// `maxConnections`); `None` for no limit.
    pub max_connections: Option<usize>,
    /// Delete whatever file is at a Unix socket path before listening (node-ipc's
    /// `unlink`, default true).
    pub unlink: bool,
    /// Make the Unix socket readable by everyone (`readableAll`).
    pub readable_all: bool,
    /// Make the Unix socket writable by everyone (`writableAll`).
    pub writable_all: bool,
    /// Speak TLS on accepted TCP connections (node-ipc's `config.tls` on `serveNet`).
    pub tls: Option<TlsServer>,
    /// Hand plain (not TLS) Unix and TCP connections to the sink as
    /// [`Event::HandedOver`] instead of driving them here; the receiver drives them (see
    /// [`crate::polled::PolledConnection`]) and calls [`Server::release`] when each one
    /// closes. TLS connections are always driven here.
    pub hand_over: bool,
    /// How much may be queued for each connection (node-ipc-native's `maxQueuedBytes`).
    pub send_limits: SendLimits,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            framing: Framing::default(),
            max_connections: Some(100),
            unlink: true,
            readable_all: false,
            writable_all: false,
            tls: None,
            hand_over: false,
            send_limits: SendLimits::default(),
        }
    }
}

struct Shared {
    conns: Mutex<HashMap<ConnId, ConnectionHandle>>,
    /// Connections handed over with [`Event::HandedOver`] and not yet released.
    handed_over: AtomicUsize,
    next_id: AtomicU32,
    stop: Notify,
    /// The address a TCP listener is bound to (known once it listens).
    local: Mutex<Option<std::net::SocketAddr>>,
    /// Where connections accepted elsewhere go ([`Server::detached`]); emptied by
    /// `close`, which releases the sink.
    intake: Mutex<Option<Intake>>,
    /// The Unix socket file this server created and its identity (device, inode), set
    /// once bound; taken (and the file removed if it is still ours) by whichever comes
    /// first of `close` on the caller's thread and the accept loop ending, so the file
    /// is gone when `close` returns, as with Node's `server.close()`.
    #[cfg(unix)]
    unix_file: Mutex<Option<(std::path::PathBuf, (u64, u64))>>,
    /// Connections whose tasks are not all done: open, or closed and still sending what
    /// was queued for them (see [`Server::sending_count`]).
    sending: Arc<AtomicUsize>,
}

/// What a detached server serves handed-in connections with.
struct Intake {
    options: Arc<ServerOptions>,
    sink: Arc<dyn EventSink>,
}

impl Shared {
    fn conns(&self) -> std::sync::MutexGuard<'_, HashMap<ConnId, ConnectionHandle>> {
        // A panic while holding the lock cannot leave the map inconsistent (each
        // operation is a single insert/remove/lookup), so a poisoned lock is still usable.
        self.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn new() -> Arc<Shared> {
        Arc::new(Shared {
            conns: Mutex::new(HashMap::new()),
            handed_over: AtomicUsize::new(0),
            next_id: AtomicU32::new(1),
            stop: Notify::new(),
            local: Mutex::new(None),
            intake: Mutex::new(None),
            #[cfg(unix)]
            unix_file: Mutex::new(None),
            sending: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// Removes the socket file this server created, if it is still the same file.
    fn release_file(&self) {
        #[cfg(unix)]
        {
            let file = self
                .unix_file
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            if let Some((path, identity)) = file {
                if file_identity(&path) == Some(identity) {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
    }

    fn intake(&self) -> std::sync::MutexGuard<'_, Option<Intake>> {
        // Only ever replaced whole: a poisoned lock is still sound.
        self.intake.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A listening node-ipc server. Events (listening, connections, frames, closes) go to
/// the [`EventSink`] given to [`Server::listen`].
///
/// ```no_run
/// # async fn demo() {
/// use node_ipc_tokio::{event::{ChannelSink, Event}, server::{Server, ServerOptions}, transport::Endpoint};
/// let (sink, mut events) = ChannelSink::new();
/// let server = Server::listen(Endpoint::Unix("/tmp/app.world".into()), ServerOptions::default(), sink);
/// while let Some(ev) = events.recv().await {
///     if let Event::Frames { conn, run, .. } = ev {
///         let _ = server.send(conn, run); // echo
///     }
/// }
/// # }
/// ```
#[derive(Clone)]
pub struct Server {
    shared: Arc<Shared>,
}

impl Server {
    /// Starts listening on `endpoint` (on the current tokio runtime). `Listening` or
    /// `ListenFailed` is reported first.
    pub fn listen(endpoint: Endpoint, options: ServerOptions, sink: impl EventSink) -> Server {
        let shared = Shared::new();
        let sink: Arc<dyn EventSink> = Arc::new(sink);
        tokio::spawn(accept_loop(endpoint, options, Arc::clone(&shared), sink));
        Server { shared }
    }

    /// A server without a listener of its own: it serves connections accepted elsewhere
    /// and handed to it with [`Server::accept_tcp`] (or [`Server::accept_unix`]), such
    /// as those a Node cluster worker receives from the listener its primary shares. It
    /// reports no `Listening`; `close` stops taking connections.
    pub fn detached(options: ServerOptions, sink: impl EventSink) -> Server {
        let shared = Shared::new();
        *shared.intake() = Some(Intake {
            options: Arc::new(options),
            sink: Arc::new(sink),
        });
        Server { shared }
    }

    /// Serves a connected TCP stream accepted elsewhere, as if this server had accepted
    /// it (TLS handshake, `max_connections`, events). [`IpcError::NotConnected`] if this
    /// server is not [`detached`](Server::detached) or was closed.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    pub fn accept_tcp(&self, stream: std::net::TcpStream) -> Result<(), IpcError> {
        let (options, sink) = self.intake_parts()?;
        let failed = |e| IpcError::io("accept", "", e);
        stream.set_nonblocking(true).map_err(failed)?;
        let stream = tokio::net::TcpStream::from_std(stream).map_err(failed)?;
        let peer = stream.peer_addr().map_err(failed)?;
        let accepted = classify_tcp(stream, peer, options.tls.is_some(), options.hand_over)?;
        dispatch(&self.shared, &sink, &options, accepted);
        Ok(())
    }

    /// Serves a connected Unix stream accepted elsewhere; see [`Server::accept_tcp`].
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    #[cfg(unix)]
    pub fn accept_unix(&self, stream: std::os::unix::net::UnixStream) -> Result<(), IpcError> {
        let (options, sink) = self.intake_parts()?;
        let failed = |e| IpcError::io("accept", "", e);
        stream.set_nonblocking(true).map_err(failed)?;
        let stream = tokio::net::UnixStream::from_std(stream).map_err(failed)?;
        let accepted = classify_unix(stream, options.tls.is_some(), options.hand_over)?;
        dispatch(&self.shared, &sink, &options, accepted);
        Ok(())
    }

    fn intake_parts(&self) -> Result<(Arc<ServerOptions>, Arc<dyn EventSink>), IpcError> {
        self.shared
            .intake()
            .as_ref()
            .map(|i| (Arc::clone(&i.options), Arc::clone(&i.sink)))
            .ok_or(IpcError::NotConnected)
    }

    /// The address a TCP server is bound to, once it listens (with the port the system
    /// chose for port 0); `None` for local sockets and before listening.
    pub fn local_addr(&self) -> Option<std::net::SocketAddr> {
        *self.shared.local.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A connection's [`ConnectionHandle`] (not for handed-over connection).
    pub fn connection(&self, conn: ConnId) -> Option<ConnectionHandle> {
        self.handle(conn)
    }

    fn handle(&self, conn: ConnId) -> Option<ConnectionHandle> {
        self.shared.conns().get(&conn).cloned()
    }

    /// Queues `bytes` for one connection (see [`ConnectionHandle::send`]);
    /// `Ok(Sent::Dropped)` if it is gone.
    pub fn send(&self, conn: ConnId, bytes: Bytes) -> Result<Sent, IpcError> {
        self.handle(conn)
            .map_or(Ok(Sent::Dropped), |h| h.send(bytes))
    }

    /// Sends `bytes` to one connection, straight to the kernel when nothing is queued
    /// (see [`ConnectionHandle::send_now`]); `Ok(Sent::Dropped)` if it is gone.
    pub fn send_now(&self, conn: ConnId, bytes: Bytes) -> Result<Sent, IpcError> {
        self.handle(conn)
            .map_or(Ok(Sent::Dropped), |h| h.send_now(bytes))
    }

    /// Waits until one connection's queue is at or below its high-water mark (see
    /// [`ConnectionHandle::ready`]); [`IpcError::NotConnected`] if it is gone.
    pub async fn ready(&self, conn: ConnId) -> Result<(), IpcError> {
        match self.handle(conn) {
            Some(h) => h.ready().await,
            None => Err(IpcError::NotConnected),
        }
    }

    /// Queues the same bytes (shared, not copied) for every connection; returns how many
    /// took them. A connection whose queue would pass its limit is destroyed instead
    /// (and reports [`IpcError::QueueLimit`]); the others are not affected.
    pub fn broadcast(&self, bytes: Bytes) -> usize {
        let conns = self.shared.conns();
        conns
            .values()
            .filter(|h| matches!(h.send(bytes.clone()), Ok(Sent::Written | Sent::Queued)))
            .count()
    }

    /// [`Server::broadcast`] with [`ConnectionHandle::send_now`] semantics; `on_sent` learns
    /// what became of the bytes on each connection.
    pub fn broadcast_now(&self, bytes: Bytes, mut on_sent: impl FnMut(ConnId, Sent)) {
        let handles: Vec<(ConnId, ConnectionHandle)> = self
            .shared
            .conns()
            .iter()
            .map(|(c, h)| (*c, h.clone()))
            .collect();
        for (conn, handle) in handles {
            on_sent(
                conn,
                handle.send_now(bytes.clone()).unwrap_or(Sent::Dropped),
            );
        }
    }

    /// Half-closes one connection after sending what is queued.
    pub fn end(&self, conn: ConnId) {
        if let Some(h) = self.shared.conns().get(&conn) {
            h.end();
        }
    }

    /// Closes one connection after sending what is queued.
    pub fn destroy(&self, conn: ConnId) {
        if let Some(h) = self.shared.conns().get(&conn) {
            h.destroy();
        }
    }

    /// Bytes queued for a connection and not yet sent.
    pub fn queued_bytes(&self, conn: ConnId) -> usize {
        self.shared
            .conns()
            .get(&conn)
            .map_or(0, ConnectionHandle::queued_bytes)
    }

    /// How many connections are open (handed-over ones included).
    pub fn connection_count(&self) -> usize {
        self.shared.conns().len() + self.shared.handed_over.load(Ordering::Acquire)
    }

    /// Reports that an handed-over connection ([`Event::HandedOver`]) closed, so it no longer
    /// counts against `max_connections`.
    pub fn release(&self, _conn: ConnId) {
        let _ = self
            .shared
            .handed_over
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
    }

    /// Stops accepting (and removes the Unix socket file). Open connections stay open,
    /// as with node-ipc's `server.stop()`.
    pub fn close(&self) {
        self.shared.stop.notify_one();
        self.shared.release_file();
        drop(self.shared.intake().take());
    }

    /// Connections whose tasks are not all done: open ones, and closed ones still sending
    /// what was queued for them before they closed (handed-over ones are not counted).
    pub fn sending_count(&self) -> usize {
        self.shared.sending.load(Ordering::Acquire)
    }

    /// Handles of every open connection (handed-over ones excepted).
    pub fn connections(&self) -> Vec<ConnectionHandle> {
        self.shared.conns().values().cloned().collect()
    }

    /// Closes the listener and every connection.
    pub fn shutdown(&self) {
        self.close();
        for h in self.shared.conns().values() {
            h.destroy();
        }
    }
}

async fn accept_loop(
    endpoint: Endpoint,
    options: ServerOptions,
    shared: Arc<Shared>,
    sink: Arc<dyn EventSink>,
) {
    let listener = match Listener::bind(&endpoint, &options).await {
        Ok(l) => l,
        Err(e) => {
            sink.send(Event::ListenFailed(e));
            return;
        }
    };
    *shared.local.lock().unwrap_or_else(|p| p.into_inner()) = listener.local_addr();
    #[cfg(unix)]
    if let Listener::Unix {
        path,
        identity: Some(identity),
        ..
    } = &listener
    {
        *shared.unix_file.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((path.clone(), *identity));
    }
    sink.send(Event::Listening);
    let options = Arc::new(options);
    // Set while accepting fails (the delay before the next try).
    let mut backoff: Option<std::time::Duration> = None;
    loop {
        let accepted = tokio::select! {
            biased;
            _ = shared.stop.notified() => break,
            a = listener.accept() => a,
        };
        if accepted.is_ok() {
            backoff = None;
        }
        match accepted {
            Ok(accepted) => dispatch(&shared, &sink, &options, accepted),
            Err(error) => {
                // Out of descriptors (EMFILE, ENFILE) and the like: the connection stays
                // in the backlog, so accepting again at once would spin. Report the first
                // failure of a run, back off (doubling, as mini-redis does, but never
                // giving up), and keep serving.
                let delay = backoff.map_or(ACCEPT_BACKOFF_MIN, |d| (d * 2).min(ACCEPT_BACKOFF_MAX));
                if backoff.is_none() {
                    sink.send(Event::Error { conn: 0, error });
                }
                backoff = Some(delay);
                tokio::select! {
                    biased;
                    _ = shared.stop.notified() => break,
                    _ = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
    drop(listener);
    shared.release_file();
}

/// The first and the longest wait after a failed accept.
const ACCEPT_BACKOFF_MIN: std::time::Duration = std::time::Duration::from_millis(10);
const ACCEPT_BACKOFF_MAX: std::time::Duration = std::time::Duration::from_secs(1);

/// How long an accepted TLS connection may take to complete its handshake.
#[cfg(feature = "tls")]
const TLS_HANDSHAKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Starts serving an accepted connection: registers it, hands it over, or starts its TLS
/// handshake.
fn dispatch(
    shared: &Arc<Shared>,
    sink: &Arc<dyn EventSink>,
    options: &Arc<ServerOptions>,
    accepted: Accepted,
) {
    match accepted {
        Accepted::Ready(split) => admit(shared, sink, options, split),
        Accepted::Plain(socket, peer, credentials) => {
            hand_over(shared, &**sink, options, socket, peer, credentials)
        }
        Accepted::Tls {
            stream,
            peer,
            credentials,
            socket,
        } => {
            let Some(tls) = options.tls.clone() else {
                return;
            };
            let (shared, sink, options) =
                (Arc::clone(shared), Arc::clone(sink), Arc::clone(options));
            // The handshake runs beside the accept loop; a client that fails it is
            // closed and reported as `Rejected` (node-ipc does not listen to
            // tlsClientError: the binding publishes nothing for it).
            #[cfg(not(feature = "tls"))]
            {
                let _ = (stream, peer, credentials, socket, shared, sink, options);
                match tls {}
            }
            #[cfg(feature = "tls")]
            tokio::spawn(async move {
                let acceptor = tokio_rustls::TlsAcceptor::from(tls.config);
                let handshake = acceptor.accept(stream);
                let reason = match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, handshake).await {
                    Ok(Ok(stream)) => {
                        let mut split = Split::new(stream, peer);
                        split.credentials = credentials;
                        if let Some(socket) = socket {
                            split = split.over_tcp(socket);
                        }
                        return admit(&shared, &sink, &options, split);
                    }
                    Ok(Err(e)) => crate::tls::handshake_error(&e),
                    Err(_) => IpcError::Tls {
                        code: "ERR_TLS_HANDSHAKE_TIMEOUT",
                        message: format!(
                            "TLS handshake timeout: not done within {} s",
                            TLS_HANDSHAKE_TIMEOUT.as_secs()
                        ),
                    },
                };
                sink.send(Event::Rejected { peer, reason });
            });
        }
    }
}

/// Registers an accepted connection (or closes it when over `max_connections`, as Node
/// does) and starts its tasks.
fn admit(shared: &Arc<Shared>, sink: &Arc<dyn EventSink>, options: &ServerOptions, split: Split) {
    let (handle, pending) = ConnectionHandle::pending(options.send_limits);
    let conn = {
        let mut conns = shared.conns();
        let open = conns.len() + shared.handed_over.load(Ordering::Acquire);
        if let Some(limit) = options.max_connections.filter(|&max| open >= max) {
            drop(conns);
            sink.send(Event::Rejected {
                peer: split.peer,
                reason: IpcError::ConnectionLimit { limit },
            });
            return;
        }
        let conn = shared.next_id.fetch_add(1, Ordering::Relaxed);
        conns.insert(conn, handle);
        conn
    };
    sink.send(Event::Connected {
        conn,
        local: split.local_addr(),
        peer: split.peer,
        credentials: split.credentials,
    });
    let weak = Arc::downgrade(shared);
    let mut pending = pending;
    pending.set_socket(split.socket);
    shared.sending.fetch_add(1, Ordering::AcqRel);
    pending.drop_when_done(Sending(Arc::clone(&shared.sending)));
    pending.attach(
        conn,
        split.reader,
        split.writer,
        options.framing.clone(),
        Arc::clone(sink),
        move || {
            if let Some(shared) = weak.upgrade() {
                shared.conns().remove(&conn);
            }
        },
    );
}

/// Counts a connection out of [`Shared::sending`] when dropped.
struct Sending(Arc<AtomicUsize>);

impl Drop for Sending {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Hands an accepted plain connection over (or closes it when over `max_connections`).
fn hand_over(
    shared: &Shared,
    sink: &dyn EventSink,
    options: &ServerOptions,
    socket: PlainSocket,
    peer: Option<String>,
    credentials: Option<PeerCredentials>,
) {
    let conn = {
        let conns = shared.conns();
        let open = conns.len() + shared.handed_over.load(Ordering::Acquire);
        if let Some(limit) = options.max_connections.filter(|&max| open >= max) {
            drop(conns);
            sink.send(Event::Rejected {
                peer,
                reason: IpcError::ConnectionLimit { limit },
            });
            return;
        }
        shared.handed_over.fetch_add(1, Ordering::AcqRel);
        shared.next_id.fetch_add(1, Ordering::Relaxed)
    };
    sink.send(Event::HandedOver {
        conn,
        peer,
        credentials,
        socket,
    });
}

enum Accepted {
    Ready(Split),
    /// A plain connection to hand over (`hand_over`).
    Plain(PlainSocket, Option<String>, Option<PeerCredentials>),
    /// Connected; the TLS handshake is still to be done.
    Tls {
        stream: Box<dyn Io>,
        peer: Option<String>,
        credentials: Option<PeerCredentials>,
        /// The TCP socket under the stream, if TCP.
        socket: Option<crate::sockopt::RawSocket>,
    },
}

/// What to do with an accepted Unix stream.
#[cfg(unix)]
fn classify_unix(
    stream: tokio::net::UnixStream,
    tls: bool,
    hand_over: bool,
) -> Result<Accepted, IpcError> {
    let credentials = crate::socket::credentials_of(&stream);
    if tls {
        return Ok(Accepted::Tls {
            stream: Box::new(stream),
            peer: None,
            credentials,
            socket: None,
        });
    }
    if hand_over {
        let socket = PlainSocket::from_unix(stream).map_err(|e| IpcError::io("accept", "", e))?;
        return Ok(Accepted::Plain(socket, None, credentials));
    }
    Ok(Accepted::Ready(Split::unix(stream)))
}

/// What to do with an accepted TCP stream.
fn classify_tcp(
    stream: tokio::net::TcpStream,
    peer: std::net::SocketAddr,
    tls: bool,
    hand_over: bool,
) -> Result<Accepted, IpcError> {
    if tls {
        let _ = stream.set_nodelay(true);
        let socket = Some(crate::sockopt::raw_tcp(&stream));
        Ok(Accepted::Tls {
            stream: Box::new(stream),
            peer: Some(peer.to_string()),
            credentials: None,
            socket,
        })
    } else if hand_over {
        let socket = PlainSocket::from_tcp(stream).map_err(|e| IpcError::io("accept", "", e))?;
        Ok(Accepted::Plain(socket, Some(peer.to_string()), None))
    } else {
        Ok(Accepted::Ready(Split::tcp(stream, peer)))
    }
}

/// A byte stream a TLS session can run over.
trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// A bound listener of any transport.
enum Listener {
    #[cfg(unix)]
    Unix {
        listener: tokio::net::UnixListener,
        path: std::path::PathBuf,
        identity: Option<(u64, u64)>,
        /// node-ipc speaks TLS on a Unix socket when `config.tls` is set (node-ipc-native's
        /// [contract] Q24).
        ///
        /// [contract]: https://github.com/node-ipc-native/node-ipc-native/blob/main/docs/CONTRACT.md
        tls: bool,
        hand_over: bool,
    },
    #[cfg(windows)]
    Pipe(crate::pipe::PipeListener),
    Tcp {
        listener: tokio::net::TcpListener,
        tls: bool,
        hand_over: bool,
    },
}

impl Listener {
    async fn bind(endpoint: &Endpoint, options: &ServerOptions) -> Result<Listener, IpcError> {
        match endpoint {
            #[cfg(unix)]
            Endpoint::Unix(path) => bind_unix(path, options).await,
            #[cfg(windows)]
            Endpoint::Unix(path) => crate::pipe::PipeListener::bind(path)
                .map(Listener::Pipe)
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::AddrInUse => IpcError::AddressInUse {
                        path: endpoint.display(),
                    },
                    _ => IpcError::io("listen", endpoint.display(), e),
                }),
            Endpoint::Tcp { host, port } => {
                let addr = resolve(host, *port, None).await?[0];
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .map_err(|e| IpcError::io("listen", addr.to_string(), e))?;
                Ok(Listener::Tcp {
                    listener,
                    tls: options.tls.is_some(),
                    hand_over: options.hand_over,
                })
            }
        }
    }

    async fn accept(&self) -> Result<Accepted, IpcError> {
        match self {
            #[cfg(unix)]
            Listener::Unix {
                listener,
                tls,
                hand_over,
                ..
            } => {
                let (stream, _) = listener
                    .accept()
                    .await
                    .map_err(|e| IpcError::io("accept", "", e))?;
                classify_unix(stream, *tls, *hand_over)
            }
            #[cfg(windows)]
            Listener::Pipe(pipe) => pipe
                .accept()
                .await
                .map(Accepted::Ready)
                .map_err(|e| IpcError::io("accept", "", e)),
            Listener::Tcp {
                listener,
                tls,
                hand_over,
            } => {
                let (stream, peer) = listener
                    .accept()
                    .await
                    .map_err(|e| IpcError::io("accept", "", e))?;
                classify_tcp(stream, peer, *tls, *hand_over)
            }
        }
    }

    /// The bound address of a TCP listener.
    fn local_addr(&self) -> Option<std::net::SocketAddr> {
        match self {
            Listener::Tcp { listener, .. } => listener.local_addr().ok(),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}

#[cfg(unix)]
async fn bind_unix(path: &std::path::Path, options: &ServerOptions) -> Result<Listener, IpcError> {
    use std::os::unix::fs::PermissionsExt;
    let address = path.to_string_lossy().into_owned();
    crate::transport::check_unix_path(path)?;
    if options.unlink {
        remove_stale_socket(path).await?;
    }
    let listener = tokio::net::UnixListener::bind(path)
        .map_err(|e| IpcError::io("listen", address.clone(), e))?;
    if options.readable_all || options.writable_all {
        let mut mode = std::fs::metadata(path)
            .map_err(|e| IpcError::io("listen", address.clone(), e))?
            .permissions()
            .mode();
        if options.readable_all {
            mode |= 0o444;
        }
        if options.writable_all {
            mode |= 0o222;
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| IpcError::io("listen", address, e))?;
    }
    Ok(Listener::Unix {
        listener,
        path: path.to_path_buf(),
        identity: file_identity(path),
        tls: options.tls.is_some(),
        hand_over: options.hand_over,
    })
}

/// How long the check of an existing socket waits for its server to accept.
#[cfg(unix)]
const LIVENESS_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Clears the way for `unlink`: removes a socket file that nobody serves any more (a
/// crashed run's), and refuses to touch anything else. node-ipc deletes whatever is at the
/// path, which orphans a live server and deletes regular files (node-ipc-native's
/// [contract] Q45).
///
/// - nothing there: fine;
/// - not a socket (a file, a directory, a symbolic link, ...): [`IpcError::PathOccupied`];
/// - a socket whose server accepts a connection (or whose backlog is full, or that does
///   not answer in time): [`IpcError::AddressInUse`]. The check connects and closes at once,
///   so that server sees one short connection;
/// - a socket that refuses connections: stale, removed.
///
/// [contract]: https://github.com/node-ipc-native/node-ipc-native/blob/main/docs/CONTRACT.md
#[cfg(unix)]
async fn remove_stale_socket(path: &std::path::Path) -> Result<(), IpcError> {
    use std::os::unix::fs::FileTypeExt;
    let address = || path.to_string_lossy().into_owned();
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(IpcError::io("listen", address(), e)),
    };
    let kind = meta.file_type();
    if !kind.is_socket() {
        let what = if kind.is_file() {
            "a regular file"
        } else if kind.is_dir() {
            "a directory"
        } else if kind.is_symlink() {
            "a symbolic link"
        } else {
            "a special file"
        };
        return Err(IpcError::PathOccupied {
            path: address(),
            what,
        });
    }
    let probe = tokio::time::timeout(LIVENESS_TIMEOUT, tokio::net::UnixStream::connect(path)).await;
    match probe {
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            match std::fs::remove_file(path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(IpcError::io("listen", address(), e)),
            }
        }
        // Removed meanwhile: the way is clear.
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        // Accepted, or a full backlog (EAGAIN), or no answer: a live server.
        Ok(Ok(_)) | Err(_) => Err(IpcError::AddressInUse { path: address() }),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {
            Err(IpcError::AddressInUse { path: address() })
        }
        // Not ours to judge (EACCES on someone else's socket, ...): report it.
        Ok(Err(e)) => Err(IpcError::io("listen", address(), e)),
    }
}

#[cfg(unix)]
fn file_identity(path: &std::path::Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path)
        .ok()
        .map(|m| (m.dev(), m.ino()))
}
