//! Events a server or connection reports, and where they go.

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::error::IpcError;
use crate::flow::Credit;
use crate::socket::PeerCredentials;

/// Identifies one connection of a server (or the single connection of a client).
/// `0` means the listener itself.
pub type ConnId = u32;

/// Something that happened on a listener or connection, in the order it happened.
#[derive(Debug)]
pub enum Event {
    /// The server is listening.
    Listening,
    /// Listening failed; the server is finished.
    ListenFailed(IpcError),
    /// A connection was accepted (server) or established (client).
    Connected {
        /// The connection.
        conn: ConnId,
        /// The peer's address, when the transport has one.
        peer: Option<String>,
        /// The local address of a TCP connection, read when it was made (so it is
        /// known after the connection is gone, as Node keeps a socket's `address()`).
        local: Option<std::net::SocketAddr>,
        /// The peer process, on Unix sockets (read once, when the connection was made).
        credentials: Option<PeerCredentials>,
    },
    /// A plain (not TLS) connection was accepted or established and is handed over, to
    /// be driven by the receiver (see [`crate::polled::PolledConnection`]); reported
    /// instead of `Connected` when the server or connect options ask for it (`hand_over`).
    HandedOver {
        /// The connection.
        conn: ConnId,
        /// The peer's address, when the transport has one.
        peer: Option<String>,
        /// The peer process, on Unix sockets (read once, when the connection was made).
        credentials: Option<PeerCredentials>,
        /// The connected socket, non-blocking.
        socket: crate::socket::PlainSocket,
    },
    /// Complete frames arrived: `run` holds one or more frames, each ending with the
    /// delimiter. `partial` tells whether an incomplete frame is still buffered.
    Frames {
        /// The connection.
        conn: ConnId,
        /// The frames, delimiters included.
        run: Bytes,
        /// Whether bytes of a further, incomplete frame are buffered.
        partial: bool,
        /// Returned to the connection's flow control when the event is dropped.
        credit: Credit,
    },
    /// Raw bytes arrived (raw mode: no framing).
    Raw {
        /// The connection.
        conn: ConnId,
        /// The bytes as read.
        bytes: Bytes,
        /// Returned to the connection's flow control when the event is dropped.
        credit: Credit,
    },
    /// A UDP datagram arrived (UDP endpoints only).
    Datagram {
        /// The sender.
        from: std::net::SocketAddr,
        /// The payload.
        bytes: Bytes,
        /// Returned to the endpoint's flow control when the event is dropped.
        credit: Credit,
    },
    /// The connection's send queue, which held bytes the kernel could not take at once
    /// ([`crate::flow::Sent::Queued`]), is empty again: a sender that paused may go on.
    Drained {
        /// The connection.
        conn: ConnId,
    },
    /// The peer ended its side of the connection (end of stream). Everything it sent has
    /// been reported; `Closed` follows (a connection does not stay half-open, as with
    /// Node's default `allowHalfOpen: false`), after what was queued for it is sent.
    Ended {
        /// The connection.
        conn: ConnId,
    },
    /// A connection was accepted and closed at once, before it was reported: the server
    /// had `max_connections` open ([`IpcError::ConnectionLimit`]), or its TLS handshake
    /// failed or took too long ([`IpcError::Tls`]).
    Rejected {
        /// The peer's address, when the transport has one.
        peer: Option<String>,
        /// Why.
        reason: IpcError,
    },
    /// An error on a connection (or, with `conn == 0`, on the listener while accepting).
    Error {
        /// The connection.
        conn: ConnId,
        /// What happened.
        error: IpcError,
    },
    /// The connection is closed; nothing more will be reported for it.
    Closed {
        /// The connection.
        conn: ConnId,
        /// Whether it closed because of an error.
        had_error: bool,
    },
}

/// Receives events. Implemented by the Node binding (a thread-safe function) and by
/// [`ChannelSink`] for Rust users.
pub trait EventSink: Send + Sync + 'static {
    /// Takes one event. Must not block.
    fn send(&self, event: Event);
}

/// An [`EventSink`] feeding an unbounded channel. Memory stays bounded anyway: data
/// events carry a [`Credit`] and the connection stops reading while too many are held.
#[derive(Debug, Clone)]
pub struct ChannelSink(mpsc::UnboundedSender<Event>);

impl ChannelSink {
    /// A sink and the receiver its events arrive on.
    pub fn new() -> (ChannelSink, mpsc::UnboundedReceiver<Event>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (ChannelSink(tx), rx)
    }
}

impl EventSink for ChannelSink {
    fn send(&self, event: Event) {
        // A dropped receiver means nobody listens any more.
        let _ = self.0.send(event);
    }
}
