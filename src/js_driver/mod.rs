//! The JS-thread driver: plain Unix and TCP connections ([`stream`]) and UDP sockets
//! ([`udp`]) watched by libuv's poll ([`uv`]) on the JavaScript thread, then read, framed
//! and delivered in the same thread turn, as Node's own sockets are. The engine's
//! polled sockets (`node_ipc_tokio::embed::polled`) do the reading and sending; tokio
//! keeps listening, connecting, name lookups and TLS (the tokio driver), and hands each
//! plain connection over (`Event::HandedOver`).
//!
//! `NODE_IPC_NATIVE_DRIVER=tokio` keeps every socket on the tokio driver (the tests run
//! the suite both ways).

pub mod stream;
pub mod udp;
pub mod uv;

/// Whether new sockets should be driven on the JavaScript thread: libuv is reachable
/// and `NODE_IPC_NATIVE_DRIVER` does not ask for the tokio driver.
pub fn enabled() -> bool {
    uv::available() && std::env::var("NODE_IPC_NATIVE_DRIVER").map_or(true, |v| v != "tokio")
}
