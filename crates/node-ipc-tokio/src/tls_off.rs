//! TLS without the `tls` feature: the configuration types exist but cannot be made, so
//! every `Option` of them is `None` and no TLS code (nor rustls) is compiled in.

use crate::error::IpcError;

/// A client TLS configuration; with the `tls` feature off there is none.
#[derive(Debug, Clone)]
pub enum TlsClient {}

/// A server TLS configuration; with the `tls` feature off there is none.
#[derive(Debug, Clone)]
pub enum TlsServer {}

/// No TLS error is ever recognised without TLS.
pub(crate) fn tls_failure(_err: &std::io::Error) -> Option<IpcError> {
    None
}
