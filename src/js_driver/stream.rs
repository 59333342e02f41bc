//! The stream half of the JS-thread driver: plain Unix and TCP sockets are watched by
//! libuv's poll (see [`super::uv`]) and read, framed and delivered in the same thread
//! turn, as Node's own sockets are. One received message wakes one thread, not a tokio
//! worker and then the JavaScript thread.
//!
//! Data goes straight to the callback (`napi_make_callback`); everything else (connect,
//! error, close) still goes through the object's thread-safe function, so it never runs
//! JavaScript from inside a JavaScript call, and keeps its order: a connection's data is
//! delivered before its close is queued.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ffi::{c_int, c_void};
use std::rc::Rc;
use std::sync::Arc;

use bytes::Bytes;
use napi::sys;
use node_ipc_tokio::embed::codec::Framing;
use node_ipc_tokio::embed::error::IpcError;
use node_ipc_tokio::embed::event::{ConnId, Event, EventSink};
use node_ipc_tokio::embed::flow::{SendLimits, Sent};
use node_ipc_tokio::embed::polled::{PolledConnection, ReadEnd, Received};
use node_ipc_tokio::embed::server::Server;
use node_ipc_tokio::embed::socket::{PeerCredentials, PlainSocket};

use super::uv::{self, Poll};
use crate::event_fn::{Delivery, TsfnSink};
use crate::js_api::kind;
use crate::js_thread::{
    add_teardown_hook, guard_callback, HookSlot, JsTarget, OnJsThread, Teardown,
};
use crate::runtime::RUNTIME;

/// One connection driven here. Closing empties `conn` and `poll`; the entry itself may
/// live on until a poll callback that still holds it returns.
struct Entry {
    conn: RefCell<Option<PolledConnection>>,
    poll: RefCell<Option<Poll>>,
    /// Keeps the thread-safe function alive while the connection is open (an open
    /// connection keeps the process alive, as on the tokio path); errors and the close
    /// are reported through it.
    sink: TsfnSink,
    /// The poll callback's `data`: freed with the entry, after the poll has stopped.
    token: *mut Token,
}

impl Drop for Entry {
    fn drop(&mut self) {
        // Stop the poll before its data goes.
        drop(self.poll.get_mut().take());
        // SAFETY: created by Box::into_raw in `take_over`, and no poll refers to it any more.
        drop(unsafe { Box::from_raw(self.token) });
    }
}

/// What a poll callback needs to find its connection.
struct Token {
    driver: Arc<OnJsThread<StreamDriver>>,
    conn: ConnId,
}

/// Writes a client made before its connection was handed over.
#[derive(Default)]
struct Pending {
    chunks: Vec<Bytes>,
    /// Bytes in `chunks`.
    queued: usize,
    /// A write was answered `Sent::Queued` (the queue reached its high-water mark).
    paused: bool,
    ended: bool,
}

/// The connections one native object drives on the JavaScript thread.
pub struct StreamDriver {
    target: JsTarget,
    conns: RefCell<HashMap<ConnId, Rc<Entry>>>,
    framing: RefCell<Framing>,
    limits: Cell<SendLimits>,
    server: RefCell<Option<Server>>,
    /// A client's writes while it connects: `Some` until the connection is handed over
    /// or destroyed.
    pending: RefCell<Option<Pending>>,
    /// A client destroyed before its connection was handed over.
    destroyed: Cell<bool>,
    /// Why, if its writes passed the queue limit meanwhile (reported on hand-over).
    failed: RefCell<Option<IpcError>>,
    /// Stops the polls when the Node environment goes away (a worker thread ends).
    hook: HookSlot,
}

impl Teardown for StreamDriver {
    /// Stops every connection without reporting; queued bytes are still sent by the
    /// drain tasks.
    fn teardown(&self) {
        let entries: Vec<Rc<Entry>> = self.conns.borrow_mut().drain().map(|(_, e)| e).collect();
        for entry in entries {
            drop(entry.poll.borrow_mut().take());
            if let Some(connection) = entry.conn.borrow_mut().take() {
                connection.close();
            }
        }
    }

    fn hook_slot(&self) -> &HookSlot {
        &self.hook
    }
}

pub type SharedStreamDriver = Arc<OnJsThread<StreamDriver>>;

/// Creates the stream driver of a native object whose callback is `func`.
///
/// # Safety
/// On the JavaScript thread of `env`, with `func` a function value.
pub unsafe fn new_stream_driver(
    env: sys::napi_env,
    func: sys::napi_value,
) -> Result<SharedStreamDriver, sys::napi_status> {
    let target = unsafe { JsTarget::new(env, func)? };
    let shared = Arc::new(OnJsThread::new(StreamDriver {
        target,
        conns: RefCell::new(HashMap::new()),
        framing: RefCell::new(Framing::default()),
        limits: Cell::new(SendLimits::default()),
        server: RefCell::new(None),
        pending: RefCell::new(None),
        destroyed: Cell::new(false),
        failed: RefCell::new(None),
        hook: HookSlot::default(),
    }));
    // SAFETY: on the JavaScript thread of `env`.
    unsafe { add_teardown_hook(env, &shared) };
    Ok(shared)
}

/// What a stream object's deliveries become (the `on_delivery` of its event function):
/// `driver` takes handed-over connections over, and a client's close ends its pending
/// attempt; without a driver, everything is reported as it is.
pub fn on_delivery(
    driver: Option<SharedStreamDriver>,
) -> impl Fn(Delivery) -> Event + Send + 'static {
    move |delivery| match (delivery, &driver) {
        (
            Delivery::HandedOver {
                conn,
                peer,
                credentials,
                socket,
                keep,
            },
            Some(d),
        ) => take_over(d, TsfnSink(keep), conn, (peer, credentials), socket),
        (Delivery::Event(event @ Event::Closed { .. }), Some(d)) => {
            if let Some(d) = d.get() {
                d.attempt_ended();
            }
            event
        }
        (delivery, _) => delivery.untaken(),
    }
}

/// Takes a handed-over connection (from the thread-safe function's callback) and returns
/// the event to deliver for it: CONNECTED; CLOSED for a client destroyed meanwhile; or,
/// if the socket cannot be watched, ERROR (CLOSED follows).
pub fn take_over(
    shared: &SharedStreamDriver,
    sink: TsfnSink,
    conn: ConnId,
    (peer, credentials): (Option<String>, Option<PeerCredentials>),
    socket: PlainSocket,
) -> Event {
    let Some(driver) = shared.get() else {
        return Event::Closed {
            conn,
            had_error: false,
        };
    };
    let pending = driver.pending.borrow_mut().take();
    if driver.destroyed.get() {
        return match driver.failed.borrow_mut().take() {
            Some(error) => {
                // The error is delivered now, the close after it.
                sink.send(Event::Closed {
                    conn,
                    had_error: true,
                });
                Event::Error { conn, error }
            }
            None => Event::Closed {
                conn,
                had_error: false,
            },
        };
    }
    let fd = descriptor(&socket);
    let local = socket.local_addr();
    let mut connection = PolledConnection::new(
        socket,
        &driver.framing.borrow(),
        driver.limits.get(),
        RUNTIME.handle().clone(),
    );
    let drained = TsfnSink(Arc::clone(&sink.0));
    connection.on_drained(move || drained.send(Event::Drained { conn }));
    let token = Box::into_raw(Box::new(Token {
        driver: Arc::clone(shared),
        conn,
    }));
    let poll = match Poll::new(driver.target.env, fd, token.cast()) {
        Ok(p) => p,
        Err(message) => {
            // SAFETY: never handed to libuv.
            drop(unsafe { Box::from_raw(token) });
            driver.release(conn);
            // The error is delivered now, the close after it.
            sink.send(Event::Closed {
                conn,
                had_error: true,
            });
            return Event::Error {
                conn,
                error: IpcError::Internal(format!("could not watch the socket: {message}")),
            };
        }
    };
    // Writes made while connecting go first, in order.
    let mut failed = None;
    if let Some(pending) = pending {
        // (What was queued while connecting is within the limit: `write` checked it.)
        for chunk in pending.chunks {
            if let Err(e) = connection.write(chunk) {
                failed = Some(e);
                break;
            }
        }
        // A writer told to pause while connecting is told to go on once its bytes are
        // sent: now, if the kernel took them all, else by the drain task.
        if failed.is_none() && pending.paused && connection.queued_bytes() == 0 {
            sink.send(Event::Drained { conn });
        }
        if pending.ended {
            connection.end();
        }
    }
    let entry = Rc::new(Entry {
        conn: RefCell::new(Some(connection)),
        poll: RefCell::new(Some(poll)),
        sink,
        token,
    });
    driver.conns.borrow_mut().insert(conn, Rc::clone(&entry));
    match failed {
        Some(error) => {
            // Reported after CONNECTED, as a failed first write would be.
            driver.close(conn, Some(error));
        }
        None => driver.watch(&entry, conn),
    }
    Event::Connected {
        conn,
        peer,
        local,
        credentials,
    }
}

unsafe extern "C" fn on_poll(handle: *mut c_void, status: c_int, _events: c_int) {
    // SAFETY: the handle belongs to a live Entry whose token is its data.
    let token = unsafe { &*Poll::data_of(handle).cast::<Token>() };
    let driver = Arc::clone(&token.driver);
    let conn = token.conn;
    guard_callback(
        "connection reader",
        || {
            if let Some(d) = driver.get() {
                d.on_poll(conn, status);
            }
        },
        |error| {
            if let Some(d) = driver.get() {
                d.close(conn, Some(error));
            }
        },
    );
}

impl StreamDriver {
    /// Sets how connections taken over from now on are framed and how much they may queue.
    pub fn set_framing(&self, framing: Framing, limits: SendLimits) {
        *self.framing.borrow_mut() = framing;
        self.limits.set(limits);
    }

    /// Lets closes release their connection from `server`'s count.
    pub fn set_server(&self, server: Server) {
        *self.server.borrow_mut() = Some(server);
    }

    /// A client's attempt failed or closed before it was handed over: later writes are
    /// dropped, not kept for a connection that will not come.
    pub fn attempt_ended(&self) {
        self.pending.borrow_mut().take();
    }

    /// A client starts connecting: writes wait for the connection.
    pub fn start_pending(&self) {
        *self.pending.borrow_mut() = Some(Pending::default());
    }

    fn entry(&self, conn: ConnId) -> Option<Rc<Entry>> {
        self.conns.borrow().get(&conn).cloned()
    }

    /// Whether `conn` is driven here (or, for a connecting client, will be).
    pub fn owns(&self, conn: ConnId) -> bool {
        self.conns.borrow().contains_key(&conn) || self.pending.borrow().is_some()
    }

    /// Sends to one connection (or queues, for a client still connecting). A connection
    /// whose queue would pass its limit is closed at once, dropping its queue; a client
    /// still connecting gives the attempt up: the error is returned for its owner to
    /// report.
    pub fn write(&self, conn: ConnId, bytes: Bytes) -> Result<Sent, IpcError> {
        let mut refused = None;
        if let Some(pending) = self.pending.borrow_mut().as_mut() {
            let limits = self.limits.get();
            if !limits.refuses(pending.queued, bytes.len()) {
                pending.queued += bytes.len();
                pending.chunks.push(bytes);
                // As a queue that is not a socket's (see `ConnectionHandle::send`): only
                // at the high-water mark should the writer pause.
                if pending.queued < limits.high_water {
                    return Ok(Sent::Written);
                }
                pending.paused = true;
                return Ok(Sent::Queued);
            }
            refused = Some((pending.queued + bytes.len(), limits.max_queued_bytes));
        }
        if let Some((queued, limit)) = refused {
            // Given up: what was queued goes, and the hand-over (if it comes) reports why.
            self.pending.borrow_mut().take();
            self.destroyed.set(true);
            *self.failed.borrow_mut() = Some(IpcError::QueueLimit { queued, limit });
            return Err(IpcError::QueueLimit { queued, limit });
        }
        let Some(entry) = self.entry(conn) else {
            return Ok(Sent::Dropped);
        };
        let written = match entry.conn.borrow_mut().as_mut() {
            Some(c) => c.write(bytes),
            None => return Ok(Sent::Dropped),
        };
        match written {
            Ok(sent) => Ok(sent),
            Err(e @ IpcError::QueueLimit { .. }) => {
                self.abort(conn, e);
                Ok(Sent::Dropped)
            }
            Err(e) => {
                self.close(conn, Some(e));
                Ok(Sent::Dropped)
            }
        }
    }

    /// Sends the same bytes to every connection; `on_sent` learns what became of them on
    /// each.
    pub fn broadcast(&self, bytes: &Bytes, mut on_sent: impl FnMut(ConnId, Sent)) {
        let ids: Vec<ConnId> = self.conns.borrow().keys().copied().collect();
        for conn in ids {
            let sent = self.write(conn, bytes.clone()).unwrap_or(Sent::Dropped);
            on_sent(conn, sent);
        }
    }

    /// Half-closes once what is queued is sent.
    pub fn end(&self, conn: ConnId) {
        if let Some(pending) = self.pending.borrow_mut().as_mut() {
            pending.ended = true;
            return;
        }
        if let Some(entry) = self.entry(conn) {
            if let Some(c) = entry.conn.borrow_mut().as_mut() {
                c.end();
            }
        }
    }

    /// Closes now (what is queued is still sent); CLOSED follows through the event
    /// function. A client still connecting gives the attempt up.
    pub fn destroy(&self, conn: ConnId) {
        if self.pending.borrow_mut().take().is_some() {
            self.destroyed.set(true);
            return;
        }
        self.close(conn, None);
    }

    /// Runs `f` on `conn`'s socket while it is open.
    pub fn with_socket<T>(&self, conn: ConnId, f: impl FnOnce(&PlainSocket) -> T) -> Option<T> {
        let entry = self.entry(conn)?;
        let connection = entry.conn.borrow();
        connection.as_ref().map(|c| f(c.socket()))
    }

    /// Bytes queued for `conn` and not yet sent.
    pub fn queued_bytes(&self, conn: ConnId) -> usize {
        if let Some(pending) = self.pending.borrow().as_ref() {
            return pending.queued;
        }
        self.entry(conn).map_or(0, |e| {
            e.conn
                .borrow()
                .as_ref()
                .map_or(0, PolledConnection::queued_bytes)
        })
    }

    /// Starts reading `conn` (sends never need the poll: what the kernel refuses is
    /// sent by a tokio task).
    fn watch(&self, entry: &Entry, conn: ConnId) {
        let started = match entry.poll.borrow().as_ref() {
            Some(poll) => poll.start(uv::READABLE | uv::DISCONNECT, on_poll),
            None => return,
        };
        if let Err(status) = started {
            self.close(conn, Some(uv::error(status)));
        }
    }

    /// The socket is readable (or hung up, or failed): read, deliver, close if it ended.
    fn on_poll(&self, conn: ConnId, status: c_int) {
        let Some(entry) = self.entry(conn) else {
            return;
        };
        let Some(outcome) = entry.conn.borrow_mut().as_mut().map(PolledConnection::read) else {
            return;
        };
        // libuv reports a socket error (EPOLLERR, as after a reset) as UV_EBADF; the read
        // above has already delivered what was buffered and found the real error
        // (ECONNRESET, ...). Only if it found none is libuv's status reported.
        let outcome = match outcome.end {
            None if status < 0 => node_ipc_tokio::embed::polled::ReadOutcome {
                end: Some(ReadEnd::Failed(
                    entry
                        .conn
                        .borrow()
                        .as_ref()
                        .and_then(|c| c.socket().take_error())
                        .unwrap_or_else(|| uv::error(status)),
                )),
                ..outcome
            },
            _ => outcome,
        };
        match outcome.received {
            Some(Received::Frames { run, partial }) => {
                let detail = kind::frames_detail(run.len(), partial);
                self.target
                    .call(kind::FRAMES, conn, Some(&run), None, detail);
            }
            Some(Received::Raw(bytes)) => {
                self.target.call(kind::RAW, conn, None, Some(&bytes), 0);
            }
            None => {}
        }
        match outcome.end {
            None => {}
            Some(ReadEnd::Eof) => {
                // The peer ended: END, then (once closed) CLOSED, as a Node socket emits
                // 'end' and then 'close'.
                entry.sink.send(Event::Ended { conn });
                self.close(conn, None);
            }
            Some(ReadEnd::Failed(e)) => self.close(conn, Some(e)),
        }
    }

    /// Stops driving `conn`: the poll stops, the socket closes (after sending what is
    /// queued), then the error, if any, and CLOSED are queued for the callback.
    fn close(&self, conn: ConnId, error: Option<IpcError>) {
        let Some(entry) = self.conns.borrow_mut().remove(&conn) else {
            return;
        };
        drop(entry.poll.borrow_mut().take());
        let connection = entry.conn.borrow_mut().take();
        self.release(conn);
        let had_error = error.is_some();
        if let Some(error) = error {
            entry.sink.send(Event::Error { conn, error });
        }
        entry.sink.send(Event::Closed { conn, had_error });
        if let Some(connection) = connection {
            // Queued bytes are still sent (by the drain task), then the socket closes; the
            // event function, and so the process, stays alive until then.
            connection.close_keeping(TsfnSink(Arc::clone(&entry.sink.0)));
        }
    }

    /// Closes `conn` now, dropping what is queued for it: its peer does not read, and the
    /// queue passed its limit. The error and CLOSED follow through the event function.
    fn abort(&self, conn: ConnId, error: IpcError) {
        let Some(entry) = self.conns.borrow_mut().remove(&conn) else {
            return;
        };
        drop(entry.poll.borrow_mut().take());
        let connection = entry.conn.borrow_mut().take();
        self.release(conn);
        entry.sink.send(Event::Error { conn, error });
        entry.sink.send(Event::Closed {
            conn,
            had_error: true,
        });
        if let Some(connection) = connection {
            connection.abort();
        }
    }

    fn release(&self, conn: ConnId) {
        if let Some(server) = self.server.borrow().as_ref() {
            server.release(conn);
        }
    }
}

/// The socket's descriptor for libuv (Unix only: elsewhere `enabled()` is false and
/// connections are never handed over).
#[cfg(unix)]
fn descriptor(socket: &PlainSocket) -> c_int {
    socket.raw_fd()
}

#[cfg(not(unix))]
fn descriptor(_socket: &PlainSocket) -> c_int {
    -1
}
