//! The server Rust users get: [`Server::bind`], parsed messages with the connection they
//! came from, typed `emit` / `broadcast`, request handlers, and a lifecycle (drop it to
//! stop; [`ServerHandle::shutdown`] to stop gracefully).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{mpsc, Semaphore};

use crate::codec::split_frames;
use crate::codec::Framing;
use crate::error::IpcError;
use crate::error::RemoteError;
use crate::event::{ChannelSink, ConnId, Event};
use crate::flow::{SendLimits, Sent};
use crate::message::{InvalidFrame, Message};
use crate::request;
use crate::server::{Server as Engine, ServerOptions as EngineOptions};
use crate::socket::PeerCredentials;
use crate::transport::Endpoint;

/// How many [`ServerEvent`]s may wait for [`Server::next_event`]. While they wait, the
/// server stops taking data from its connections, whose readers pause once 4 MiB are
/// unconsumed: a consumer that lags slows the peers down instead of growing memory.
pub const SERVER_EVENT_CAPACITY: usize = 64;

/// How long [`ServerHandle::shutdown`] lets connections send what is queued for them.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// How a [`Server`] listens and treats its connections. Built from
/// [`ServerOptions::default`] (node-ipc's defaults) with the methods below.
///
/// ```
/// let options = node_ipc_tokio::ServerOptions::default()
///     .max_connections(Some(10))
///     .max_message_size(1 << 20);
/// ```
#[derive(Debug, Clone)]
pub struct ServerOptions {
    engine: EngineOptions,
    delimiter: Vec<u8>,
    max_message_size: usize,
    handler_concurrency: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            engine: EngineOptions::default(),
            delimiter: crate::codec::DEFAULT_DELIMITER.to_vec(),
            max_message_size: crate::codec::DEFAULT_MAX_MESSAGE_SIZE,
            handler_concurrency: 64,
        }
    }
}

impl ServerOptions {
    /// Connections beyond this many are closed at once and reported as
    /// [`ServerEvent::Rejected`] (node-ipc's `maxConnections`, default 100); `None` for
    /// no limit.
    pub fn max_connections(mut self, max: Option<usize>) -> Self {
        self.engine.max_connections = max;
        self
    }

    /// Remove a stale socket file before listening (node-ipc's `unlink`, default true).
    /// A path another server still accepts on is never taken over
    /// ([`IpcError::AddressInUse`]), and a file that is not a socket is left in place
    /// ([`IpcError::PathOccupied`]).
    pub fn unlink(mut self, unlink: bool) -> Self {
        self.engine.unlink = unlink;
        self
    }

    /// Make the Unix socket file readable and writable by every user (node-ipc's
    /// `readableAll` and `writableAll`; default: the process's umask decides).
    pub fn accessible_to_all(mut self, all: bool) -> Self {
        self.engine.readable_all = all;
        self.engine.writable_all = all;
        self
    }

    /// The frame delimiter (node-ipc's `delimiter`, default `"\f"`). Both sides must use
    /// the same one.
    pub fn delimiter(mut self, delimiter: impl Into<Vec<u8>>) -> Self {
        self.delimiter = delimiter.into();
        self
    }

    /// The largest message accepted, in bytes (default 64 MiB); a peer that sends a
    /// larger one is disconnected with [`IpcError::MessageTooLarge`].
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }

    /// How much may be queued for one connection: `emit` waits while more than
    /// `high_water` bytes are queued (default 256 KiB), and a connection whose queue would
    /// pass `max_queued` (default 64 MiB, `0` for no limit) is closed with
    /// [`IpcError::QueueLimit`].
    pub fn send_limits(mut self, high_water: usize, max_queued: usize) -> Self {
        self.engine.send_limits = SendLimits {
            high_water,
            max_queued_bytes: max_queued,
        };
        self
    }

    /// How many request handlers may run at once (default 64); further requests wait,
    /// and while they wait the server stops reading from its connections.
    pub fn handler_concurrency(mut self, handlers: usize) -> Self {
        self.handler_concurrency = handlers.max(1);
        self
    }

    /// Speak TLS on accepted connections (node-ipc's `config.tls` on `serveNet`).
    #[cfg(feature = "tls")]
    pub fn tls(mut self, tls: crate::tls::TlsServer) -> Self {
        self.engine.tls = Some(tls);
        self
    }
}

/// Something that happened on a [`Server`], in the order it happened per connection.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServerEvent {
    /// A client connected (node-ipc's `connect`).
    Connected {
        /// The connection, for [`ServerHandle::emit`].
        conn: ConnId,
        /// The peer's `ip:port`, on TCP.
        peer: Option<String>,
        /// The peer process, on Unix sockets.
        credentials: Option<PeerCredentials>,
    },
    /// A message arrived (a request with a registered handler goes to the handler
    /// instead).
    Message {
        /// The connection it came on.
        conn: ConnId,
        /// The message.
        message: Message,
    },
    /// A frame that is not valid JSON (node-ipc's `error` with `Invalid JSON response
    /// format`); the connection stays open.
    InvalidFrame {
        /// The connection it came on.
        conn: ConnId,
        /// The frame and what the parser said.
        frame: InvalidFrame,
    },
    /// A connection was accepted and closed at once: over `max_connections`
    /// ([`IpcError::ConnectionLimit`]) or a failed TLS handshake ([`IpcError::Tls`]).
    Rejected {
        /// The peer's `ip:port`, on TCP.
        peer: Option<String>,
        /// Why.
        reason: IpcError,
    },
    /// An error on a connection, or on the listener (`conn: None`, e.g. out of file
    /// descriptors while accepting; the server keeps serving).
    Error {
        /// The connection, or `None` for the listener.
        conn: Option<ConnId>,
        /// What happened.
        error: IpcError,
    },
    /// A connection closed (node-ipc's `socket.disconnected`).
    Disconnected {
        /// The connection.
        conn: ConnId,
        /// Whether it closed because of an error (reported just before).
        had_error: bool,
    },
}

type HandlerFuture = Pin<Box<dyn Future<Output = Result<Value, RemoteError>> + Send>>;
type Handler = Arc<dyn Fn(ConnId, Value) -> HandlerFuture + Send + Sync>;

/// What every handle of one server shares. Dropping the last one closes the server.
struct Inner {
    engine: Engine,
    delimiter: Vec<u8>,
    handlers: RwLock<HashMap<String, Handler>>,
    endpoint: Endpoint,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Nobody can send or read any more: stop listening (the socket file goes) and
        // close every connection after what was queued for it.
        self.engine.shutdown();
    }
}

impl Inner {
    fn frame<T: Serialize + ?Sized>(&self, r#type: &str, data: &T) -> Result<Bytes, IpcError> {
        crate::message::encode_frame(r#type, data, &self.delimiter).map(Bytes::from)
    }

    fn handlers(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Handler>> {
        // Writers only insert or remove one entry: a poisoned lock is still sound.
        self.handlers.read().unwrap_or_else(|p| p.into_inner())
    }
}

/// A node-ipc server: accepts connections from node-ipc clients (Node or Rust), reports
/// what they send, and sends to them.
///
/// Read its events with [`Server::next_event`]; send from anywhere with the cloneable
/// [`ServerHandle`] it derefs to. The server listens until the `Server` and every handle
/// are dropped (then the Unix socket file is removed and every connection closed) or
/// until [`ServerHandle::shutdown`].
///
/// ```no_run
/// use node_ipc_tokio::{Endpoint, Server, ServerEvent, ServerOptions};
///
/// # async fn run() -> Result<(), node_ipc_tokio::Error> {
/// let mut server = Server::bind(Endpoint::unix("/tmp/app.world"), ServerOptions::default()).await?;
/// while let Some(event) = server.next_event().await {
///     if let ServerEvent::Message { conn, message } = event {
///         server.emit(conn, "echo", &message.data).await?;
///     }
/// }
/// # Ok(()) }
/// ```
pub struct Server {
    handle: ServerHandle,
    events: mpsc::Receiver<ServerEvent>,
}

/// Sends on a [`Server`]'s connections and registers its request handlers; cheap to
/// clone and usable from any task.
#[derive(Clone)]
pub struct ServerHandle {
    inner: Arc<Inner>,
}

impl std::ops::Deref for Server {
    type Target = ServerHandle;
    fn deref(&self) -> &ServerHandle {
        &self.handle
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.handle.fmt(f)
    }
}

impl std::fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("endpoint", &self.inner.endpoint)
            .field("local_addr", &self.inner.engine.local_addr())
            .field("connections", &self.inner.engine.connection_count())
            .finish()
    }
}

impl Server {
    /// Listens on `endpoint` and returns once it does, or with the reason it cannot:
    /// [`IpcError::AddressInUse`] (another server serves that path), an
    /// [`IpcError::Io`] with `EADDRINUSE` (a TCP port in use), `EACCES`,
    /// [`IpcError::PathTooLong`], ...
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    pub async fn bind(endpoint: Endpoint, options: ServerOptions) -> Result<Server, IpcError> {
        let mut engine_options = options.engine;
        engine_options.hand_over = false;
        engine_options.framing = Framing::Delimited {
            delimiter: options.delimiter.clone(),
            max_message_size: options.max_message_size,
        };
        let (sink, mut raw) = ChannelSink::new();
        // Owned before the first await: a `bind` future dropped while waiting closes the
        // listener it started.
        let inner = Arc::new(Inner {
            engine: Engine::listen(endpoint.clone(), engine_options, sink),
            delimiter: options.delimiter,
            handlers: RwLock::new(HashMap::new()),
            endpoint,
        });
        match raw.recv().await {
            Some(Event::Listening) => {}
            Some(Event::ListenFailed(error)) => {
                trace!(warn, endpoint = %inner.endpoint.display(), %error, "node-ipc server could not listen");
                return Err(error);
            }
            _ => {
                return Err(IpcError::Internal(
                    "the listener ended before it reported".into(),
                ))
            }
        }
        trace!(info, endpoint = %inner.endpoint.display(), local_addr = ?inner.engine.local_addr(), "node-ipc server listening");
        let (tx, events) = mpsc::channel(SERVER_EVENT_CAPACITY);
        let permits = Arc::new(Semaphore::new(options.handler_concurrency));
        tokio::spawn(pump(raw, tx, Arc::downgrade(&inner), permits));
        Ok(Server {
            handle: ServerHandle { inner },
            events,
        })
    }

    /// The next event; `None` once the server is shut down and every event was read.
    pub async fn next_event(&mut self) -> Option<ServerEvent> {
        self.events.recv().await
    }

    /// A handle to send with from other tasks (the server keeps listening while any
    /// handle lives).
    pub fn handle(&self) -> ServerHandle {
        self.handle.clone()
    }

    /// Gives up the events and keeps only the handle: for a server that only answers
    /// requests ([`ServerHandle::handle_requests`]). Messages without a handler are
    /// dropped from then on.
    pub fn into_handle(self) -> ServerHandle {
        self.handle
    }
}

impl ServerHandle {
    /// The address a TCP server is bound to, with the port the system chose for port 0;
    /// `None` for Unix sockets and named pipes.
    pub fn local_addr(&self) -> Option<std::net::SocketAddr> {
        self.inner.engine.local_addr()
    }

    /// How many connections are open.
    pub fn connection_count(&self) -> usize {
        self.inner.engine.connection_count()
    }

    /// Sends a message to one connection (node-ipc's `server.emit(socket, type, data)`),
    /// first waiting while more than the high-water mark is queued for it.
    /// [`IpcError::NotConnected`] if that connection is closed; [`IpcError::Data`] if
    /// `data` does not serialise.
    pub async fn emit<T: Serialize + ?Sized>(
        &self,
        conn: ConnId,
        r#type: &str,
        data: &T,
    ) -> Result<(), IpcError> {
        let frame = self.inner.frame(r#type, data)?;
        self.inner.engine.ready(conn).await?;
        sent(self.inner.engine.send(conn, frame))
    }

    /// Sends a message to one connection without waiting: it is queued whatever the
    /// queue holds, up to the hard limit. Errors as [`ServerHandle::emit`].
    pub fn try_emit<T: Serialize + ?Sized>(
        &self,
        conn: ConnId,
        r#type: &str,
        data: &T,
    ) -> Result<(), IpcError> {
        let frame = self.inner.frame(r#type, data)?;
        sent(self.inner.engine.send(conn, frame))
    }

    /// Sends a message to every connection (node-ipc's `server.broadcast`), encoded once;
    /// returns how many connections took it. A connection whose queue would pass its
    /// limit is closed instead (the others are not affected).
    pub fn broadcast<T: Serialize + ?Sized>(
        &self,
        r#type: &str,
        data: &T,
    ) -> Result<usize, IpcError> {
        Ok(self.inner.engine.broadcast(self.inner.frame(r#type, data)?))
    }

    /// Closes one connection after sending what is queued for it.
    pub fn disconnect(&self, conn: ConnId) {
        self.inner.engine.destroy(conn);
    }

    /// Answers requests of type `type` (see [`crate::Client::request`]; a Node client
    /// uses `ipc.of[id].request`): `handler` gets the connection and the request's data
    /// as `Req`, and its result is sent back as the reply; an `Err` reaches the requester
    /// as a rejected request with that name and message. Data that is not a `Req` is
    /// answered with a `TypeError`. Replaces an earlier handler for the same type.
    ///
    /// ```no_run
    /// # async fn run(server: node_ipc_tokio::Server) {
    /// use node_ipc_tokio::RemoteError;
    /// server.handle_requests("divide", |_conn, (a, b): (f64, f64)| async move {
    ///     if b == 0.0 {
    ///         return Err(RemoteError::new("division by zero").with_name("RangeError"));
    ///     }
    ///     Ok(a / b)
    /// });
    /// # }
    /// ```
    pub fn handle_requests<Req, Resp, F, Fut>(&self, r#type: &str, handler: F)
    where
        Req: DeserializeOwned + Send + 'static,
        Resp: Serialize + 'static,
        F: Fn(ConnId, Req) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Resp, RemoteError>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let erased: Handler = Arc::new(move |conn, data: Value| {
            let handler = Arc::clone(&handler);
            Box::pin(async move {
                let req = Req::deserialize(data).map_err(|e| {
                    RemoteError::new(format!("invalid request data: {e}")).with_name("TypeError")
                })?;
                let resp = handler(conn, req).await?;
                serde_json::to_value(resp)
                    .map_err(|e| RemoteError::new(format!("the reply does not serialise: {e}")))
            }) as HandlerFuture
        });
        self.inner
            .handlers
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(r#type.to_owned(), erased);
    }

    /// Removes the handler for `type`: its requests arrive as messages again.
    pub fn remove_handler(&self, r#type: &str) {
        self.inner
            .handlers
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(r#type);
    }

    /// Stops accepting (the Unix socket file is removed before this returns), sends
    /// every connection what was queued for it, closes them, and returns once all are
    /// closed — or after [`SHUTDOWN_GRACE`], when connections whose peers do not read are
    /// closed without their queue (`ETIMEDOUT`). It does not depend on the events being
    /// read. Later sends fail with [`IpcError::NotConnected`].
    pub async fn shutdown(&self) {
        let engine = &self.inner.engine;
        trace!(info, endpoint = %self.inner.endpoint.display(), connections = engine.connection_count(), "node-ipc server shutting down");
        // Kept to cut off, after the grace period, those still sending once closed.
        let connections = engine.connections();
        engine.shutdown();
        let grace = tokio::time::Instant::now() + SHUTDOWN_GRACE;
        let mut aborted = false;
        // Closed connections leave the registry at once, but their writers may still be
        // sending: wait for those too.
        while engine.connection_count() > 0 || engine.sending_count() > 0 {
            if !aborted && tokio::time::Instant::now() >= grace {
                for connection in &connections {
                    connection.fail(IpcError::io(
                        "write",
                        "",
                        std::io::Error::new(
                            std::io::ErrorKind::TimedOut,
                            "the peer did not read what was queued for it during shutdown",
                        ),
                    ));
                }
                aborted = true;
                trace!(
                    warn,
                    "shutdown grace period over: connections still sending are cut off"
                );
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// A send's outcome as the server reports it.
fn sent(result: Result<Sent, IpcError>) -> Result<(), IpcError> {
    match result? {
        Sent::Written | Sent::Queued => Ok(()),
        Sent::Dropped => Err(IpcError::NotConnected),
    }
}

/// Turns the engine's events into [`ServerEvent`]s: frames into messages, requests with a
/// handler into handler calls. Holds the data's credit until its messages are taken, so a
/// slow consumer pauses the connections' readers.
async fn pump(
    mut raw: mpsc::UnboundedReceiver<Event>,
    events: mpsc::Sender<ServerEvent>,
    inner: Weak<Inner>,
    permits: Arc<Semaphore>,
) {
    // Once the `Server` is turned into a handle (or dropped), events go nowhere.
    let publish = |event| async {
        if !events.is_closed() {
            let _ = events.send(event).await;
        }
    };
    while let Some(event) = raw.recv().await {
        match event {
            Event::Connected {
                conn,
                peer,
                credentials,
                ..
            } => {
                trace!(debug, conn, peer = ?peer, credentials = ?credentials, "connected");
                publish(ServerEvent::Connected {
                    conn,
                    peer,
                    credentials,
                })
                .await
            }
            Event::Frames {
                conn, run, credit, ..
            } => {
                let Some(delimiter) = inner.upgrade().map(|i| i.delimiter.clone()) else {
                    return;
                };
                for frame in split_frames(&run, &delimiter) {
                    match Message::parse(frame) {
                        Ok(message) => match take_request(&inner, message) {
                            Ok((handler, id, data, reply_type)) => {
                                let mut answer = handler(conn, data);
                                // A handler that is done at once (no I/O) is answered here,
                                // without a task of its own.
                                let polled = {
                                    let mut cx =
                                        std::task::Context::from_waker(std::task::Waker::noop());
                                    answer.as_mut().poll(&mut cx)
                                };
                                if let std::task::Poll::Ready(outcome) = polled {
                                    reply(&inner, conn, id, &reply_type, outcome);
                                    continue;
                                }
                                // Bounded: no permit, no reading.
                                let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                                    return;
                                };
                                let inner = Weak::clone(&inner);
                                tokio::spawn(async move {
                                    let outcome = answer.await;
                                    reply(&inner, conn, id, &reply_type, outcome);
                                    drop(permit);
                                });
                            }
                            Err(message) => publish(ServerEvent::Message { conn, message }).await,
                        },
                        Err(frame) => {
                            trace!(debug, conn, reason = %frame.reason, "invalid frame");
                            publish(ServerEvent::InvalidFrame { conn, frame }).await
                        }
                    }
                }
                drop(credit);
            }
            Event::Rejected { peer, reason } => {
                trace!(warn, peer = ?peer, %reason, "connection rejected");
                publish(ServerEvent::Rejected { peer, reason }).await
            }
            Event::Error { conn, error } => {
                let conn = (conn != 0).then_some(conn);
                trace!(warn, conn = ?conn, %error, "connection error");
                publish(ServerEvent::Error { conn, error }).await
            }
            Event::Closed { conn, had_error } => {
                trace!(debug, conn, had_error, "disconnected");
                publish(ServerEvent::Disconnected { conn, had_error }).await
            }
            // Raw framing and handed-over connections are not offered by this server;
            // `Ended` is followed by `Closed`; sends wait for room themselves.
            Event::Raw { .. }
            | Event::HandedOver { .. }
            | Event::Ended { .. }
            | Event::Drained { .. }
            | Event::Datagram { .. }
            | Event::Listening
            | Event::ListenFailed(_) => {}
        }
    }
}

/// Sends a handler's outcome back to the requester.
fn reply(
    inner: &Weak<Inner>,
    conn: ConnId,
    id: u64,
    reply_type: &str,
    outcome: Result<Value, RemoteError>,
) {
    if let Some(inner) = inner.upgrade() {
        let data = request::reply_data(id, outcome);
        if let Ok(frame) = inner.frame(reply_type, &data) {
            let _ = inner.engine.send(conn, frame);
        }
    }
}

/// A request with a registered handler: the handler, the id, the payload and the reply's
/// type. Anything else comes back as it was.
#[allow(clippy::type_complexity)]
fn take_request(
    inner: &Weak<Inner>,
    message: Message,
) -> Result<(Handler, u64, Value, String), Message> {
    if request::id_of(&message.data).is_none() {
        return Err(message);
    }
    let Some(handler) = inner
        .upgrade()
        .and_then(|i| i.handlers().get(&message.r#type).cloned())
    else {
        return Err(message);
    };
    let reply_type = request::reply_type(&message.r#type);
    match request::parse_request(message.data) {
        Some((id, data)) => Ok((handler, id, data, reply_type)),
        None => Err(Message::new(message.r#type, Value::Null)),
    }
}
