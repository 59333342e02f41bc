//! The vocabulary between the addon and lib/native.js: event kinds, the five arguments
//! of the event callback and how an engine [`Event`] becomes them, errors as JSON, and
//! the conversions of what JavaScript passes in. A leaf: it knows no driver.

use std::ptr;

use bytes::Bytes;
use napi::bindgen_prelude::*;
use napi::sys;
use node_ipc_tokio::embed::error::IpcError;
use node_ipc_tokio::embed::event::Event;
use node_ipc_tokio::embed::flow::Sent;
use node_ipc_tokio::embed::socket::PeerCredentials;

/// Event kinds as numbers, mirrored by `lib/native.js`.
pub mod kind {
    pub const LISTENING: u32 = 1;
    pub const LISTEN_FAILED: u32 = 2;
    pub const CONNECTED: u32 = 3;
    pub const FRAMES: u32 = 4;
    pub const RAW: u32 = 5;
    pub const ERROR: u32 = 6;
    pub const CLOSED: u32 = 7;
    pub const DATAGRAM: u32 = 8;
    pub const DRAIN: u32 = 9;
    /// The peer ended its side; CLOSED follows.
    pub const END: u32 = 10;

    /// FRAMES' detail: the run's length in bytes (for `bytesRead`) times two, plus one if
    /// an incomplete frame is still buffered. A run becomes one JavaScript string, which
    /// V8 caps far below 2^31 bytes; the length saturates there anyway.
    pub fn frames_detail(len: usize, partial: bool) -> u32 {
        let len = u32::try_from(len).unwrap_or(u32::MAX).min(u32::MAX >> 1);
        (len << 1) | u32::from(partial)
    }
}

/// UTF-8 bytes that become a JavaScript string without an intermediate Rust `String`
/// (V8 replaces invalid sequences with U+FFFD, as Node's utf8 decoding does).
pub struct Utf8(Bytes);

impl ToNapiValue for Utf8 {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        let mut out = ptr::null_mut();
        let len = isize::try_from(val.0.len())
            .map_err(|_| Error::new(Status::InvalidArg, "string too long"))?;
        check_status!(
            unsafe { sys::napi_create_string_utf8(env, val.0.as_ptr().cast(), len, &mut out) },
            "could not create a string of {} bytes",
            val.0.len()
        )?;
        Ok(out)
    }
}

/// `(kind, conn, text, bytes, detail)` as passed to the JavaScript callback:
///
/// | kind | conn | text | bytes | detail |
/// |---|---|---|---|---|
/// | LISTENING | 0 | — | — | 0 |
/// | LISTEN_FAILED | 0 | error JSON | — | 0 |
/// | CONNECTED | id | peer (see `peer_text`) | — | 0 |
/// | FRAMES | id | the run | — | byte length × 2 + partial ([`kind::frames_detail`]) |
/// | RAW | id | — | the chunk | 0 |
/// | ERROR | id (0: the listener, or a UDP socket) | error JSON | — | 0 |
/// | CLOSED | id (0: the listener) | — | — | 1 after an error, else 0 |
/// | DATAGRAM | 0 | sender's address | the datagram | sender's port |
/// | DRAIN, END | id | — | — | 0 |
///
/// `lib/native.js` reads `detail` only through its decoders (`framesLength`,
/// `framesPartial`, `closedWithError`, `datagramPort`).
pub type CallArgs = FnArgs<(u32, u32, Option<Utf8>, Option<Buffer>, u32)>;

/// The callback's arguments for `event`.
pub fn to_args(event: Event) -> (u32, u32, Option<Utf8>, Option<Buffer>, u32) {
    use kind::*;
    match event {
        Event::Listening => (LISTENING, 0, None, None, 0),
        Event::ListenFailed(e) => (LISTEN_FAILED, 0, Some(error_text(&e)), None, 0),
        Event::Connected {
            conn,
            peer,
            local,
            credentials,
        } => (
            CONNECTED,
            conn,
            peer_text(peer, local, credentials),
            None,
            0,
        ),
        // The credit is dropped here, on the JavaScript thread, just before JavaScript
        // consumes the data: the reader resumes once JavaScript has caught up.
        Event::Frames {
            conn, run, partial, ..
        } => {
            let detail = frames_detail(run.len(), partial);
            (FRAMES, conn, Some(Utf8(run)), None, detail)
        }
        Event::Ended { conn } => (END, conn, None, None, 0),
        Event::Raw { conn, bytes, .. } => (RAW, conn, None, Some(Buffer::from(bytes.to_vec())), 0),
        Event::Error { conn, error } => (ERROR, conn, Some(error_text(&error)), None, 0),
        // The sender's address as text, its port as the detail.
        Event::Datagram { from, bytes, .. } => (
            DATAGRAM,
            0,
            Some(Utf8(from.ip().to_string().into())),
            Some(Buffer::from(bytes.to_vec())),
            u32::from(from.port()),
        ),
        Event::Closed { conn, had_error } => (CLOSED, conn, None, None, u32::from(had_error)),
        Event::Drained { conn } => (DRAIN, conn, None, None, 0),
        // Turned into CONNECTED by `event_function` before it gets here.
        Event::HandedOver { conn, .. } => (CLOSED, conn, None, None, 0),
        // Dropped by `TsfnSink::send`; never gets here.
        Event::Rejected { .. } => (CLOSED, 0, None, None, 0),
    }
}

/// Who connected, for CONNECTED: a Unix socket's peer credentials as JSON
/// (`{"pid":1,"uid":2,"gid":3}`), or a TCP peer's `ip:port`.
/// What CONNECTED tells JavaScript about the two ends: a Unix socket peer's credentials
/// as JSON `{"pid","uid","gid"}`; else the peer's `ip:port`, then, after a space, the
/// local `ip:port` when known (read at connect, so `address()` answers even when
/// JavaScript looks after the connection has gone, as on a net.Socket).
fn peer_text(
    peer: Option<String>,
    local: Option<std::net::SocketAddr>,
    credentials: Option<PeerCredentials>,
) -> Option<Utf8> {
    match credentials {
        Some(c) => {
            let json = serde_json::json!({ "pid": c.pid, "uid": c.uid, "gid": c.gid });
            Some(Utf8(Bytes::from(json.to_string())))
        }
        None => peer.map(|p| match local {
            Some(l) => Utf8(format!("{p} {l}").into()),
            None => Utf8(p.into()),
        }),
    }
}

/// The `code` of an error a native method throws. napi-rs gives a thrown error its
/// status as `code`, so with this as the status the error JavaScript catches carries a
/// Node-style code directly (`ERR_INVALID_ARG_VALUE`, `ERR_SOCKET_BAD_PORT`,
/// `ERR_TLS_CONFIG`, ...): thrown errors and reported ones (see [`error_text`]) have
/// the same shape, with nothing to re-parse. Native methods return `Result<T, Code>`
/// (napi-rs's `Result` with this status).
#[derive(Debug, Clone)]
pub struct Code(std::borrow::Cow<'static, str>);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An error to throw with `code`.
pub fn thrown(code: &'static str, message: impl ToString) -> Error<Code> {
    Error::new(Code(code.into()), message)
}

/// An engine error to throw: its own code, or `fallback` when it has none.
pub fn engine_thrown(e: &IpcError, fallback: &'static str) -> Error<Code> {
    Error::new(Code(e.code().unwrap_or(fallback).into()), e)
}

/// A failure of Node-API itself (the environment refused a call), thrown with its
/// status as the code, as napi-rs throws those.
pub fn napi_failure(e: Error) -> Error<Code> {
    Error::new(Code(e.status.as_ref().to_owned().into()), &e.reason)
}

/// Errors travel as JSON so JavaScript can build Node-style error objects.
fn error_text(e: &IpcError) -> Utf8 {
    let json = serde_json::json!({
        "message": e.to_string(),
        "code": e.code(),
        "errno": e.raw_os_error(),
        "syscall": e.syscall(),
        "address": e.address(),
    });
    Utf8(Bytes::from(json.to_string()))
}

/// Turns a JavaScript write chunk into bytes.
pub fn chunk_bytes(chunk: Either<String, Buffer>) -> Bytes {
    match chunk {
        Either::A(s) => Bytes::from(s.into_bytes()),
        Either::B(b) => Bytes::copy_from_slice(&b),
    }
}

/// The connections a batch left with bytes queued (one may be listed more than once:
/// marking a socket congested twice does nothing more).
#[derive(Default)]
pub struct Congested(Option<Vec<u32>>);

impl Congested {
    /// The list for JavaScript (`undefined` when empty).
    pub fn into_list(self) -> Option<Vec<u32>> {
        self.0
    }

    pub fn note(&mut self, conn: u32, sent: Sent) {
        if sent == Sent::Queued {
            self.0.get_or_insert_with(Vec::new).push(conn);
        }
    }
}
