//! Clients: a single connection attempt ([`connect`]) and node-ipc's reconnecting client
//! ([`Client`]) with its retry state machine.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::codec::split_frames;
use crate::connection::{ConnectionHandle, Framing, PendingConnection};
use crate::error::IpcError;
use crate::event::{ChannelSink, ConnId, Event, EventSink};
use crate::flow::Sent;
use crate::message::{InvalidFrame, Message};
use crate::transport::{self, ConnectOptions, Endpoint};

/// Starts one connection attempt to `endpoint` and returns its handle at once; bytes
/// sent before it connects are sent on connect (and lost if it fails). Reports
/// `Connected`, then frames, then `Closed` — or `Error` and `Closed` if the attempt
/// fails. With TLS, `Connected` comes at TCP connect, before the handshake (node-ipc's
/// order, spec Q25); a failed handshake then reports `Error` and `Closed`. With
/// `options.adopt`, a plain connection is reported as `Adopted` and handed over instead:
/// the returned handle then only serves to abandon the attempt (`destroy`).
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
            sink.send(Event::Adopted {
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

/// What a [`Client`] reports, in node-ipc's event vocabulary.
#[derive(Debug)]
pub enum ClientEvent {
    /// Connected (`connect`).
    Connect,
    /// A message arrived (`<type>` with `data`).
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

/// The connection a [`Client`] sends on, shared by its handle and its task.
#[derive(Default)]
struct Current {
    /// The attempt in progress (connecting or connected); `None` between attempts.
    handle: Option<ConnectionHandle>,
    /// [`Client::disconnect`] was called: no more attempts, no more sends.
    disconnected: bool,
}

/// node-ipc's reconnecting client (spec §5.3): connects, reconnects after `retry`
/// while the budget lasts, and reports every step.
///
/// Sending is bounded: [`Client::emit`] waits while more than
/// [`crate::flow::SendLimits::high_water`] bytes are queued for the server, and a queue
/// that would pass [`crate::flow::SendLimits::max_queued_bytes`] ends the connection with
/// [`IpcError::QueueLimit`] (reported as [`ClientEvent::Error`]; the client then
/// reconnects as after any lost connection). Sends while no connection is open (between
/// attempts, after [`Client::disconnect`]) fail with [`IpcError::NotConnected`]; sends
/// while connecting are queued and go out once connected.
///
/// ```no_run
/// # async fn demo() {
/// use ipc_core::client::{Client, ClientEvent, RetryPolicy};
/// use ipc_core::transport::Endpoint;
/// let (client, mut events) = Client::start(Endpoint::Unix("/tmp/app.world".into()), RetryPolicy::default());
/// while let Some(ev) = events.recv().await {
///     if let ClientEvent::Connect = ev {
///         let hello = serde_json::json!({"id": "rust", "message": "hi"});
///         client.emit("app.message", hello).await.expect("connected");
///     }
/// }
/// # }
/// ```
pub struct Client {
    current: Arc<std::sync::Mutex<Current>>,
    disconnect: Arc<tokio::sync::Notify>,
    delimiter: Vec<u8>,
    task: JoinHandle<()>,
}

impl Client {
    /// Starts connecting with the default framing and options.
    pub fn start(endpoint: Endpoint, policy: RetryPolicy) -> (Client, mpsc::Receiver<ClientEvent>) {
        Self::start_with(
            endpoint,
            policy,
            ConnectOptions::default(),
            Framing::default(),
        )
    }

    /// Starts connecting with the given connect options (TLS, local address, send
    /// limits) and framing.
    pub fn start_with(
        endpoint: Endpoint,
        policy: RetryPolicy,
        options: ConnectOptions,
        framing: Framing,
    ) -> (Client, mpsc::Receiver<ClientEvent>) {
        let (events_tx, events_rx) = mpsc::channel(EVENT_CAPACITY);
        let delimiter = match &framing {
            Framing::Delimited { delimiter, .. } => delimiter.clone(),
            Framing::Raw => Vec::new(),
        };
        let current = Arc::new(std::sync::Mutex::new(Current::default()));
        let disconnect = Arc::new(tokio::sync::Notify::new());
        let task = tokio::spawn(run_client(
            endpoint,
            policy,
            options,
            framing,
            Arc::clone(&current),
            Arc::clone(&disconnect),
            events_tx,
        ));
        (
            Client {
                current,
                disconnect,
                delimiter,
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

    /// Sends a message, waiting first while the queue is above its high-water mark.
    /// [`IpcError::NotConnected`] while no connection is open (node-ipc drops such
    /// messages silently); [`IpcError::QueueLimit`] if the queue would pass its limit.
    pub async fn emit(&self, r#type: &str, data: Value) -> Result<(), IpcError> {
        let handle = self.handle()?;
        handle.ready().await?;
        let frame = Message::new(r#type, data).encode(&self.delimiter);
        sent(handle.send(Bytes::from(frame)))
    }

    /// Sends a message without waiting: it is queued whatever the queue holds (up to the
    /// hard limit). Errors as [`Client::emit`].
    pub fn try_emit(&self, r#type: &str, data: Value) -> Result<(), IpcError> {
        let frame = Message::new(r#type, data).encode(&self.delimiter);
        self.send_raw(Bytes::from(frame))
    }

    /// Sends raw bytes without waiting (errors as [`Client::emit`]).
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
    current: Arc<std::sync::Mutex<Current>>,
    disconnect: Arc<tokio::sync::Notify>,
    events: mpsc::Sender<ClientEvent>,
) {
    // A receiver that is gone does not stop the client (it may still be sending).
    let publish = |ev| async {
        let _ = events.send(ev).await;
    };
    // This client drives its connections itself.
    let options = ConnectOptions {
        adopt: false,
        ..options
    };
    let delimiter = match &framing {
        Framing::Delimited { delimiter, .. } => Some(delimiter.clone()),
        Framing::Raw => None,
    };
    let mut retries_remaining = policy.max_retries;
    loop {
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
                    publish(ClientEvent::Connect).await;
                    retries_remaining = policy.max_retries;
                }
                Event::Frames { run, credit, .. } => {
                    if let Some(d) = &delimiter {
                        for frame in split_frames(&run, d) {
                            publish(match Message::parse(frame) {
                                Ok(m) => ClientEvent::Message(m),
                                Err(bad) => ClientEvent::InvalidFrame(bad),
                            })
                            .await;
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
                    publish(ClientEvent::Error(error)).await;
                }
                Event::Listening
                | Event::Ended { .. }
                | Event::Drained { .. }
                | Event::Datagram { .. }
                | Event::Adopted { .. } => {}
            }
        }
        let explicitly_disconnected = {
            let mut now = lock(&current);
            now.handle = None;
            now.disconnected
        };
        let out_of_retries = retries_remaining == Some(0);
        publish(ClientEvent::Disconnect).await;
        if policy.stop_retrying || out_of_retries || explicitly_disconnected {
            publish(ClientEvent::Destroy).await;
            return;
        }
        // Wait for the retry delay; sends meanwhile fail (node-ipc drops them, spec §5.2).
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
