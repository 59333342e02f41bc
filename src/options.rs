//! Options objects passed from JavaScript.

use ipc_core::codec::{DEFAULT_DELIMITER, DEFAULT_MAX_MESSAGE_SIZE};
use ipc_core::connection::Framing;
use napi_derive::napi;

/// How a connection frames its bytes (from `config.delimiter`, `config.rawBuffer`,
/// `config.maxMessageSize`).
#[napi(object)]
#[derive(Default)]
pub struct FramingOptions {
    /// The frame delimiter (default "\f").
    pub delimiter: Option<String>,
    /// Deliver raw chunks instead of frames.
    pub raw: Option<bool>,
    /// Largest accepted frame in bytes.
    pub max_message_size: Option<f64>,
}

impl FramingOptions {
    pub fn framing(&self) -> napi::Result<Framing> {
        if self.raw == Some(true) {
            return Ok(Framing::Raw);
        }
        let delimiter = match &self.delimiter {
            Some(d) if d.is_empty() => {
                return Err(napi::Error::new(
                    napi::Status::InvalidArg,
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
                return Err(napi::Error::new(
                    napi::Status::InvalidArg,
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
}
