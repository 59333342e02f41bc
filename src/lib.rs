//! The napi-rs binding of ipc-core: `NativeServer`, `NativeClient` and `NativeUdp`, which
//! report everything through one JavaScript callback per object. Listening, connecting
//! and TLS run on tokio; plain Unix and TCP connections are then driven on the
//! JavaScript thread by libuv's poll (`js_driver`), as Node's own sockets are.
//!
//! Deliberately thin: framing, limits and connection state live in `ipc-core`; node-ipc's
//! API and event semantics live in `lib/` (JavaScript).

#![deny(clippy::all)]

mod adopt_fd;
mod event_fn;
mod js_api;
mod js_driver;
mod js_thread;
mod native_client;
mod native_server;
mod native_udp;
mod options;
mod runtime;

pub use native_client::NativeClient;
pub use native_server::NativeServer;
pub use native_udp::NativeUdp;
