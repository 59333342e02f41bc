//! `NativeServer`: a listening socket and its connections.

use std::path::PathBuf;
use std::sync::{Arc, Weak};

use napi::bindgen_prelude::*;
use napi_derive::napi;
use node_ipc_tokio::embed::flow::Sent;
use node_ipc_tokio::embed::server::{Server, ServerOptions};
use node_ipc_tokio::embed::transport::Endpoint;

use crate::event_fn::{event_function, set_referenced, EventFn, TsfnSink};
use crate::js_api::{chunk_bytes, napi_failure, thrown, CallArgs, Code, Congested};
use crate::js_driver;
use crate::js_driver::stream::{self, SharedStreamDriver, StreamDriver};
use crate::options::{
    keep_alive, port as port_number, JsTcpSettings, ListenOptions, ListenTcpOptions, TlsOptions,
};
use crate::runtime::RUNTIME;
use node_ipc_tokio::embed::sockopt::SocketOption;

/// Target id meaning "every connection" in `writeBatch`.
const BROADCAST: u32 = 0;

/// A server: `listenUnix` starts it; events arrive at the constructor's callback as
/// `(kind, conn, text, bytes, detail)`.
#[napi]
pub struct NativeServer {
    /// Held until `listen*` hands it to the server tasks (which then own it).
    unstarted: Option<Arc<EventFn>>,
    events: Weak<EventFn>,
    server: Option<Server>,
    /// Drives plain connections on the JavaScript thread (when libuv is reachable).
    js_driver: Option<SharedStreamDriver>,
}

#[napi]
impl NativeServer {
    #[napi(constructor, catch_unwind)]
    pub fn new(on_event: Function<'_, CallArgs, ()>) -> Result<Self, Code> {
        let driver =
            js_driver::prepare(&on_event, stream::new_stream_driver).map_err(napi_failure)?;
        let tsfn =
            event_function(&on_event, stream::on_delivery(driver.clone())).map_err(napi_failure)?;
        Ok(NativeServer {
            events: Arc::downgrade(&tsfn),
            unstarted: Some(tsfn),
            server: None,
            js_driver: driver,
        })
    }

    /// Listens on a Unix socket path (a named pipe on Windows). The outcome arrives as a
    /// LISTENING or LISTEN_FAILED event.
    #[napi(catch_unwind)]
    pub fn listen_unix(
        &mut self,
        path: String,
        options: Option<ListenOptions>,
    ) -> Result<(), Code> {
        let tsfn = self.take_events()?;
        let options = options.unwrap_or_default();
        let framing = options.framing.unwrap_or_default();
        let opts = ServerOptions {
            framing: framing.framing()?,
            send_limits: framing.send_limits()?,
            max_connections: max_connections(options.max_connections),
            unlink: options.unlink.unwrap_or(true),
            readable_all: options.readable_all.unwrap_or(false),
            writable_all: options.writable_all.unwrap_or(false),
            tls: options.tls.as_ref().map(TlsOptions::server).transpose()?,
            hand_over: false,
        };
        self.start(Some(Endpoint::Unix(PathBuf::from(path))), opts, tsfn);
        Ok(())
    }

    /// Listens on a TCP host and port, with TLS when `options.tls` is given.
    #[napi(catch_unwind)]
    pub fn listen_tcp(
        &mut self,
        host: String,
        port: u32,
        options: Option<ListenTcpOptions>,
    ) -> Result<(), Code> {
        let tsfn = self.take_events()?;
        let opts = stream_options(options.unwrap_or_default())?;
        let endpoint = Endpoint::Tcp {
            host,
            port: port_number(port)?,
        };
        self.start(Some(endpoint), opts, tsfn);
        Ok(())
    }

    /// Serves connections accepted elsewhere instead of listening: each one is handed in
    /// with `adoptSocket` (a Node cluster worker's connections, accepted by the listener
    /// its primary shares). Reports no LISTENING.
    #[napi(catch_unwind)]
    pub fn serve_adopted(&mut self, options: Option<ListenTcpOptions>) -> Result<(), Code> {
        let tsfn = self.take_events()?;
        let opts = stream_options(options.unwrap_or_default())?;
        self.start(None, opts, tsfn);
        Ok(())
    }

    /// Serves the connected socket `fd` (a TCP socket if `tcp`, else a Unix socket),
    /// accepted by someone else, who keeps and closes `fd`: the server works on a
    /// duplicate. Throws if this server does not `serveAdopted`, or `fd` is not a
    /// connected socket of that kind.
    #[napi(catch_unwind)]
    pub fn adopt_socket(&self, fd: i32, tcp: bool) -> Result<(), Code> {
        let server = self
            .server
            .as_ref()
            .ok_or_else(|| thrown("ERR_INVALID_STATE", "this NativeServer is not serving"))?;
        let _guard = RUNTIME.enter();
        crate::adopt_fd::serve(server, fd, tcp).map_err(|e| thrown("ERR_INVALID_ARG_VALUE", e))
    }

    /// The address a TCP listener is bound to (`ip:port`, IPv6 in brackets), once it
    /// listens.
    #[napi(catch_unwind)]
    pub fn bound_address(&self) -> Option<String> {
        self.server.as_ref()?.local_addr().map(|a| a.to_string())
    }

    /// Sets `TCP_NODELAY` on a TCP connection (nothing on other sockets).
    #[napi(catch_unwind)]
    pub fn set_no_delay(&self, conn: u32, on: bool) {
        self.set_option(conn, SocketOption::NoDelay(on));
    }

    /// Turns keep-alive probes on (after `initialDelaySecs` of silence, 0 for the
    /// system's delay) or off on a TCP connection.
    #[napi(catch_unwind)]
    pub fn set_keep_alive(&self, conn: u32, on: bool, initial_delay_secs: u32) {
        self.set_option(conn, keep_alive(on, initial_delay_secs));
    }

    /// A TCP connection's options as the kernel reports them (for tests and diagnostics).
    #[napi(catch_unwind)]
    pub fn tcp_settings(&self, conn: u32) -> Option<JsTcpSettings> {
        let settings = match self.driver(conn) {
            Some(d) => d.with_socket(conn, |s| s.tcp_settings()).flatten(),
            None => self.server.as_ref()?.connection(conn)?.tcp_settings(),
        };
        settings.map(JsTcpSettings::from)
    }

    /// A TCP connection's local address (`ip:port`), while it is open.
    #[napi(catch_unwind)]
    pub fn local_address(&self, conn: u32) -> Option<String> {
        let addr = match self.driver(conn) {
            Some(d) => d.with_socket(conn, |s| s.local_addr()).flatten(),
            None => self.server.as_ref()?.connection(conn)?.local_addr(),
        };
        addr.map(|a| a.to_string())
    }

    fn set_option(&self, conn: u32, option: SocketOption) {
        // As on a Node socket, a failure to set an option is not reported.
        match self.driver(conn) {
            Some(d) => {
                let _ = d.with_socket(conn, |s| s.set_option(option));
            }
            None => {
                if let Some(h) = self.server.as_ref().and_then(|s| s.connection(conn)) {
                    let _ = h.set_option(option);
                }
            }
        }
    }

    /// Sends chunks: `targets[i]` is a connection id, or 0 for every connection. Returns
    /// the connections that now have bytes queued (the kernel did not take everything),
    /// if any: each reports DRAIN once its queue is empty again. A connection whose queue
    /// would pass `maxQueuedBytes` is destroyed instead (ERROR `ENOBUFS`, then CLOSED).
    #[napi(catch_unwind)]
    pub fn write_batch(
        &self,
        targets: Vec<u32>,
        chunks: Vec<Either<String, Buffer>>,
    ) -> Option<Vec<u32>> {
        let server = self.server.as_ref()?;
        let driver = self.js_driver.as_ref().and_then(|d| d.get());
        let mut congested = Congested::default();
        for (target, chunk) in targets.into_iter().zip(chunks) {
            let bytes = chunk_bytes(chunk);
            // The JavaScript side batches per tick: write through when the queue is empty.
            if target == BROADCAST {
                if let Some(d) = driver {
                    d.broadcast(&bytes, |conn, sent| congested.note(conn, sent));
                }
                server.broadcast_now(bytes, |conn, sent| congested.note(conn, sent));
            } else {
                let sent = match driver {
                    Some(d) if d.owns(target) => d.write(target, bytes),
                    // Over the limit, the connection reports the error itself.
                    _ => server.send_now(target, bytes),
                };
                congested.note(target, sent.unwrap_or(Sent::Dropped));
            }
        }
        congested.into_list()
    }

    /// Half-closes a connection once its queued bytes are sent.
    #[napi(catch_unwind)]
    pub fn end(&self, conn: u32) {
        match self.driver(conn) {
            Some(d) => d.end(conn),
            None => {
                if let Some(server) = &self.server {
                    server.end(conn);
                }
            }
        }
    }

    /// Closes a connection once its queued bytes are sent.
    #[napi(catch_unwind)]
    pub fn destroy(&self, conn: u32) {
        match self.driver(conn) {
            Some(d) => d.destroy(conn),
            None => {
                if let Some(server) = &self.server {
                    server.destroy(conn);
                }
            }
        }
    }

    /// Bytes queued for a connection and not yet sent.
    #[napi(catch_unwind)]
    pub fn queued_bytes(&self, conn: u32) -> u32 {
        let queued = match self.driver(conn) {
            Some(d) => d.queued_bytes(conn),
            None => self.server.as_ref().map_or(0, |s| s.queued_bytes(conn)),
        };
        u32::try_from(queued).unwrap_or(u32::MAX)
    }

    /// The JavaScript-thread driver of `conn`, if it drives it.
    fn driver(&self, conn: u32) -> Option<&StreamDriver> {
        self.js_driver
            .as_ref()
            .and_then(|d| d.get())
            .filter(|d| d.owns(conn))
    }

    /// Stops accepting; open connections stay.
    #[napi(catch_unwind)]
    pub fn close(&mut self) {
        self.unstarted = None;
        if let Some(server) = &self.server {
            server.close();
        }
    }

    /// Takes the event function for a start. Any error after this releases it, so a server
    /// that failed to start does not keep the process alive.
    fn take_events(&mut self) -> Result<Arc<EventFn>, Code> {
        self.unstarted
            .take()
            .ok_or_else(|| thrown("ERR_INVALID_STATE", "this NativeServer was already started"))
    }

    fn start(
        &mut self,
        endpoint: Option<Endpoint>,
        mut options: ServerOptions,
        tsfn: Arc<EventFn>,
    ) {
        let driver = self.js_driver.as_ref().and_then(|d| d.get());
        if let Some(d) = driver {
            d.set_framing(options.framing.clone(), options.send_limits);
            options.hand_over = true;
        }
        let _guard = RUNTIME.enter();
        let server = match endpoint {
            Some(endpoint) => Server::listen(endpoint, options, TsfnSink(tsfn)),
            None => Server::detached(options, TsfnSink(tsfn)),
        };
        if let Some(d) = driver {
            d.set_server(server.clone());
        }
        self.server = Some(server);
    }

    /// Whether this server keeps the Node process alive.
    #[napi(js_name = "setRef", catch_unwind)]
    pub fn set_ref(&self, env: Env, referenced: bool) -> Result<(), Code> {
        set_referenced(&env, &self.events, referenced).map_err(napi_failure)
    }
}

/// Server options for TCP listeners and detached servers (no socket file to manage).
fn stream_options(options: ListenTcpOptions) -> Result<ServerOptions, Code> {
    let framing = options.framing.unwrap_or_default();
    Ok(ServerOptions {
        framing: framing.framing()?,
        send_limits: framing.send_limits()?,
        max_connections: max_connections(options.max_connections),
        unlink: false,
        readable_all: false,
        writable_all: false,
        tls: options.tls.as_ref().map(TlsOptions::server).transpose()?,
        hand_over: false,
    })
}

fn max_connections(value: Option<f64>) -> Option<usize> {
    value
        .filter(|n| *n >= 0.0 && n.is_finite())
        .map(|n| n as usize)
}
