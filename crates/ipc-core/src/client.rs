//! Clients: a single connection attempt ([`connect`]) and node-ipc's reconnecting client
//! ([`Client`]) with its retry state machine.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::codec::split_frames;
use crate::connection::{ConnectionHandle, Framing};
use crate::error::IpcError;
use crate::event::{ChannelSink, ConnId, Event, EventSink};
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
    let (handle, pending) = ConnectionHandle::pending();
    tokio::spawn(async move {
        let connected = match transport::connect(&endpoint, &options).await {
            Ok(c) => c,
            Err(error) => return failed(&*sink, conn, error),
        };
        if pending.is_destroyed() {
            // Destroyed while connecting: as with a Node socket, nothing happened.
            pending.abandon();
            sink.send(Event::Closed {
                conn,
                had_error: false,
            });
            return;
        }
        if let transport::Connected::Plain(socket, peer) = connected {
            // Bytes written before this point stay with the caller, who now drives it.
            pending.abandon();
            sink.send(Event::Adopted { conn, peer, socket });
            return;
        }
        sink.send(Event::Connected {
            conn,
            peer: connected.peer(),
        });
        match connected.finish().await {
            Ok(split) => {
                pending.attach(conn, split.reader, split.writer, framing, sink, || {});
            }
            Err(error) => failed(&*sink, conn, error),
        }
    });
    handle
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

enum Command {
    Send(Bytes),
    Disconnect,
}

/// node-ipc's reconnecting client (spec §5.3): connects, reconnects after `retry`
/// while the budget lasts, and reports every step.
///
/// ```no_run
/// # async fn demo() {
/// use ipc_core::client::{Client, ClientEvent, RetryPolicy};
/// use ipc_core::transport::Endpoint;
/// let (client, mut events) = Client::start(Endpoint::Unix("/tmp/app.world".into()), RetryPolicy::default());
/// while let Some(ev) = events.recv().await {
///     if let ClientEvent::Connect = ev {
///         client.emit("app.message", serde_json::json!({"id": "rust", "message": "hi"}));
///     }
/// }
/// # }
/// ```
pub struct Client {
    commands: mpsc::UnboundedSender<Command>,
    delimiter: Vec<u8>,
    task: JoinHandle<()>,
}

impl Client {
    /// Starts connecting with the default framing and options.
    pub fn start(
        endpoint: Endpoint,
        policy: RetryPolicy,
    ) -> (Client, mpsc::UnboundedReceiver<ClientEvent>) {
        Self::start_with(
            endpoint,
            policy,
            ConnectOptions::default(),
            Framing::default(),
        )
    }

    /// Starts connecting with the given connect options (TLS, local address) and framing.
    pub fn start_with(
        endpoint: Endpoint,
        policy: RetryPolicy,
        options: ConnectOptions,
        framing: Framing,
    ) -> (Client, mpsc::UnboundedReceiver<ClientEvent>) {
        let (commands, command_rx) = mpsc::unbounded_channel();
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let delimiter = match &framing {
            Framing::Delimited { delimiter, .. } => delimiter.clone(),
            Framing::Raw => Vec::new(),
        };
        let task = tokio::spawn(run_client(
            endpoint, policy, options, framing, command_rx, events_tx,
        ));
        (
            Client {
                commands,
                delimiter,
                task,
            },
            events_rx,
        )
    }

    /// Sends a message (dropped while disconnected, as node-ipc does).
    pub fn emit(&self, r#type: &str, data: Value) {
        let frame = Message::new(r#type, data).encode(&self.delimiter);
        let _ = self.commands.send(Command::Send(Bytes::from(frame)));
    }

    /// Sends raw bytes.
    pub fn send_raw(&self, bytes: Bytes) {
        let _ = self.commands.send(Command::Send(bytes));
    }

    /// Closes after sending what was emitted before; no reconnect (`ipc.disconnect`).
    pub fn disconnect(&self) {
        let _ = self.commands.send(Command::Disconnect);
    }

    /// Waits until the client has published `Destroy`.
    pub async fn finished(self) {
        let _ = self.task.await;
    }
}

async fn run_client(
    endpoint: Endpoint,
    policy: RetryPolicy,
    options: ConnectOptions,
    framing: Framing,
    mut commands: mpsc::UnboundedReceiver<Command>,
    events: mpsc::UnboundedSender<ClientEvent>,
) {
    let publish = |ev| {
        let _ = events.send(ev);
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
    let mut explicitly_disconnected = false;
    loop {
        let (sink, mut conn_events) = ChannelSink::new();
        let handle = connect(endpoint.clone(), options.clone(), framing.clone(), 1, sink);
        // Run this attempt until it closes.
        loop {
            tokio::select! {
                cmd = commands.recv(), if !explicitly_disconnected => match cmd {
                    Some(Command::Send(bytes)) => { handle.send(bytes); }
                    Some(Command::Disconnect) | None => {
                        explicitly_disconnected = true;
                        handle.destroy();
                    }
                },
                ev = conn_events.recv() => match ev {
                    None | Some(Event::Closed { .. }) => break,
                    Some(Event::Connected { .. }) => {
                        publish(ClientEvent::Connect);
                        retries_remaining = policy.max_retries;
                    }
                    Some(Event::Frames { run, .. }) => {
                        if let Some(d) = &delimiter {
                            for frame in split_frames(&run, d) {
                                publish(match Message::parse(frame) {
                                    Ok(m) => ClientEvent::Message(m),
                                    Err(bad) => ClientEvent::InvalidFrame(bad),
                                });
                            }
                        }
                    }
                    Some(Event::Raw { bytes, .. }) => {
                        publish(ClientEvent::Message(Message::new(
                            "data",
                            Value::String(String::from_utf8_lossy(&bytes).into_owned()),
                        )));
                    }
                    Some(Event::Error { error, .. }) | Some(Event::ListenFailed(error)) => {
                        publish(ClientEvent::Error(error));
                    }
                    Some(Event::Listening)
                    | Some(Event::Datagram { .. })
                    | Some(Event::Adopted { .. }) => {}
                },
            }
        }
        let out_of_retries = retries_remaining == Some(0);
        publish(ClientEvent::Disconnect);
        if policy.stop_retrying || out_of_retries || explicitly_disconnected {
            publish(ClientEvent::Destroy);
            return;
        }
        // Wait for the retry delay; emits meanwhile are dropped (spec §5.2).
        let wait = tokio::time::sleep(policy.retry);
        tokio::pin!(wait);
        loop {
            tokio::select! {
                _ = &mut wait => break,
                cmd = commands.recv() => match cmd {
                    Some(Command::Send(_)) => {}
                    Some(Command::Disconnect) | None => {
                        // node-ipc publishes nothing more once the socket is already closed.
                        return;
                    }
                },
            }
        }
        if let Some(n) = retries_remaining.as_mut() {
            *n -= 1;
        }
    }
}
