//! # ipc-core
//!
//! The node-ipc 9.x wire protocol over tokio, for Rust programs that talk to Node
//! processes using node-ipc (or node-ipc-native), and the engine under the
//! node-ipc-native addon.
//!
//! A message is `{"type": <type>, "data": <data>}` as JSON, followed by a delimiter
//! (`'\f'`). [`codec::FrameDecoder`] finds complete frames, [`server::Server`] accepts
//! connections and fans out broadcasts, [`client::connect`] makes one connection and
//! [`client::Client`] adds node-ipc's reconnect state machine.
//!
//! Everything reports through an [`event::EventSink`]; received data carries a
//! [`flow::Credit`], so a connection stops reading while its consumer lags and memory
//! stays bounded. [`polled::PolledConnection`] is the same connection without tasks, for
//! owners that have an event loop of their own (the Node binding drives it from libuv).

#![warn(missing_docs)]

pub mod client;
pub mod codec;
pub mod connection;
pub mod error;
pub mod event;
pub mod flow;
pub mod message;
#[cfg(windows)]
mod pipe;
pub mod polled;
pub mod server;
pub mod sockopt;
pub mod tls;
pub mod transport;
pub mod udp;
