#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
// Without `embed`, the parts of the engine only the Node addon drives (connections
// without tasks, handed-over sockets, raw framing) are compiled but unused.
#![cfg_attr(not(feature = "embed"), allow(dead_code))]

/// A `tracing` event with the `tracing` feature; nothing without it (its arguments are
/// not evaluated then, so they must have no side effects).
macro_rules! trace {
    ($level:ident, $($arg:tt)+) => {
        #[cfg(feature = "tracing")]
        tracing::$level!($($arg)+);
    };
}

/// Declares the engine's modules: private to the crate, or public (and hidden from the
/// docs) with the `embed` feature, so that [`embed`] can re-export them.
macro_rules! engine_modules {
    ($($module:ident),* $(,)?) => {$(
        #[cfg(feature = "embed")]
        #[doc(hidden)]
        pub mod $module;
        #[cfg(not(feature = "embed"))]
        mod $module;
    )*};
}

engine_modules!(
    client, codec, connection, error, event, flow, message, polled, server, socket, sockopt,
    transport,
);
// node-ipc's UDP sockets (`serveNet` / `connectToNet` with `udp4`/`udp6`), for the addon.
#[cfg(all(feature = "udp", feature = "embed"))]
#[doc(hidden)]
pub mod udp;
#[cfg(all(feature = "udp", not(feature = "embed")))]
mod udp;
// Without the `tls` feature, a stand-in whose configuration types cannot be made.
#[cfg(feature = "codec")]
mod framed;
#[cfg(windows)]
mod pipe;
mod request;
#[cfg(feature = "embed")]
#[doc(hidden)]
#[cfg_attr(not(feature = "tls"), path = "tls_off.rs")]
pub mod tls;
#[cfg(not(feature = "embed"))]
#[cfg_attr(not(feature = "tls"), path = "tls_off.rs")]
mod tls;
mod typed_server;

pub use client::{Client, ClientEvent, ClientOptions, EVENT_CAPACITY};
pub use error::IpcError as Error;
pub use error::RemoteError;
pub use event::ConnId;
#[cfg(feature = "codec")]
pub use framed::NodeIpcCodec;
pub use message::{InvalidFrame, Message};
pub use socket::PeerCredentials;
#[cfg(feature = "tls")]
pub use tls::{TlsClient, TlsClientOptions, TlsServer, TlsServerOptions};
pub use transport::Endpoint;
pub use typed_server::{
    Server, ServerEvent, ServerHandle, ServerOptions, SERVER_EVENT_CAPACITY, SHUTDOWN_GRACE,
};

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The surface the node-ipc-native addon drives: connections without tasks, handed-over
/// sockets, raw frame runs and flow credits. Not for Rust users, and not covered by
/// semver; enabled by the `embed` feature.
#[cfg(feature = "embed")]
#[doc(hidden)]
pub mod embed {
    #[cfg(feature = "udp")]
    pub use crate::udp;
    pub use crate::{
        client, codec, connection, error, event, flow, message, polled, server, socket, sockopt,
        tls, transport,
    };
}
