//! A UDP socket driven on the JavaScript thread: bound on tokio (the host may need a
//! lookup), then watched by libuv's poll, with every waiting datagram delivered straight
//! to the callback; sends to IP addresses go to the kernel from the JavaScript thread.
//! Listening, errors and the close still travel through the thread-safe function.

use std::cell::RefCell;
use std::ffi::{c_int, c_void};
use std::rc::Rc;
use std::sync::Arc;

use bytes::Bytes;
use napi::sys;
use node_ipc_tokio::embed::error::IpcError;
use node_ipc_tokio::embed::event::{Event, EventSink};
use node_ipc_tokio::embed::flow::SendLimits;
use node_ipc_tokio::embed::polled::PolledUdp;
use node_ipc_tokio::embed::udp::UdpFamily;

use super::uv::{self, Poll};
use crate::event_fn::{Delivery, TsfnSink};
use crate::js_api::kind;
use crate::js_thread::{
    add_teardown_hook, guard_callback, HookSlot, JsTarget, OnJsThread, Teardown,
};
use crate::runtime::RUNTIME;

/// How many datagrams one readiness delivers at most before the loop moves on.
const DATAGRAMS_PER_TURN: usize = 64;

/// The bound socket and what watches it.
struct Bound {
    udp: RefCell<PolledUdp>,
    /// Taken (stopped) first when the socket goes.
    poll: Option<Poll>,
    /// Keeps the thread-safe function (and so the process, while referenced) alive
    /// while the socket is open; errors and the close go through it.
    sink: TsfnSink,
    /// The poll callback's `data`; freed after the poll stops.
    token: *mut Arc<OnJsThread<UdpDriver>>,
}

impl Drop for Bound {
    fn drop(&mut self) {
        drop(self.poll.take());
        // SAFETY: the token came from Box::into_raw in `bound`, and the poll that used it
        // has stopped.
        drop(unsafe { Box::from_raw(self.token) });
    }
}

/// Sends made while the socket is being bound.
#[derive(Default)]
struct Waiting {
    sends: Vec<(String, u16, Bytes)>,
    /// Bytes in `sends`.
    queued: usize,
    /// The first datagram dropped over the queue limit meanwhile (reported once bound).
    dropped: Option<IpcError>,
}

/// Where the socket is in its life.
enum State {
    /// Binding on tokio; sends wait here.
    Binding(Waiting),
    /// `close()` was called while binding.
    ClosedWhileBinding,
    Open(Rc<Bound>),
    Closed,
}

/// The JavaScript-thread side of one `NativeUdp`.
pub struct UdpDriver {
    target: JsTarget,
    family: RefCell<UdpFamily>,
    limits: std::cell::Cell<SendLimits>,
    state: RefCell<State>,
    hook: HookSlot,
}

impl Teardown for UdpDriver {
    fn teardown(&self) {
        *self.state.borrow_mut() = State::Closed;
    }

    fn hook_slot(&self) -> &HookSlot {
        &self.hook
    }
}

pub type SharedUdpDriver = Arc<OnJsThread<UdpDriver>>;

/// # Safety
/// On the JavaScript thread of `env`, with `func` a function value.
pub unsafe fn new_udp_driver(
    env: sys::napi_env,
    func: sys::napi_value,
) -> Result<SharedUdpDriver, sys::napi_status> {
    let target = unsafe { JsTarget::new(env, func)? };
    let shared = Arc::new(OnJsThread::new(UdpDriver {
        target,
        family: RefCell::new(UdpFamily::V4),
        limits: std::cell::Cell::new(SendLimits::default()),
        state: RefCell::new(State::Binding(Waiting::default())),
        hook: HookSlot::default(),
    }));
    // SAFETY: on the JavaScript thread of `env`.
    unsafe { add_teardown_hook(env, &shared) };
    Ok(shared)
}

/// What a UDP object's deliveries become: `driver` takes the bound socket over; without
/// a driver, everything is reported as it is.
pub fn on_delivery(driver: Option<SharedUdpDriver>) -> impl Fn(Delivery) -> Event + Send + 'static {
    move |delivery| match (delivery, &driver) {
        (Delivery::UdpBound { result, keep }, Some(d)) => bound(d, TsfnSink(keep), result),
        (delivery, _) => delivery.untaken(),
    }
}

/// The bind finished (on the JavaScript thread, from the thread-safe function): start
/// watching the socket, send what waited, and return LISTENING (or LISTEN_FAILED).
pub fn bound(
    shared: &SharedUdpDriver,
    sink: TsfnSink,
    result: Result<std::net::UdpSocket, IpcError>,
) -> Event {
    let socket = match result {
        Ok(s) => s,
        Err(e) => return Event::ListenFailed(e),
    };
    let Some(driver) = shared.get() else {
        return Event::Closed {
            conn: 0,
            had_error: false,
        };
    };
    let waiting = match std::mem::replace(&mut *driver.state.borrow_mut(), State::Closed) {
        State::Binding(waiting) => waiting,
        _ => {
            // Closed while binding: the socket goes, and its close follows.
            sink.send(Event::Closed {
                conn: 0,
                had_error: false,
            });
            return Event::Listening;
        }
    };
    let family = *driver.family.borrow();
    let udp = PolledUdp::new(
        socket,
        family,
        driver.limits.get(),
        Arc::new(TsfnSink(Arc::clone(&sink.0))),
        RUNTIME.handle().clone(),
    );
    let token = Box::into_raw(Box::new(Arc::clone(shared)));
    let poll = match Poll::new(driver.target.env, descriptor(&udp), token.cast()) {
        Ok(p) => p,
        Err(message) => {
            // SAFETY: never handed to libuv.
            drop(unsafe { Box::from_raw(token) });
            return Event::ListenFailed(IpcError::Internal(format!(
                "could not watch the socket: {message}"
            )));
        }
    };
    if let Err(status) = poll.start(uv::READABLE, on_poll) {
        drop(poll);
        // SAFETY: the poll is gone; nothing refers to the token.
        drop(unsafe { Box::from_raw(token) });
        return Event::ListenFailed(uv::error(status));
    }
    if let Some(error) = waiting.dropped {
        sink.send(Event::Error { conn: 0, error });
    }
    for (host, port, bytes) in waiting.sends {
        udp.send_to(host, port, bytes);
    }
    *driver.state.borrow_mut() = State::Open(Rc::new(Bound {
        udp: RefCell::new(udp),
        poll: Some(poll),
        sink,
        token,
    }));
    Event::Listening
}

unsafe extern "C" fn on_poll(handle: *mut c_void, status: c_int, _events: c_int) {
    // SAFETY: the handle belongs to a live Bound whose token is its data.
    let shared =
        unsafe { Arc::clone(&*Poll::data_of(handle).cast::<Arc<OnJsThread<UdpDriver>>>()) };
    guard_callback(
        "datagram reader",
        || {
            if let Some(d) = shared.get() {
                d.on_poll(status);
            }
        },
        |error| {
            if let Some(d) = shared.get() {
                d.fail(error);
            }
        },
    );
}

impl UdpDriver {
    /// Sets the family the socket is bound with and how much may wait to be sent (before
    /// the bind starts).
    pub fn set_family(&self, family: UdpFamily, limits: SendLimits) {
        *self.family.borrow_mut() = family;
        self.limits.set(limits);
    }

    /// The address the socket is bound to, once bound.
    pub fn local_addr(&self) -> Option<std::net::SocketAddr> {
        self.bound()?.udp.borrow().local_addr()
    }

    fn bound(&self) -> Option<Rc<Bound>> {
        match &*self.state.borrow() {
            State::Open(b) => Some(Rc::clone(b)),
            _ => None,
        }
    }

    /// Sends one datagram (waits for the bind if it is still going on).
    pub fn send(&self, host: String, port: u16, bytes: Bytes) {
        if let State::Binding(waiting) = &mut *self.state.borrow_mut() {
            let limits = self.limits.get();
            if limits.refuses(waiting.queued, bytes.len()) {
                waiting.dropped.get_or_insert(IpcError::DatagramQueueFull {
                    queued: waiting.queued + bytes.len(),
                    limit: limits.max_queued_bytes,
                });
            } else {
                waiting.queued += bytes.len();
                waiting.sends.push((host, port, bytes));
            }
            return;
        }
        if let Some(b) = self.bound() {
            b.udp.borrow().send_to(host, port, bytes);
        }
    }

    /// Closes the socket; CLOSED follows through the event function.
    pub fn close(&self) {
        let previous = std::mem::replace(&mut *self.state.borrow_mut(), State::Closed);
        match previous {
            State::Binding(_) => *self.state.borrow_mut() = State::ClosedWhileBinding,
            State::Open(b) => b.sink.send(Event::Closed {
                conn: 0,
                had_error: false,
            }),
            State::ClosedWhileBinding | State::Closed => {}
        }
    }

    /// Closes the socket after reporting `error` (ERROR, then CLOSED with `hadError`).
    fn fail(&self, error: IpcError) {
        let previous = std::mem::replace(&mut *self.state.borrow_mut(), State::Closed);
        match previous {
            State::Open(b) => {
                b.sink.send(Event::Error { conn: 0, error });
                b.sink.send(Event::Closed {
                    conn: 0,
                    had_error: true,
                });
            }
            other => *self.state.borrow_mut() = other,
        }
    }

    fn on_poll(&self, status: c_int) {
        let Some(b) = self.bound() else { return };
        if status < 0 {
            b.sink.send(Event::Error {
                conn: 0,
                error: uv::error(status),
            });
            return;
        }
        for _ in 0..DATAGRAMS_PER_TURN {
            let received = b.udp.borrow_mut().receive();
            match received {
                None => break,
                Some(Ok((from, bytes))) => {
                    let address = from.ip().to_string();
                    self.target.call(
                        kind::DATAGRAM,
                        0,
                        Some(address.as_bytes()),
                        Some(&bytes),
                        u32::from(from.port()),
                    );
                    // The handlers may have closed the socket.
                    if !matches!(&*self.state.borrow(), State::Open(now) if Rc::ptr_eq(now, &b)) {
                        break;
                    }
                }
                // ICMP errors from earlier sends and the like: reported, not fatal.
                Some(Err(error)) => b.sink.send(Event::Error { conn: 0, error }),
            }
        }
    }
}

/// The socket's descriptor for libuv (Unix only: elsewhere `enabled()` is false).
#[cfg(unix)]
fn descriptor(udp: &PolledUdp) -> c_int {
    udp.raw_fd()
}

#[cfg(not(unix))]
fn descriptor(_udp: &PolledUdp) -> c_int {
    -1
}
