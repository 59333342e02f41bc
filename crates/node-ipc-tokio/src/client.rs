//! Clients: a single connection attempt ([`connect`]) and node-ipc's reconnecting client
//! ([`Client`]) with its retry state machine.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::codec::split_frames;
use crate::codec::Framing;
use crate::connection::{ConnectionHandle, PendingConnection};
use crate::error::IpcError;
use crate::event::{ChannelSink, ConnId, Event, EventSink};
use crate::flow::Sent;
use crate::message::{InvalidFrame, Message};
use crate::request::{self, Pending};
use crate::transport::{self, ConnectOptions, Endpoint};

/// Starts one connection attempt to `endpoint` and returns its handle at once; bytes
/// sent before it connects are sent on connect (and lost if it fails). Reports
/// `Connected`, then frames, then `Closed` — or `Error` and `Closed` if the attempt
/// fails. With TLS, `Connected` comes at TCP connect, before the handshake (node-ipc's
/// order, node-ipc-native's [contract] Q25); a failed handshake then reports `Error` and
/// `Closed`. With `options.hand_over`, a plain connection is reported as `HandedOver` and
/// handed over instead: the returned handle then only serves to abandon the attempt
/// (`destroy`).
///
/// [contract]: https://github.com/node-ipc-native/node-ipc-native/blob/main/docs/CONTRACT.md
pub fn connect(
    endpoint: Endpoint,
    options: ConnectOptions,
    framing: Framing,
    conn: ConnId,
    sink: impl EventSink,
) -> ConnectionHandle {
    let sink: Arc<dyn EventSink> = Arc::new(sink);
    let (handle, pending) = ConnectionHandle::pending(options.send_limits);
    tokio::spawn(async move {
        let connected = tokio::select! {
            c = transport::connect(&endpoint, &options) => c,
            // Given up while connecting (writes passed the queue limit).
            _ = pending.cancelled() => return abandoned(pending, &*sink, conn),
        };
        let connected = match connected {
            Ok(c) => c,
            Err(error) => return failed(&*sink, conn, error),
        };
        if pending.is_destroyed() {
            return abandoned(pending, &*sink, conn);
        }
        if let transport::Connected::Plain(socket, peer, credentials) = connected {
            // Bytes written before this point stay with the caller, who now drives it.
            pending.abandon();
            sink.send(Event::HandedOver {
                conn,
                peer,
                credentials,
                socket,
            });
            return;
        }
        sink.send(Event::Connected {
            conn,
            peer: connected.peer(),
            local: connected.local_addr(),
            credentials: connected.credentials(),
        });
        match connected.finish().await {
            Ok(split) => {
                pending.set_socket(split.socket);
                pending.attach(conn, split.reader, split.writer, framing, sink, || {});
            }
            Err(error) => failed(&*sink, conn, error),
        }
    });
    handle
}

/// An attempt destroyed while connecting: as with a Node socket, nothing happened but the
/// close, unless it was given up with an error (which is reported first).
fn abandoned(pending: PendingConnection, sink: &dyn EventSink, conn: ConnId) {
    let error = pending.take_error();
    pending.abandon();
    match error {
        Some(error) => failed(sink, conn, error),
        None => sink.send(Event::Closed {
            conn,
            had_error: false,
        }),
    }
}

/// A connection attempt that failed: its error, then its close. (Writes queued for it
/// are dropped with the pending connection.)
fn failed(sink: &dyn EventSink, conn: ConnId, error: IpcError) {
    sink.send(Event::Error { conn, error });
    sink.send(Event::Closed {
        conn,
        had_error: true,
    });
}

/// When and how often a [`Client`] reconnects (node-ipc's `retry`, `maxRetries`,
/// `stopRetrying`).
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Delay before each reconnect attempt (node-ipc default 500 ms).
    pub retry: Duration,
    /// Reconnects allowed after the connection is lost or an attempt fails; `None` for
    /// no limit (node-ipc's default `Infinity`). The budget refills on every connect.
    pub max_retries: Option<u32>,
    /// Never reconnect.
    pub stop_retrying: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retry: Duration::from_millis(500),
            max_retries: None,
            stop_retrying: false,
        }
    }
}

/// How a [`Client`] connects and reconnects. Built from [`ClientOptions::default`]
/// (node-ipc's defaults: retry every 500 ms, forever) with the methods below.
///
/// ```
/// use std::time::Duration;
/// let options = node_ipc_tokio::ClientOptions::default()
///     .retry(Duration::from_millis(100))
///     .max_retries(Some(3));
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    policy: RetryPolicy,
    connect: ConnectOptions,
    framing: Framing,
}

impl ClientOptions {
    /// The delay before each reconnect attempt (node-ipc's `retry`, default 500 ms).
    pub fn retry(mut self, delay: Duration) -> Self {
        self.policy.retry = delay;
        self
    }

    /// Reconnects allowed after the connection is lost or an attempt fails, refilled on
    /// every connect (node-ipc's `maxRetries`); `None` (the default) for no limit.
    pub fn max_retries(mut self, retries: Option<u32>) -> Self {
        self.policy.max_retries = retries;
        self
    }

    /// Never reconnect (node-ipc's `stopRetrying`).
    pub fn stop_retrying(mut self, stop: bool) -> Self {
        self.policy.stop_retrying = stop;
        self
    }

    /// The frame delimiter (node-ipc's `delimiter`, default `"\f"`).
    pub fn delimiter(mut self, delimiter: impl Into<Vec<u8>>) -> Self {
        let max = self.max_message_size_now();
        self.framing = Framing::Delimited {
            delimiter: delimiter.into(),
            max_message_size: max,
        };
        self
    }

    /// The largest message accepted from the server (default 64 MiB); a larger one
    /// ends the connection with [`IpcError::MessageTooLarge`].
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        if let Framing::Delimited {
            max_message_size, ..
        } = &mut self.framing
        {
            *max_message_size = bytes;
        }
        self
    }

    fn max_message_size_now(&self) -> usize {
        match &self.framing {
            Framing::Delimited {
                max_message_size, ..
            } => *max_message_size,
            Framing::Raw => crate::codec::DEFAULT_MAX_MESSAGE_SIZE,
        }
    }

    /// How much may be queued for the server: [`Client::emit`] waits while more than
    /// `high_water` bytes are queued (default 256 KiB); a queue that would pass
    /// `max_queued` (default 64 MiB, `0` for no limit) ends the connection with
    /// [`IpcError::QueueLimit`].
    pub fn send_limits(mut self, high_water: usize, max_queued: usize) -> Self {
        self.connect.send_limits = crate::flow::SendLimits {
            high_water,
            max_queued_bytes: max_queued,
        };
        self
    }

    /// The local address (and port, `0` for any) to connect from, on TCP (node-ipc's
    /// `config.interface`).
    pub fn local_address(mut self, address: std::net::IpAddr, port: u16) -> Self {
        self.connect.local_address = Some(address);
        self.connect.local_port = (port != 0).then_some(port);
        self
    }

    /// Speak TLS after connecting (node-ipc's `config.tls` on `connectToNet`).
    #[cfg(feature = "tls")]
    pub fn tls(mut self, tls: crate::tls::TlsClient) -> Self {
        self.connect.tls = Some(tls);
        self
    }
}

/// What a [`Client`] reports, in node-ipc's event vocabulary.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientEvent {
    /// Connected (`connect`).
    Connect,
    /// A message arrived (`<type>` with `data`); replies to [`Client::request`] go to the
    /// request instead.
    Message(Message),
    /// A frame that is not valid JSON (`error` with `Invalid JSON response format`).
    InvalidFrame(InvalidFrame),
    /// A connection error (`error`).
    Error(IpcError),
    /// The connection closed or an attempt failed (`disconnect`); published after every
    /// attempt.
    Disconnect,
    /// No more attempts will be made (`destroy`): retries exhausted, `stop_retrying`, or
    /// [`Client::disconnect`].
    Destroy,
}

/// How many [`ClientEvent`]s may wait for the receiver. While they wait, the client stops
/// taking data from its connection, whose reader pauses once 4 MiB are unconsumed: a
/// receiver that lags slows the peer down instead of growing memory.
pub const EVENT_CAPACITY: usize = 64;

/// Where a client's connection stands, for [`Client::connected`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    Connecting,
    Connected,
    Down,
    Destroyed,
}

/// The connection a [`Client`] sends on, shared by its handle and its task.
#[derive(Default)]
struct Current {
    /// The attempt in progress (connecting or connected); `None` between attempts.
    handle: Option<ConnectionHandle>,
    /// [`Client::disconnect`] was called: no more attempts, no more sends.
    disconnected: bool,
}

/// node-ipc's reconnecting client (node-ipc-native's [contract] §5.3): connects,
/// reconnects after `retry` while the budget lasts, and reports every step.
///
/// Sending is bounded: [`Client::emit`] waits while more than the high-water mark is
/// queued for the server, and a queue that would pass its limit ends the connection with
/// [`IpcError::QueueLimit`] (reported as [`ClientEvent::Error`]; the client then
/// reconnects as after any lost connection). Sends while no connection is open (between
/// attempts, after [`Client::disconnect`]) fail with [`IpcError::NotConnected`] — node-ipc
/// drops them silently — and sends while connecting are queued and go out once connected.
/// [`Client::connected`] waits for the connection.
///
/// Events wait in a channel of [`EVENT_CAPACITY`]; read them (or drop the receiver) or
/// the client stops reading from the server, replies to requests included.
///
/// ```no_run
/// # async fn demo() -> Result<(), node_ipc_tokio::Error> {
/// use node_ipc_tokio::{Client, ClientEvent, ClientOptions, Endpoint};
/// let (client, mut events) = Client::start(Endpoint::unix("/tmp/app.world"), ClientOptions::default());
/// client.connected().await?;
/// client.emit("app.message", &serde_json::json!({"id": "rust", "message": "hi"})).await?;
/// while let Some(event) = events.recv().await {
///     if let ClientEvent::Message(m) = event {
///         println!("{}: {}", m.r#type, m.data);
///     }
/// }
/// # Ok(()) }
/// ```
///
/// [contract]: https://github.com/node-ipc-native/node-ipc-native/blob/main/docs/CONTRACT.md
pub struct Client {
    current: Arc<std::sync::Mutex<Current>>,
    disconnect: Arc<tokio::sync::Notify>,
    delimiter: Vec<u8>,
    pending: Arc<Pending>,
    link: watch::Receiver<Link>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("link", &*self.link.borrow())
            .field("queued_bytes", &self.queued_bytes())
            .finish()
    }
}

impl Client {
    /// Starts connecting to `endpoint`, and returns at once with the client and the
    /// receiver of its events.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    pub fn start(endpoint: Endpoint, options: ClientOptions) -> (Client, mpsc::Receiver<ClientEvent>) {
        let ClientOptions {
            policy,
            connect,
            framing,
        } = options;
        let (events_tx, events_rx) = mpsc::channel(EVENT_CAPACITY);
        let delimiter = match &framing {
            Framing::Delimited { delimiter, .. } => delimiter.clone(),
            Framing::Raw => Vec::new(),
        };
        let current = Arc::new(std::sync::Mutex::new(Current::default()));
        let disconnect = Arc::new(tokio::sync::Notify::new());
        let pending = Arc::new(Pending::default());
        let (link_tx, link) = watch::channel(Link::Connecting);
        let task = tokio::spawn(run_client(
            endpoint,
            policy,
            connect,
            framing,
            Shared {
                current: Arc::clone(&current),
                disconnect: Arc::clone(&disconnect),
                pending: Arc::clone(&pending),
                link: link_tx,
            },
            events_tx,
        ));
        (
            Client {
                current,
                disconnect,
                delimiter,
                pending,
                link,
                task,
            },
            events_rx,
        )
    }

    fn current(&self) -> std::sync::MutexGuard<'_, Current> {
        lock(&self.current)
    }

    /// The connection to send on, if one is open or opening.
    fn handle(&self) -> Result<ConnectionHandle, IpcError> {
        self.current().handle.clone().ok_or(IpcError::NotConnected)
    }

    fn frame<T: Serialize + ?Sized>(&self, r#type: &str, data: &T) -> Result<Bytes, IpcError> {
        crate::message::encode_frame(r#type, data, &self.delimiter).map(Bytes::from)
    }

    /// Waits until the client is connected; [`IpcError::NotConnected`] once it has given
    /// up (retries exhausted, `stop_retrying`, [`Client::disconnect`]).
    pub async fn connected(&self) -> Result<(), IpcError> {
        let mut link = self.link.clone();
        let reached = link
            .wait_for(|l| matches!(l, Link::Connected | Link::Destroyed))
            .await
            .map(|l| *l);
        match reached {
            Ok(Link::Connected) => Ok(()),
            _ => Err(IpcError::NotConnected),
        }
    }

    /// Whether the connection is open now.
    pub fn is_connected(&self) -> bool {
        *self.link.borrow() == Link::Connected
    }

    /// Sends a message (node-ipc's `ipc.of[id].emit(type, data)`), waiting first while
    /// the queue is above its high-water mark. [`IpcError::NotConnected`] while no
    /// connection is open; [`IpcError::QueueLimit`] if the queue would pass its limit;
    /// [`IpcError::Data`] if `data` does not serialise.
    pub async fn emit<T: Serialize + ?Sized>(&self, r#type: &str, data: &T) -> Result<(), IpcError> {
        let frame = self.frame(r#type, data)?;
        let handle = self.handle()?;
        handle.ready().await?;
        sent(handle.send(frame))
    }

    /// Sends a message without waiting: it is queued whatever the queue holds (up to the
    /// hard limit). Errors as [`Client::emit`].
    pub fn try_emit<T: Serialize + ?Sized>(&self, r#type: &str, data: &T) -> Result<(), IpcError> {
        let frame = self.frame(r#type, data)?;
        sent(self.handle()?.send(frame))
    }

    /// Sends a request and waits for its reply, matched by a correlation id carried in
    /// ordinary node-ipc messages (so a plain node-ipc peer can answer it, see
    /// [`crate::RemoteError`] and the crate docs): the server's answer as `Resp`.
    ///
    /// Errors: [`IpcError::Timeout`] when no reply came within `timeout` (a later reply is
    /// ignored); [`IpcError::Remote`] with the handler's error name and message;
    /// [`IpcError::Disconnected`] when the connection closed first;
    /// [`IpcError::NotConnected`] when no connection is open; [`IpcError::Data`] when the
    /// reply is not a `Resp`.
    pub async fn request<Req, Resp>(
        &self,
        r#type: &str,
        data: &Req,
        timeout: Duration,
    ) -> Result<Resp, IpcError>
    where
        Req: Serialize + ?Sized,
        Resp: DeserializeOwned,
    {
        let handle = self.handle()?;
        let (id, outcome) = self.pending.register(r#type);
        // Forgets the request however this future ends (timeout, error, dropped).
        struct Forget<'a>(&'a Pending, u64);
        impl Drop for Forget<'_> {
            fn drop(&mut self) {
                self.0.cancel(self.1);
            }
        }
        let _forget = Forget(&self.pending, id);
        let frame = self.frame(r#type, &request::RequestData { id, payload: data })?;
        handle.ready().await?;
        sent(handle.send(frame))?;
        let value = match tokio::time::timeout(timeout, outcome).await {
            Ok(Ok(result)) => result?,
            // The sender went without a word: the client task ended.
            Ok(Err(_)) => {
                return Err(IpcError::Disconnected {
                    r#type: r#type.to_owned(),
                })
            }
            Err(_) => {
                trace!(debug, request_type = r#type, id, ?timeout, "request timed out");
                return Err(IpcError::Timeout {
                    r#type: r#type.to_owned(),
                    after: timeout,
                })
            }
        };
        Resp::deserialize(value).map_err(|e| IpcError::Data {
            r#type: request::reply_type(r#type),
            reason: e.to_string(),
        })
    }

    /// Sends raw bytes without waiting (errors as [`Client::emit`]).
    #[doc(hidden)]
    pub fn send_raw(&self, bytes: Bytes) -> Result<(), IpcError> {
        sent(self.handle()?.send(bytes))
    }

    /// Bytes queued for the server and not yet sent.
    pub fn queued_bytes(&self) -> usize {
        self.current()
            .handle
            .as_ref()
            .map_or(0, ConnectionHandle::queued_bytes)
    }

    /// Closes after sending what was emitted before; no reconnect (`ipc.disconnect`).
    /// Later sends fail with [`IpcError::NotConnected`].
    pub fn disconnect(&self) {
        let mut current = self.current();
        current.disconnected = true;
        if let Some(handle) = current.handle.take() {
            handle.destroy();
        }
        drop(current);
        self.disconnect.notify_one();
    }

    /// Waits until the client has published `Destroy`.
    pub async fn finished(self) {
        let _ = self.task.await;
    }
}

/// What the client's task shares with its handle.
struct Shared {
    current: Arc<std::sync::Mutex<Current>>,
    disconnect: Arc<tokio::sync::Notify>,
    pending: Arc<Pending>,
    link: watch::Sender<Link>,
}

fn lock(current: &std::sync::Mutex<Current>) -> std::sync::MutexGuard<'_, Current> {
    // Each critical section sets or takes one field: a poisoned lock is still sound.
    current.lock().unwrap_or_else(|p| p.into_inner())
}

/// A send's outcome as the client reports it.
fn sent(result: Result<Sent, IpcError>) -> Result<(), IpcError> {
    match result? {
        Sent::Written | Sent::Queued => Ok(()),
        Sent::Dropped => Err(IpcError::NotConnected),
    }
}

async fn run_client(
    endpoint: Endpoint,
    policy: RetryPolicy,
    options: ConnectOptions,
    framing: Framing,
    shared: Shared,
    events: mpsc::Sender<ClientEvent>,
) {
    let Shared {
        current,
        disconnect,
        pending,
        link,
    } = shared;
    // Whatever ends the task, `connected()` learns it.
    struct Finished(watch::Sender<Link>);
    impl Drop for Finished {
        fn drop(&mut self) {
            self.0.send_replace(Link::Destroyed);
        }
    }
    let link = Finished(link);
    // A receiver that is gone does not stop the client (it may still be sending).
    let publish = |ev| async {
        let _ = events.send(ev).await;
    };
    // This client drives its connections itself.
    let options = ConnectOptions {
        hand_over: false,
        ..options
    };
    let delimiter = match &framing {
        Framing::Delimited { delimiter, .. } => Some(delimiter.clone()),
        Framing::Raw => None,
    };
    let mut retries_remaining = policy.max_retries;
    loop {
        link.0.send_replace(Link::Connecting);
        let (sink, mut conn_events) = ChannelSink::new();
        let handle = connect(endpoint.clone(), options.clone(), framing.clone(), 1, sink);
        {
            let mut now = lock(&current);
            if now.disconnected {
                handle.destroy();
            } else {
                now.handle = Some(handle.clone());
            }
        }
        // Run this attempt until it closes. While an event waits for room in the
        // channel, nothing is taken from the connection: it stops reading.
        while let Some(ev) = conn_events.recv().await {
            match ev {
                Event::Closed { .. } => break,
                Event::Connected { .. } => {
                    trace!(info, endpoint = %endpoint.display(), "node-ipc client connected");
                    link.0.send_replace(Link::Connected);
                    publish(ClientEvent::Connect).await;
                    retries_remaining = policy.max_retries;
                }
                Event::Frames { run, credit, .. } => {
                    if let Some(d) = &delimiter {
                        for frame in split_frames(&run, d) {
                            let event = match Message::parse(frame) {
                                Ok(m) => match pending.complete(m) {
                                    Some(m) => ClientEvent::Message(m),
                                    None => continue,
                                },
                                Err(bad) => ClientEvent::InvalidFrame(bad),
                            };
                            publish(event).await;
                        }
                    }
                    drop(credit);
                }
                Event::Raw { bytes, credit, .. } => {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    drop(credit);
                    publish(ClientEvent::Message(Message::new(
                        "data",
                        Value::String(text),
                    )))
                    .await;
                }
                Event::Error { error, .. } | Event::ListenFailed(error) => {
                    trace!(warn, endpoint = %endpoint.display(), %error, "node-ipc client error");
                    publish(ClientEvent::Error(error)).await;
                }
                Event::Listening
                | Event::Ended { .. }
                | Event::Drained { .. }
                | Event::Datagram { .. }
                | Event::Rejected { .. }
                | Event::HandedOver { .. } => {}
            }
        }
        link.0.send_replace(Link::Down);
        pending.disconnected();
        let explicitly_disconnected = {
            let mut now = lock(&current);
            now.handle = None;
            now.disconnected
        };
        let out_of_retries = retries_remaining == Some(0);
        publish(ClientEvent::Disconnect).await;
        if policy.stop_retrying || out_of_retries || explicitly_disconnected {
            trace!(info, endpoint = %endpoint.display(), explicitly_disconnected, "node-ipc client gave up (destroy)");
            publish(ClientEvent::Destroy).await;
            return;
        }
        // Wait for the retry delay; sends meanwhile fail (node-ipc drops them, CONTRACT §5.2).
        tokio::select! {
            _ = tokio::time::sleep(policy.retry) => {}
            // node-ipc publishes nothing more once the socket is already closed.
            _ = disconnect.notified() => return,
        }
        if lock(&current).disconnected {
            return;
        }
        if let Some(n) = retries_remaining.as_mut() {
            *n -= 1;
        }
    }
}
