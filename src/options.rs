//! Options objects passed from JavaScript.

use napi::bindgen_prelude::{Buffer, Result};
use napi_derive::napi;
use node_ipc_tokio::embed::codec::Framing;
use node_ipc_tokio::embed::codec::{DEFAULT_DELIMITER, DEFAULT_MAX_MESSAGE_SIZE};
use node_ipc_tokio::embed::flow::{SendLimits, DEFAULT_MAX_QUEUED_BYTES};
use node_ipc_tokio::embed::sockopt::{SocketOption, TcpSettings};
use node_ipc_tokio::embed::tls::{TlsClient, TlsClientOptions, TlsServer, TlsServerOptions};
use node_ipc_tokio::embed::transport::ConnectOptions;

use crate::js_api::{engine_thrown, thrown, Code};

/// How a connection frames its bytes and bounds what it queues (from `config.delimiter`,
/// `config.rawBuffer`, `config.maxMessageSize`, `config.maxQueuedBytes`).
#[napi(object)]
#[derive(Default)]
pub struct FramingOptions {
    /// The frame delimiter (default "\f").
    pub delimiter: Option<String>,
    /// Deliver raw chunks instead of frames.
    pub raw: Option<bool>,
    /// Largest accepted frame in bytes.
    pub max_message_size: Option<f64>,
    /// Most bytes queued for a peer before its connection is destroyed (0: no limit).
    pub max_queued_bytes: Option<f64>,
}

impl FramingOptions {
    pub fn send_limits(&self) -> Result<SendLimits, Code> {
        let max_queued_bytes = match self.max_queued_bytes {
            None => DEFAULT_MAX_QUEUED_BYTES,
            Some(n) if n == f64::INFINITY => 0,
            Some(n) if n.is_finite() && n >= 0.0 => n as usize,
            Some(n) => {
                return Err(thrown(
                    "ERR_INVALID_ARG_VALUE",
                    format!("config.maxQueuedBytes must be a number >= 0 (0: no limit), got {n}"),
                ))
            }
        };
        Ok(SendLimits {
            max_queued_bytes,
            ..SendLimits::default()
        })
    }

    pub fn framing(&self) -> Result<Framing, Code> {
        if self.raw == Some(true) {
            return Ok(Framing::Raw);
        }
        let delimiter = match &self.delimiter {
            Some(d) if d.is_empty() => {
                return Err(thrown(
                    "ERR_INVALID_ARG_VALUE",
                    "config.delimiter must not be empty",
                ))
            }
            Some(d) => d.as_bytes().to_vec(),
            None => DEFAULT_DELIMITER.to_vec(),
        };
        let max_message_size = match self.max_message_size {
            None => DEFAULT_MAX_MESSAGE_SIZE,
            Some(n) if n.is_finite() && n >= 1.0 => n as usize,
            Some(n) if n == f64::INFINITY => usize::MAX,
            Some(n) => {
                return Err(thrown(
                    "ERR_INVALID_ARG_VALUE",
                    format!("config.maxMessageSize must be a positive number, got {n}"),
                ))
            }
        };
        Ok(Framing::Delimited {
            delimiter,
            max_message_size,
        })
    }
}

/// Options for `NativeServer.listenUnix`.
#[napi(object)]
#[derive(Default)]
pub struct ListenOptions {
    /// Framing of accepted connections.
    pub framing: Option<FramingOptions>,
    /// `config.maxConnections` (absent or negative: no limit).
    pub max_connections: Option<f64>,
    /// Delete an existing file at the path first.
    pub unlink: Option<bool>,
    /// chmod a+r on the socket file.
    pub readable_all: Option<bool>,
    /// chmod a+w on the socket file.
    pub writable_all: Option<bool>,
    /// Speak TLS on the Unix socket (node-ipc does when `config.tls` is set, Q24).
    pub tls: Option<TlsOptions>,
}

/// TLS settings, with node-ipc's files already read by JavaScript.
#[napi(object)]
#[derive(Default)]
pub struct TlsOptions {
    /// Private key, PEM.
    pub key: Option<Buffer>,
    /// Certificate chain, PEM.
    pub cert: Option<Buffer>,
    /// Trusted certificates, PEM each.
    pub ca: Option<Vec<Buffer>>,
    /// Server: ask clients for a certificate.
    pub request_cert: Option<bool>,
    /// Verify the peer (client default true; server: only with requestCert).
    pub reject_unauthorized: Option<bool>,
    /// Client: the name to verify and send as SNI.
    pub servername: Option<String>,
}

impl TlsOptions {
    fn ca(&self) -> Vec<Vec<u8>> {
        self.ca
            .as_ref()
            .map(|list| list.iter().map(|b| b.to_vec()).collect())
            .unwrap_or_default()
    }

    pub fn client(&self) -> Result<TlsClient, Code> {
        TlsClient::new(&TlsClientOptions {
            ca: self.ca(),
            cert: self.cert.as_ref().map(|b| b.to_vec()),
            key: self.key.as_ref().map(|b| b.to_vec()),
            reject_unauthorized: self.reject_unauthorized.unwrap_or(true),
            servername: self.servername.clone(),
        })
        .map_err(tls_config)
    }

    pub fn server(&self) -> Result<TlsServer, Code> {
        let missing = |what: &str| thrown("ERR_TLS_CONFIG", format!("a TLS server needs a {what}"));
        TlsServer::new(&TlsServerOptions {
            cert: self.cert.as_ref().ok_or_else(|| missing("cert"))?.to_vec(),
            key: self.key.as_ref().ok_or_else(|| missing("key"))?.to_vec(),
            ca: self.ca(),
            request_cert: self.request_cert.unwrap_or(false),
            reject_unauthorized: self.reject_unauthorized.unwrap_or(false),
        })
        .map_err(tls_config)
    }
}

fn tls_config(e: node_ipc_tokio::embed::error::IpcError) -> napi::Error<Code> {
    engine_thrown(&e, "ERR_TLS_CONFIG")
}

/// Options for `NativeServer.listenTcp`.
#[napi(object)]
#[derive(Default)]
pub struct ListenTcpOptions {
    /// Framing of accepted connections.
    pub framing: Option<FramingOptions>,
    /// `config.maxConnections` (absent or negative: no limit).
    pub max_connections: Option<f64>,
    /// Speak TLS.
    pub tls: Option<TlsOptions>,
}

/// Options for `NativeClient.connectTcp` (node-ipc's `config.interface` and `config.tls`).
#[napi(object)]
#[derive(Default)]
pub struct ConnectTcpOptions {
    /// Framing.
    pub framing: Option<FramingOptions>,
    /// Local address to bind.
    pub local_address: Option<String>,
    /// Local port to bind.
    pub local_port: Option<u32>,
    /// 4 or 6: only use addresses of that family.
    pub family: Option<u32>,
    /// Speak TLS.
    pub tls: Option<TlsOptions>,
}

impl ConnectTcpOptions {
    pub fn connect_options(&self) -> Result<ConnectOptions, Code> {
        let local_address = match &self.local_address {
            Some(a) => Some(a.parse().map_err(|_| {
                thrown(
                    "ERR_INVALID_ARG_VALUE",
                    format!("config.interface.localAddress is not an IP address: {a:?}"),
                )
            })?),
            None => None,
        };
        let local_port = match self.local_port {
            Some(p) => Some(u16::try_from(p).map_err(|_| {
                thrown(
                    "ERR_INVALID_ARG_VALUE",
                    format!("config.interface.localPort is out of range: {p}"),
                )
            })?),
            None => None,
        };
        Ok(ConnectOptions {
            local_address,
            local_port,
            family: self.family.and_then(|f| u8::try_from(f).ok()),
            tls: self.tls.as_ref().map(TlsOptions::client).transpose()?,
            hand_over: false,
            send_limits: self
                .framing
                .as_ref()
                .map(FramingOptions::send_limits)
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

/// A TCP/UDP port from JavaScript, checked.
pub fn port(value: u32) -> Result<u16, Code> {
    u16::try_from(value).map_err(|_| {
        thrown(
            "ERR_SOCKET_BAD_PORT",
            format!("port should be >= 0 and < 65536. Received {value}."),
        )
    })
}

/// `setKeepAlive(enable, initialDelay)` as a socket option (the delay in whole seconds,
/// as Node passes it; 0 keeps the system's).
pub fn keep_alive(on: bool, initial_delay_secs: u32) -> SocketOption {
    SocketOption::KeepAlive(
        on.then(|| std::time::Duration::from_secs(u64::from(initial_delay_secs))),
    )
}

/// A TCP socket's options, as `tcpSettings` reports them.
#[napi(object)]
pub struct JsTcpSettings {
    /// `TCP_NODELAY`.
    pub no_delay: bool,
    /// `SO_KEEPALIVE`.
    pub keep_alive: bool,
    /// `TCP_KEEPIDLE` in seconds, where the platform reports it.
    pub keep_alive_idle_secs: Option<u32>,
}

impl From<TcpSettings> for JsTcpSettings {
    fn from(s: TcpSettings) -> Self {
        JsTcpSettings {
            no_delay: s.no_delay,
            keep_alive: s.keep_alive,
            keep_alive_idle_secs: s
                .keep_alive_idle
                .map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX)),
        }
    }
}
