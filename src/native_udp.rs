//! `NativeUdp`: a bound UDP socket (node-ipc's UDP "server", which every UDP peer is).

use std::sync::{Arc, Weak};

use napi::bindgen_prelude::*;
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi_derive::napi;
use node_ipc_tokio::embed::polled::bind_plain;
use node_ipc_tokio::embed::udp::{UdpEndpoint, UdpFamily};

use crate::event_fn::{event_function, set_referenced, Delivery, EventFn, TsfnSink};
use crate::js_api::{chunk_bytes, napi_failure, thrown, CallArgs, Code};
use crate::js_driver;
use crate::js_driver::udp::{self, SharedUdpDriver, UdpDriver};
use crate::options::{port as port_number, FramingOptions};
use crate::runtime::RUNTIME;

/// A UDP socket: `bind` starts it; events arrive at the constructor's callback as
/// `(kind, 0, text, bytes, detail)`; a DATAGRAM carries the sender's address as text and
/// its port as the detail.
#[napi]
pub struct NativeUdp {
    unstarted: Option<Arc<EventFn>>,
    events: Weak<EventFn>,
    endpoint: Option<UdpEndpoint>,
    /// Drives the socket on the JavaScript thread (when libuv is reachable).
    js_driver: Option<SharedUdpDriver>,
}

#[napi]
impl NativeUdp {
    #[napi(constructor, catch_unwind)]
    pub fn new(on_event: Function<'_, CallArgs, ()>) -> Result<Self, Code> {
        let driver = js_driver::prepare(&on_event, udp::new_udp_driver).map_err(napi_failure)?;
        let tsfn =
            event_function(&on_event, udp::on_delivery(driver.clone())).map_err(napi_failure)?;
        Ok(NativeUdp {
            events: Arc::downgrade(&tsfn),
            unstarted: Some(tsfn),
            endpoint: None,
            js_driver: driver,
        })
    }

    /// Binds `host:port` as a `udp4` (family 4) or `udp6` (family 6) socket; at most
    /// `maxQueuedBytes` of datagrams wait to be sent (0: no limit).
    #[napi(catch_unwind)]
    pub fn bind(
        &mut self,
        host: String,
        port: u32,
        family: u32,
        max_queued_bytes: Option<f64>,
    ) -> Result<(), Code> {
        let limits = FramingOptions {
            max_queued_bytes,
            ..FramingOptions::default()
        }
        .send_limits()?;
        let tsfn = self
            .unstarted
            .take()
            .ok_or_else(|| thrown("ERR_INVALID_STATE", "this NativeUdp was already bound"))?;
        let family = match family {
            4 => UdpFamily::V4,
            6 => UdpFamily::V6,
            other => {
                return Err(thrown(
                    "ERR_INVALID_ARG_VALUE",
                    format!("UDP family must be 4 or 6, got {other}"),
                ))
            }
        };
        let port = port_number(port)?;
        if let Some(d) = self.driver() {
            d.set_family(family, limits);
            RUNTIME.spawn(async move {
                let result = bind_plain(&host, port, family).await;
                let keep = Arc::clone(&tsfn);
                tsfn.call(
                    Delivery::UdpBound { result, keep },
                    ThreadsafeFunctionCallMode::NonBlocking,
                );
            });
            return Ok(());
        }
        let _guard = RUNTIME.enter();
        self.endpoint = Some(UdpEndpoint::bind(
            host,
            port,
            family,
            limits,
            TsfnSink(tsfn),
        ));
        Ok(())
    }

    /// Sends one datagram to `host:port`; a failure arrives as an ERROR event.
    #[napi(catch_unwind)]
    pub fn send(&self, host: String, port: u32, data: Either<String, Buffer>) -> Result<(), Code> {
        let port = port_number(port)?;
        if let Some(d) = self.driver() {
            d.send(host, port, chunk_bytes(data));
        } else if let Some(endpoint) = &self.endpoint {
            endpoint.send_to(host, port, chunk_bytes(data));
        }
        Ok(())
    }

    /// Closes the socket; CLOSED follows.
    #[napi(catch_unwind)]
    pub fn close(&mut self) {
        self.unstarted = None;
        if let Some(d) = self.driver() {
            d.close();
        }
        if let Some(endpoint) = &self.endpoint {
            endpoint.close();
        }
    }

    /// The address the socket is bound to (`ip:port`, IPv6 in brackets), once LISTENING
    /// was reported.
    #[napi(catch_unwind)]
    pub fn bound_address(&self) -> Option<String> {
        let addr = match self.driver() {
            Some(d) => d.local_addr(),
            None => self.endpoint.as_ref()?.local_addr(),
        };
        addr.map(|a| a.to_string())
    }

    fn driver(&self) -> Option<&UdpDriver> {
        self.js_driver.as_ref().and_then(|d| d.get())
    }

    /// Whether this socket keeps the Node process alive.
    #[napi(js_name = "setRef", catch_unwind)]
    pub fn set_ref(&self, env: Env, referenced: bool) -> Result<(), Code> {
        set_referenced(&env, &self.events, referenced).map_err(napi_failure)
    }
}
