//! `NativeClient`: one connection attempt and, if it succeeds, the connection.

use std::path::PathBuf;
use std::sync::{Arc, Weak};

use napi::bindgen_prelude::*;
use napi_derive::napi;
use node_ipc_tokio::embed::client::connect;
use node_ipc_tokio::embed::codec::Framing;
use node_ipc_tokio::embed::connection::ConnectionHandle;
use node_ipc_tokio::embed::transport::{ConnectOptions, Endpoint};

use crate::event_fn::{event_function, set_referenced, EventFn, TsfnSink};
use crate::js_api::{chunk_bytes, napi_failure, thrown, CallArgs, Code, Congested};
use crate::js_driver;
use crate::js_driver::stream::{self, SharedStreamDriver, StreamDriver};
use crate::options::{
    keep_alive, port as port_number, ConnectTcpOptions, FramingOptions, JsTcpSettings,
};
use crate::runtime::RUNTIME;
use node_ipc_tokio::embed::sockopt::SocketOption;

/// Whether a connection to `endpoint` can be driven on the JavaScript thread (Unix
/// sockets and TCP; named pipes stay on tokio).
fn can_hand_over(endpoint: &Endpoint) -> bool {
    cfg!(unix) || matches!(endpoint, Endpoint::Tcp { .. })
}

/// Connection id used in a client's events.
const CLIENT_CONN: u32 = 1;

/// A client socket: `connectUnix` starts the attempt; events arrive at the
/// constructor's callback as `(kind, conn, text, bytes, detail)`.
#[napi]
pub struct NativeClient {
    unstarted: Option<Arc<EventFn>>,
    events: Weak<EventFn>,
    handle: Option<ConnectionHandle>,
    /// Drives a plain connection on the JavaScript thread (when libuv is reachable).
    js_driver: Option<SharedStreamDriver>,
}

#[napi]
impl NativeClient {
    #[napi(constructor, catch_unwind)]
    pub fn new(on_event: Function<'_, CallArgs, ()>) -> Result<Self, Code> {
        let driver =
            js_driver::prepare(&on_event, stream::new_stream_driver).map_err(napi_failure)?;
        let tsfn =
            event_function(&on_event, stream::on_delivery(driver.clone())).map_err(napi_failure)?;
        Ok(NativeClient {
            events: Arc::downgrade(&tsfn),
            unstarted: Some(tsfn),
            handle: None,
            js_driver: driver,
        })
    }

    /// Connects to a Unix socket path (a named pipe on Windows). Writes made before it
    /// connects are sent on connect.
    #[napi(catch_unwind)]
    pub fn connect_unix(
        &mut self,
        path: String,
        framing: Option<FramingOptions>,
    ) -> Result<(), Code> {
        let tsfn = self.take_events()?;
        let framing = framing.unwrap_or_default();
        let options = ConnectOptions {
            send_limits: framing.send_limits()?,
            ..ConnectOptions::default()
        };
        self.start(
            Endpoint::Unix(PathBuf::from(path)),
            options,
            framing.framing()?,
            tsfn,
        );
        Ok(())
    }

    /// Connects over TCP (TLS when `options.tls` is given). CONNECTED is reported at TCP
    /// connect, before any TLS handshake, as node-ipc does.
    #[napi(catch_unwind)]
    pub fn connect_tcp(
        &mut self,
        host: String,
        port: u32,
        options: Option<ConnectTcpOptions>,
    ) -> Result<(), Code> {
        let tsfn = self.take_events()?;
        let options = options.unwrap_or_default();
        let framing = options
            .framing
            .as_ref()
            .map(FramingOptions::framing)
            .transpose()?
            .unwrap_or_default();
        let connect = options.connect_options()?;
        let endpoint = Endpoint::Tcp {
            host,
            port: port_number(port)?,
        };
        self.start(endpoint, connect, framing, tsfn);
        Ok(())
    }

    /// Takes the event function for a start. Any error after this releases it, so a client
    /// that failed to start does not keep the process alive.
    fn take_events(&mut self) -> Result<Arc<EventFn>, Code> {
        self.unstarted
            .take()
            .ok_or_else(|| thrown("ERR_INVALID_STATE", "this NativeClient was already started"))
    }

    fn start(
        &mut self,
        endpoint: Endpoint,
        mut options: ConnectOptions,
        framing: Framing,
        tsfn: Arc<EventFn>,
    ) {
        let driver = self.js_driver.as_ref().and_then(|d| d.get());
        if let Some(d) = driver.filter(|_| options.tls.is_none() && can_hand_over(&endpoint)) {
            d.set_framing(framing.clone(), options.send_limits);
            d.start_pending();
            options.hand_over = true;
        }
        let _guard = RUNTIME.enter();
        self.handle = Some(connect(
            endpoint,
            options,
            framing,
            CLIENT_CONN,
            TsfnSink(tsfn),
        ));
    }

    /// Sends chunks, in order. Returns `[1]` (the connection) when the writer should pause
    /// (the kernel did not take everything, or a connecting client's queue reached its
    /// high-water mark): DRAIN follows once the queue is empty again. Writes that would make the queue pass
    /// `maxQueuedBytes` end the connection (or the attempt) with ERROR `ENOBUFS`.
    #[napi(catch_unwind)]
    pub fn write_batch(&self, chunks: Vec<Either<String, Buffer>>) -> Option<Vec<u32>> {
        let mut congested = Congested::default();
        if let Some(d) = self.driver() {
            for chunk in chunks {
                match d.write(CLIENT_CONN, chunk_bytes(chunk)) {
                    Ok(sent) => congested.note(CLIENT_CONN, sent),
                    Err(error) => {
                        // Over the limit while connecting: the attempt is given up, and
                        // the connect task reports the error and the close.
                        if let Some(h) = &self.handle {
                            h.fail(error);
                        }
                        break;
                    }
                }
            }
            return congested.into_list();
        }
        if let Some(h) = &self.handle {
            // The JavaScript side batches per tick: write through when the queue is empty.
            for chunk in chunks {
                match h.send_now(chunk_bytes(chunk)) {
                    Ok(sent) => congested.note(CLIENT_CONN, sent),
                    // The connection was destroyed and reports the error itself.
                    Err(_) => break,
                }
            }
        }
        congested.into_list()
    }

    /// Half-closes once queued bytes are sent.
    #[napi(catch_unwind)]
    pub fn end(&self) {
        if let Some(d) = self.driver() {
            return d.end(CLIENT_CONN);
        }
        if let Some(h) = &self.handle {
            h.end();
        }
    }

    /// Closes once queued bytes are sent (or abandons a pending attempt).
    #[napi(catch_unwind)]
    pub fn destroy(&mut self) {
        self.unstarted = None;
        if let Some(d) = self.driver() {
            d.destroy(CLIENT_CONN);
        }
        if let Some(h) = &self.handle {
            h.destroy();
        }
    }

    /// Bytes queued and not yet sent.
    #[napi(catch_unwind)]
    pub fn queued_bytes(&self) -> u32 {
        let queued = match self.driver() {
            Some(d) => d.queued_bytes(CLIENT_CONN),
            None => self
                .handle
                .as_ref()
                .map_or(0, ConnectionHandle::queued_bytes),
        };
        u32::try_from(queued).unwrap_or(u32::MAX)
    }

    /// Sets `TCP_NODELAY` on a TCP connection (nothing on other sockets, or before it
    /// connects).
    #[napi(catch_unwind)]
    pub fn set_no_delay(&self, on: bool) {
        self.set_option(SocketOption::NoDelay(on));
    }

    /// Turns keep-alive probes on (after `initialDelaySecs` of silence, 0 for the
    /// system's delay) or off on a TCP connection.
    #[napi(catch_unwind)]
    pub fn set_keep_alive(&self, on: bool, initial_delay_secs: u32) {
        self.set_option(keep_alive(on, initial_delay_secs));
    }

    /// The TCP connection's options as the kernel reports them (tests, diagnostics).
    #[napi(catch_unwind)]
    pub fn tcp_settings(&self) -> Option<JsTcpSettings> {
        let settings = match self.driver() {
            Some(d) => d.with_socket(CLIENT_CONN, |s| s.tcp_settings()).flatten(),
            None => self.handle.as_ref()?.tcp_settings(),
        };
        settings.map(JsTcpSettings::from)
    }

    /// The TCP connection's local address (`ip:port`), while it is open.
    #[napi(catch_unwind)]
    pub fn local_address(&self) -> Option<String> {
        let addr = match self.driver() {
            Some(d) => d.with_socket(CLIENT_CONN, |s| s.local_addr()).flatten(),
            None => self.handle.as_ref()?.local_addr(),
        };
        addr.map(|a| a.to_string())
    }

    fn set_option(&self, option: SocketOption) {
        // As on a Node socket, a failure to set an option is not reported.
        match self.driver() {
            Some(d) => {
                let _ = d.with_socket(CLIENT_CONN, |s| s.set_option(option));
            }
            None => {
                if let Some(h) = &self.handle {
                    let _ = h.set_option(option);
                }
            }
        }
    }

    /// The JavaScript-thread driver, while it drives (or will drive) the connection.
    fn driver(&self) -> Option<&StreamDriver> {
        self.js_driver
            .as_ref()
            .and_then(|d| d.get())
            .filter(|d| d.owns(CLIENT_CONN))
    }

    /// Whether this client keeps the Node process alive.
    #[napi(js_name = "setRef", catch_unwind)]
    pub fn set_ref(&self, env: Env, referenced: bool) -> Result<(), Code> {
        set_referenced(&env, &self.events, referenced).map_err(napi_failure)
    }
}
