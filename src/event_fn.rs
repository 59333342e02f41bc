//! The thread-safe function of a native object: engine events from tokio's threads
//! become calls of its JavaScript callback (one call per event; a data event carries
//! every frame of one read as a single string). Connections and UDP sockets handed over
//! to the JS-thread driver pass through the `on_delivery` closure each native object's
//! constructor gives; this module knows no driver.

use std::sync::{Arc, Weak};

use napi::bindgen_prelude::*;
use napi::sys;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use node_ipc_tokio::embed::error::IpcError;
use node_ipc_tokio::embed::event::{ConnId, Event, EventSink};
use node_ipc_tokio::embed::socket::{PeerCredentials, PlainSocket};

use crate::js_api::{to_args, CallArgs};

pub type EventFn = ThreadsafeFunction<Delivery, (), CallArgs, Status, false>;

/// What travels through the thread-safe function.
pub enum Delivery {
    /// An event to report as it is.
    Event(Event),
    /// A plain connection handed over to the JS-thread driver ([`Event::HandedOver`]),
    /// with the event function it keeps alive while it is open.
    HandedOver {
        conn: ConnId,
        peer: Option<String>,
        credentials: Option<PeerCredentials>,
        socket: PlainSocket,
        keep: Arc<EventFn>,
    },
    /// A UDP socket bound for the JS-thread driver (or the bind's failure), with the
    /// event function it keeps alive while it is open.
    UdpBound {
        result: std::result::Result<std::net::UdpSocket, IpcError>,
        keep: Arc<EventFn>,
    },
}

impl Delivery {
    /// The event to report when no driver takes what was handed over: the event as it
    /// is; a connection or socket nobody drives is reported closed (and dropped).
    pub fn untaken(self) -> Event {
        match self {
            Delivery::Event(event) => event,
            Delivery::HandedOver { conn, .. } => Event::Closed {
                conn,
                had_error: false,
            },
            Delivery::UdpBound { .. } => Event::Closed {
                conn: 0,
                had_error: false,
            },
        }
    }
}

/// Builds the thread-safe function that turns deliveries into callback calls, on the
/// JavaScript thread: `on_delivery` (from the native object's constructor) decides
/// which event each delivery becomes, handing connections and sockets to its driver.
pub fn event_function(
    callback: &Function<'_, CallArgs, ()>,
    on_delivery: impl Fn(Delivery) -> Event + Send + 'static,
) -> Result<Arc<EventFn>> {
    let tsfn = callback
        .build_threadsafe_function::<Delivery>()
        .callee_handled::<false>()
        .build_callback(move |ctx| Ok(FnArgs::from(to_args(on_delivery(ctx.value)))))?;
    Ok(Arc::new(tsfn))
}

/// The [`EventSink`] of one native object.
pub struct TsfnSink(pub Arc<EventFn>);

impl EventSink for TsfnSink {
    fn send(&self, event: Event) {
        let delivery = match event {
            Event::HandedOver {
                conn,
                peer,
                credentials,
                socket,
            } => Delivery::HandedOver {
                conn,
                peer,
                credentials,
                socket,
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
