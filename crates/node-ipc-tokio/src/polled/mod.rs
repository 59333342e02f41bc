//! Sockets whose reading is driven by readiness reported from outside: the owner calls
//! [`PolledConnection::read`] (or `PolledUdp::receive`, with the `udp` feature) when its
//! own event loop says the socket is readable. Sends go straight to the kernel from the
//! caller's thread; only what the kernel refuses (or, for UDP, what needs a name lookup)
//! is handed to a task on a tokio runtime.
//!
//! The Node binding drives plain Unix and TCP connections and UDP sockets this way from
//! libuv's poll on the JavaScript thread (its *JS-thread driver*): a received message
//! then wakes one thread (the JavaScript thread), as Node's own sockets do, instead of a
//! tokio worker that hands it over through a thread-safe function. TLS stays on the tokio
//! path ([`crate::connection`]).

mod stream;
#[cfg(feature = "udp")]
mod udp;

// Used by the Node binding only (the `embed` feature).
#[cfg_attr(not(feature = "embed"), allow(unused_imports))]
pub use stream::{PolledConnection, ReadEnd, ReadOutcome, Received};
#[cfg(feature = "udp")]
#[cfg_attr(not(feature = "embed"), allow(unused_imports))]
pub use udp::{bind_plain, PolledUdp};
