//! Event delivery to JavaScript: one thread-safe-function call per event, where a data
//! event carries every frame of one read as a single string.

use std::ptr;
use std::sync::{Arc, Weak};

use bytes::Bytes;
use napi::bindgen_prelude::*;
use napi::sys;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use node_ipc_tokio::embed::error::IpcError;
use node_ipc_tokio::embed::event::{Event, EventSink};
use node_ipc_tokio::embed::flow::Sent;
use node_ipc_tokio::embed::transport::PeerCredentials;

use crate::direct::SharedDirect;
use crate::direct_udp::SharedUdpDirect;

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

    /// FRAMES' flag: the run's length in bytes (for `bytesRead`) times two, plus one if
    /// an incomplete frame is still buffered. A run becomes one JavaScript string, which
    /// V8 caps far below 2^31 bytes; the length saturates there anyway.
    pub fn frames_flag(len: usize, partial: bool) -> u32 {
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

/// `(kind, conn, text, bytes, flag)` as passed to the JavaScript callback.
pub type CallArgs = FnArgs<(u32, u32, Option<Utf8>, Option<Buffer>, u32)>;

pub type EventFn = ThreadsafeFunction<Delivery, (), CallArgs, Status, false>;

/// What travels through the thread-safe function.
pub enum Delivery {
    /// An event to report as it is.
    Event(Event),
    /// A connection handed over to be driven on the JavaScript thread, with the event
    /// function it keeps alive while it is open.
    Adopted { event: Event, keep: Arc<EventFn> },
    /// A UDP socket bound for the JavaScript-thread driver (or the bind's failure), with
    /// the event function it keeps alive while it is open.
    UdpBound {
        result: std::result::Result<std::net::UdpSocket, IpcError>,
        keep: Arc<EventFn>,
    },
}

/// What drives an object's sockets on the JavaScript thread, if anything.
#[derive(Clone)]
pub enum Driver {
    /// Everything goes through tokio and the thread-safe function.
    Tokio,
    /// Stream connections (`NativeServer`, `NativeClient`).
    Streams(SharedDirect),
    /// A UDP socket (`NativeUdp`).
    Udp(SharedUdpDirect),
}

/// Builds the thread-safe function that turns [`Event`]s into callback calls; handed-over
/// connections and bound UDP sockets are given to the JavaScript-thread `driver`.
pub fn event_function(
    callback: &Function<'_, CallArgs, ()>,
    driver: Driver,
) -> Result<Arc<EventFn>> {
    let tsfn = callback
        .build_threadsafe_function::<Delivery>()
        .callee_handled::<false>()
        .build_callback(move |ctx| {
            let event = match ctx.value {
                Delivery::Event(event) => {
                    if let (Event::Closed { .. }, Driver::Streams(d)) = (&event, &driver) {
                        if let Some(d) = d.get() {
                            d.attempt_ended();
                        }
                    }
                    event
                }
                Delivery::Adopted {
                    event:
                        Event::Adopted {
                            conn,
                            peer,
                            credentials,
                            socket,
                        },
                    keep,
                } => match &driver {
                    Driver::Streams(d) => {
                        crate::direct::adopt(d, TsfnSink(keep), conn, (peer, credentials), socket)
                    }
                    _ => Event::Closed {
                        conn,
                        had_error: false,
                    },
                },
                Delivery::Adopted { event, .. } => event,
                Delivery::UdpBound { result, keep } => match &driver {
                    Driver::Udp(d) => crate::direct_udp::bound(d, TsfnSink(keep), result),
                    _ => Event::Closed {
                        conn: 0,
                        had_error: false,
                    },
                },
            };
            Ok(FnArgs::from(to_args(event)))
        })?;
    Ok(Arc::new(tsfn))
}

fn to_args(event: Event) -> (u32, u32, Option<Utf8>, Option<Buffer>, u32) {
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
            let flag = frames_flag(run.len(), partial);
            (FRAMES, conn, Some(Utf8(run)), None, flag)
        }
        Event::Ended { conn } => (END, conn, None, None, 0),
        Event::Raw { conn, bytes, .. } => (RAW, conn, None, Some(Buffer::from(bytes.to_vec())), 0),
        Event::Error { conn, error } => (ERROR, conn, Some(error_text(&error)), None, 0),
        // The sender's address as text, its port as the flag.
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
        Event::Adopted { conn, .. } => (CLOSED, conn, None, None, 0),
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

/// The [`EventSink`] of one native object.
pub struct TsfnSink(pub Arc<EventFn>);

impl EventSink for TsfnSink {
    fn send(&self, event: Event) {
        let delivery = match event {
            event @ Event::Adopted { .. } => Delivery::Adopted {
                event,
                keep: Arc::clone(&self.0),
            },
            // node-ipc publishes nothing for a connection closed at once (over
            // maxConnections, or a failed TLS handshake): neither does the binding.
            Event::Rejected { .. } => return,
            event => Delivery::Event(event),
        };
        // NonBlocking on an unbounded queue never waits; memory is bounded by the
        // credits that data events carry.
        self.0
            .call(delivery, ThreadsafeFunctionCallMode::NonBlocking);
    }
}

/// Whether a live thread-safe function keeps the Node event loop alive.
pub fn set_referenced(env: &Env, tsfn: &Weak<EventFn>, referenced: bool) -> Result<()> {
    let Some(tsfn) = tsfn.upgrade() else {
        return Ok(());
    };
    if tsfn.aborted() {
        return Ok(());
    }
    let status = unsafe {
        if referenced {
            sys::napi_ref_threadsafe_function(env.raw(), tsfn.raw())
        } else {
            sys::napi_unref_threadsafe_function(env.raw(), tsfn.raw())
        }
    };
    check_status!(
        status,
        "could not change the reference of an event function"
    )
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
