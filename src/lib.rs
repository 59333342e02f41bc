//! The napi-rs binding of ipc-core: `NativeServer`, `NativeClient` and `NativeUdp`, which
//! own tokio sockets and report everything through one JavaScript callback per object.
//!
//! Deliberately thin: framing, limits and connection state live in `ipc-core`; node-ipc's
//! API and event semantics live in `lib/` (JavaScript).

#![deny(clippy::all)]

mod delivery;
mod native_client;
mod native_server;
mod native_udp;
mod options;
mod runtime;

pub use native_client::NativeClient;
pub use native_server::NativeServer;
pub use native_udp::NativeUdp;
