//! TLS with node-ipc's (that is, Node's) option semantics, on rustls.
//!
//! Node's rules kept here: a client verifies the server against `ca` (or the Mozilla
//! roots when no `ca` is given) and the host name unless `rejectUnauthorized` is false; a
//! server asks for a client certificate only with `requestCert`, and refuses a missing or
//! untrusted one only when `rejectUnauthorized` is also set. A self-signed certificate
//! listed in `ca` is trusted as itself (node-ipc's `trustedConnections` pin the peer's
//! own certificate), whatever its basic constraints say. Diffie-Hellman parameters
//! (`dhparam`) are not used: rustls offers only ECDHE key exchange.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{self, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{ParsedCertificate, WebPkiClientVerifier};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, DistinguishedName, RootCertStore,
    ServerConfig, SignatureScheme,
};

use crate::error::IpcError;

/// Client-side TLS settings (node-ipc's `config.tls` on `connectToNet`).
#[derive(Debug, Clone)]
pub struct TlsClientOptions {
    /// Trusted certificates, PEM (`ca`, or the files of `trustedConnections`). Empty:
    /// the Mozilla root store.
    pub ca: Vec<Vec<u8>>,
    /// Our certificate chain, PEM (`cert` / `public`), for mutual TLS.
    pub cert: Option<Vec<u8>>,
    /// Our private key, PEM (`key` / `private`).
    pub key: Option<Vec<u8>>,
    /// Verify the server (Node default: true).
    pub reject_unauthorized: bool,
    /// The name to verify and send as SNI (`servername`); default: the host.
    pub servername: Option<String>,
}

impl Default for TlsClientOptions {
    fn default() -> Self {
        TlsClientOptions {
            ca: Vec::new(),
            cert: None,
            key: None,
            reject_unauthorized: true,
            servername: None,
        }
    }
}

/// Server-side TLS settings (node-ipc's `config.tls` on a server).
#[derive(Debug, Clone)]
pub struct TlsServerOptions {
    /// Certificate chain, PEM.
    pub cert: Vec<u8>,
    /// Private key, PEM.
    pub key: Vec<u8>,
    /// Certificates trusted for client authentication, PEM.
    pub ca: Vec<Vec<u8>>,
    /// Ask clients for a certificate (`requestCert`).
    pub request_cert: bool,
    /// With `request_cert`: refuse clients without a trusted certificate.
    pub reject_unauthorized: bool,
}

/// A ready client configuration plus the name to verify.
#[derive(Clone)]
pub struct TlsClient {
    pub(crate) config: Arc<ClientConfig>,
    pub(crate) servername: Option<String>,
}

impl std::fmt::Debug for TlsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsClient")
            .field("servername", &self.servername)
            .finish()
    }
}

impl TlsClient {
    /// Builds the rustls configuration; errors name the bad input.
    pub fn new(options: &TlsClientOptions) -> Result<TlsClient, IpcError> {
        let provider = Arc::new(crypto::ring::default_provider());
        let pinned = parse_certs_all(&options.ca, "ca")?;
        let roots = root_store(&pinned, options.ca.is_empty())?;
        let verifier = NodeServerVerifier {
            webpki: WebPkiServerVerifier::builder_with_provider(
                Arc::new(roots),
                Arc::clone(&provider),
            )
            .build()
            .map_err(|e| config_error(format!("unusable ca: {e}")))?,
            pinned,
            reject_unauthorized: options.reject_unauthorized,
            algorithms: provider.signature_verification_algorithms,
        };
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| config_error(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier));
        let config = match (&options.cert, &options.key) {
            (Some(cert), Some(key)) => builder
                .with_client_auth_cert(parse_certs(cert, "cert")?, parse_key(key)?)
                .map_err(|e| config_error(format!("cert and key do not match: {e}")))?,
            _ => builder.with_no_client_auth(),
        };
        Ok(TlsClient {
            config: Arc::new(config),
            servername: options.servername.clone(),
        })
    }

    /// The server name to verify when connecting to `host`.
    pub(crate) fn server_name(&self, host: &str) -> Result<ServerName<'static>, IpcError> {
        let name = self.servername.as_deref().unwrap_or(host);
        let name = name.trim_start_matches('[').trim_end_matches(']');
        ServerName::try_from(name.to_owned())
            .map_err(|_| config_error(format!("invalid server name for TLS: {name:?}")))
    }
}

/// A ready server configuration.
#[derive(Clone)]
pub struct TlsServer {
    pub(crate) config: Arc<ServerConfig>,
}

impl std::fmt::Debug for TlsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsServer")
    }
}

impl TlsServer {
    /// Builds the rustls configuration; errors name the bad input.
    pub fn new(options: &TlsServerOptions) -> Result<TlsServer, IpcError> {
        let provider = Arc::new(crypto::ring::default_provider());
        let chain = parse_certs(&options.cert, "cert")?;
        let key = parse_key(&options.key)?;
        let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| config_error(e.to_string()))?;
        let builder = if options.request_cert {
            let pinned = parse_certs_all(&options.ca, "ca")?;
            let roots = Arc::new(root_store(&pinned, false)?);
            let webpki = if roots.is_empty() {
                None
            } else {
                Some(
                    WebPkiClientVerifier::builder_with_provider(
                        Arc::clone(&roots),
                        Arc::clone(&provider),
                    )
                    .build()
                    .map_err(|e| config_error(format!("unusable ca: {e}")))?,
                )
            };
            let hints = roots.subjects();
            builder.with_client_cert_verifier(Arc::new(NodeClientVerifier {
                webpki,
                pinned,
                hints,
                reject_unauthorized: options.reject_unauthorized,
                algorithms: provider.signature_verification_algorithms,
            }))
        } else {
            builder.with_no_client_auth()
        };
        let config = builder
            .with_single_cert(chain, key)
            .map_err(|e| config_error(format!("cert and key do not match: {e}")))?;
        Ok(TlsServer {
            config: Arc::new(config),
        })
    }
}

fn config_error(message: String) -> IpcError {
    IpcError::Tls {
        code: "ERR_TLS_CONFIG",
        message,
    }
}

fn parse_certs(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, IpcError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| config_error(format!("{what} is not valid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(config_error(format!("{what} holds no PEM certificate")));
    }
    Ok(certs)
}

fn parse_certs_all(pems: &[Vec<u8>], what: &str) -> Result<Vec<CertificateDer<'static>>, IpcError> {
    let mut all = Vec::new();
    for pem in pems {
        all.extend(parse_certs(pem, what)?);
    }
    Ok(all)
}

fn parse_key(pem: &[u8]) -> Result<PrivateKeyDer<'static>, IpcError> {
    PrivateKeyDer::from_pem_slice(pem)
        .map_err(|e| config_error(format!("key is not a PEM private key: {e}")))
}

fn root_store(certs: &[CertificateDer<'static>], mozilla: bool) -> Result<RootCertStore, IpcError> {
    let mut roots = RootCertStore::empty();
    if mozilla {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    // Certificates webpki cannot use as anchors are still trusted by exact match (pins).
    let _ = roots.add_parsable_certificates(certs.iter().cloned());
    Ok(roots)
}

fn is_pinned(pinned: &[CertificateDer<'static>], cert: &CertificateDer<'_>) -> bool {
    pinned.iter().any(|p| p.as_ref() == cert.as_ref())
}

/// The handshake-signature half of a verifier, the same for both directions: checked with
/// the crypto provider's algorithms (`self.algorithms`).
macro_rules! signature_checks {
    () => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.algorithms.supported_schemes()
        }
    };
}

#[derive(Debug)]
struct NodeServerVerifier {
    webpki: Arc<WebPkiServerVerifier>,
    pinned: Vec<CertificateDer<'static>>,
    reject_unauthorized: bool,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for NodeServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if !self.reject_unauthorized {
            return Ok(ServerCertVerified::assertion());
        }
        match self
            .webpki
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Ok(ok) => Ok(ok),
            Err(e) if is_pinned(&self.pinned, end_entity) => {
                // Trusted as itself: still check its validity period, then the name, in
                // the order Node (OpenSSL) reports them.
                check_validity(end_entity, now)?;
                let parsed = ParsedCertificate::try_from(end_entity).map_err(|_| e.clone())?;
                rustls::client::verify_server_name(&parsed, server_name)?;
                Ok(ServerCertVerified::assertion())
            }
            Err(e) => Err(e),
        }
    }

    signature_checks!();
}

#[derive(Debug)]
struct NodeClientVerifier {
    webpki: Option<Arc<dyn ClientCertVerifier>>,
    pinned: Vec<CertificateDer<'static>>,
    hints: Vec<DistinguishedName>,
    reject_unauthorized: bool,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for NodeClientVerifier {
    fn client_auth_mandatory(&self) -> bool {
        self.reject_unauthorized
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &self.hints
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if !self.reject_unauthorized {
            return Ok(ClientCertVerified::assertion());
        }
        if is_pinned(&self.pinned, end_entity) {
            check_validity(end_entity, now)?;
            return Ok(ClientCertVerified::assertion());
        }
        match &self.webpki {
            Some(v) => v.verify_client_cert(end_entity, intermediates, now),
            None => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
        }
    }

    signature_checks!();
}

/// A TLS alert from the peer, with Node's (OpenSSL's) code where it has a usual one.
fn alert_error(alert: rustls::AlertDescription) -> (&'static str, String) {
    use rustls::AlertDescription as A;
    let code = match alert {
        A::CertificateRequired => "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
        A::BadCertificate => "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE",
        A::UnknownCA => "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA",
        A::CertificateExpired => "ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED",
        A::HandshakeFailure => "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
        A::DecryptError => "ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR",
        _ => "ERR_SSL_TLS_ALERT",
    };
    (code, format!("the peer sent a TLS alert: {alert:?}"))
}

/// Whether an I/O error is a TLS failure; if so, Node's code and message for it.
pub(crate) fn tls_failure(err: &std::io::Error) -> Option<IpcError> {
    err.get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .map(|_| handshake_error(err))
}

/// Node's code and message for a failed handshake.
pub(crate) fn handshake_error(err: &std::io::Error) -> IpcError {
    let tls = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    let (code, message) = match tls {
        Some(rustls::Error::InvalidCertificate(cert)) => match cert {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                ("CERT_HAS_EXPIRED", "certificate has expired".to_owned())
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => (
                "CERT_NOT_YET_VALID",
                "certificate is not yet valid".to_owned(),
            ),
            CertificateError::NotValidForNameContext {
                expected,
                presented,
            } => (
                "ERR_TLS_CERT_ALTNAME_INVALID",
                format!(
                    "Hostname/IP does not match certificate's altnames: Host: {}. is not in the cert's altnames: {}",
                    expected.to_str(),
                    presented.join(", ")
                ),
            ),
            CertificateError::NotValidForName => (
                "ERR_TLS_CERT_ALTNAME_INVALID",
                "Hostname/IP does not match certificate's altnames".to_owned(),
            ),
            CertificateError::UnknownIssuer => (
                "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
                "unable to verify the first certificate".to_owned(),
            ),
            // webpki refuses a CA certificate as the leaf: in practice an untrusted
            // self-signed certificate, which Node reports like this.
            CertificateError::Other(other)
                if format!("{other:?}").contains("CaUsedAsEndEntity") =>
            {
                (
                    "DEPTH_ZERO_SELF_SIGNED_CERT",
                    "self-signed certificate".to_owned(),
                )
            }
            other => (
                "ERR_TLS_CERT_INVALID",
                format!("invalid certificate: {other:?}"),
            ),
        },
        Some(rustls::Error::NoCertificatesPresented) => (
            "ERR_TLS_NO_PEER_CERTIFICATE",
            "peer did not present a certificate".to_owned(),
        ),
        Some(rustls::Error::AlertReceived(alert)) => alert_error(*alert),
        Some(other) => ("ERR_TLS_HANDSHAKE", other.to_string()),
        None => ("ERR_TLS_HANDSHAKE", format!("TLS handshake failed: {err}")),
    };
    IpcError::Tls { code, message }
}

/// Rejects a certificate outside its validity period (used where webpki's own checks do
/// not run: certificates trusted as themselves). Unparsable dates are left to webpki.
fn check_validity(cert: &CertificateDer<'_>, now: UnixTime) -> Result<(), rustls::Error> {
    let Some((not_before, not_after)) = der::validity(cert.as_ref()) else {
        return Ok(());
    };
    let now = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    if now > not_after {
        return Err(rustls::Error::InvalidCertificate(CertificateError::Expired));
    }
    if now < not_before {
        return Err(rustls::Error::InvalidCertificate(
            CertificateError::NotValidYet,
        ));
    }
    Ok(())
}

/// Just enough DER to read an X.509 certificate's validity period.
mod der {
    /// Splits one TLV off `input`: (tag, contents, rest).
    fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, rest) = input.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = if first < 0x80 {
            (usize::from(first), rest)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 || rest.len() < n {
                return None;
            }
            let len = rest[..n]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (len, &rest[n..])
        };
        if rest.len() < len {
            return None;
        }
        Some((tag, &rest[..len], &rest[len..]))
    }

    /// (notBefore, notAfter) as Unix seconds.
    pub(super) fn validity(cert: &[u8]) -> Option<(i64, i64)> {
        let (_, certificate, _) = tlv(cert)?;
        let (_, tbs, _) = tlv(certificate)?;
        let mut rest = tbs;
        let (tag, _, after_version) = tlv(rest)?;
        if tag == 0xa0 {
            rest = after_version; // explicit version (absent in X.509 v1)
        }
        let (_, _, rest) = tlv(rest)?; // serialNumber
        let (_, _, rest) = tlv(rest)?; // signature algorithm
        let (_, _, rest) = tlv(rest)?; // issuer
        let (_, validity, _) = tlv(rest)?;
        let (t1, before, rest) = tlv(validity)?;
        let (t2, after, _) = tlv(rest)?;
        Some((time(t1, before)?, time(t2, after)?))
    }

    /// UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ) to Unix seconds.
    fn time(tag: u8, text: &[u8]) -> Option<i64> {
        let digits = |s: &[u8]| -> Option<i64> {
            s.iter().try_fold(0i64, |acc, c| {
                c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
            })
        };
        let (year, rest) = match tag {
            0x17 if text.len() >= 12 => {
                let yy = digits(&text[..2])?;
                (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &text[2..])
            }
            0x18 if text.len() >= 14 => (digits(&text[..4])?, &text[4..]),
            _ => return None,
        };
        let field = |i: usize| digits(rest.get(i..i + 2)?);
        let (month, day) = (field(0)?, field(2)?);
        let (hour, minute, second) = (field(4)?, field(6)?, field(8)?);
        Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn dates_convert_to_unix_seconds() {
            assert_eq!(super::days_from_civil(1970, 1, 1), 0);
            assert_eq!(super::days_from_civil(2017, 9, 10), 17_419);
            assert_eq!(super::time(0x17, b"170910000000Z"), Some(17_419 * 86_400));
            assert_eq!(super::time(0x18, b"20170910000000Z"), Some(17_419 * 86_400));
            assert_eq!(super::time(0x17, b"not a date"), None);
        }

        #[test]
        fn validity_of_the_bundled_certificate_is_read() {
            let pem = include_str!("../../../local-node-ipc-certs/server.pub");
            use rustls::pki_types::pem::PemObject;
            let der = rustls::pki_types::CertificateDer::from_pem_slice(pem.as_bytes())
                .expect("PEM certificate");
            let (before, after) = super::validity(der.as_ref()).expect("validity");
            assert!(before < after);
            assert!(after > 4_000_000_000, "long-lived");
        }
    }
}
