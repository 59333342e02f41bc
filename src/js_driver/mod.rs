//! The JS-thread driver: plain Unix and TCP connections ([`stream`]) and UDP sockets
//! ([`udp`]) watched by libuv's poll ([`uv`]) on the JavaScript thread, then read, framed
//! and delivered in the same thread turn, as Node's own sockets are. The engine's
//! polled sockets (`node_ipc_tokio::embed::polled`) do the reading and sending; tokio
//! keeps listening, connecting, name lookups and TLS (the tokio driver), and hands each
//! plain connection over (`Event::HandedOver`).
//!
//! `NODE_IPC_NATIVE_DRIVER=tokio` keeps every socket on the tokio driver (the tests run
//! the suite both ways).

use napi::bindgen_prelude::{Error, Function, JsValue, Status};
use napi::sys;

use crate::js_api::CallArgs;

pub mod stream;
pub mod udp;
pub mod uv;

/// Whether new sockets should be driven on the JavaScript thread: libuv is reachable
/// and `NODE_IPC_NATIVE_DRIVER` does not ask for the tokio driver.
pub fn enabled() -> bool {
    uv::available() && std::env::var("NODE_IPC_NATIVE_DRIVER").map_or(true, |v| v != "tokio")
}

/// The JS-thread driver state of a native object whose callback is `on_event`, made by
/// `make` (`stream::new_stream_driver`, `udp::new_udp_driver`); `None` where the
/// JS-thread driver is unavailable or switched off.
pub fn prepare<T>(
    on_event: &Function<'_, CallArgs, ()>,
    make: unsafe fn(sys::napi_env, sys::napi_value) -> Result<T, sys::napi_status>,
) -> napi::Result<Option<T>> {
    if !enabled() {
        return Ok(None);
    }
    let value = on_event.value();
    // SAFETY: native constructors run on the JavaScript thread; the value is a function.
    unsafe { make(value.env, value.value) }
        .map(Some)
        .map_err(|status| Error::new(Status::from(status), "could not prepare the socket driver"))
}
