//! UDP endpoints (node-ipc's `serveNet(..., 'udp4' | 'udp6')`): every peer is a bound
//! socket that receives datagrams and sends to `{address, port}` targets.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, Notify};

use crate::error::IpcError;
use crate::event::{Event, EventSink};
use crate::flow::{Flow, DEFAULT_HIGH_WATER};
use crate::transport::resolve;

/// The IP family of a UDP endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UdpFamily {
    /// `udp4`
    V4,
    /// `udp6`
    V6,
}

impl UdpFamily {
    fn number(self) -> u8 {
        match self {
            UdpFamily::V4 => 4,
            UdpFamily::V6 => 6,
        }
    }
}

/// The largest datagram payload accepted on receive.
const MAX_DATAGRAM: usize = 64 * 1024;

struct Send {
    host: String,
    port: u16,
    bytes: Bytes,
}

/// A bound UDP socket. Reports `Listening` (or `ListenFailed`), then one `Datagram` per
/// received datagram, `Error { conn: 0 }` for failed sends, and `Closed` after
/// [`UdpEndpoint::close`].
///
/// ```no_run
/// # async fn demo() {
/// use ipc_core::{event::ChannelSink, udp::{UdpEndpoint, UdpFamily}};
/// let (sink, _events) = ChannelSink::new();
/// let udp = UdpEndpoint::bind("127.0.0.1".into(), 8001, UdpFamily::V4, sink);
/// udp.send_to("localhost".into(), 8000, bytes::Bytes::from_static(b"{\"type\":\"hi\",\"data\":{}}\x0c"));
/// # }
/// ```
pub struct UdpEndpoint {
    sends: mpsc::UnboundedSender<Send>,
    stop: Arc<Notify>,
}

impl UdpEndpoint {
    /// Binds `host:port` (on the current tokio runtime). Sends made before the socket is
    /// bound wait for it.
    pub fn bind(host: String, port: u16, family: UdpFamily, sink: impl EventSink) -> UdpEndpoint {
        let (sends, send_rx) = mpsc::unbounded_channel();
        let stop = Arc::new(Notify::new());
        let sink: Arc<dyn EventSink> = Arc::new(sink);
        tokio::spawn(run(host, port, family, sink, send_rx, Arc::clone(&stop)));
        UdpEndpoint { sends, stop }
    }

    /// Queues one datagram to `host:port` (host names are resolved for this family).
    pub fn send_to(&self, host: String, port: u16, bytes: Bytes) {
        let _ = self.sends.send(Send { host, port, bytes });
    }

    /// Closes the socket; `Closed` is reported.
    pub fn close(&self) {
        self.stop.notify_one();
    }
}

async fn bind(host: &str, port: u16, family: UdpFamily) -> Result<UdpSocket, IpcError> {
    let address = format!("{host}:{port}");
    let addr = match resolve(host, port, None).await {
        Ok(addrs) => addrs
            .iter()
            .copied()
            .find(|a| a.is_ipv4() == (family == UdpFamily::V4))
            .or_else(|| addrs.first().copied()),
        Err(e) => return Err(e),
    };
    let Some(addr) = addr else {
        return Err(IpcError::NotFound { host: host.into() });
    };
    if addr.is_ipv4() != (family == UdpFamily::V4) {
        // Node's dgram: a udp6 socket cannot bind an IPv4 address (and vice versa).
        return Err(IpcError::io(
            "bind",
            address,
            std::io::Error::from(std::io::ErrorKind::InvalidInput),
        ));
    }
    UdpSocket::bind(addr)
        .await
        .map_err(|e| IpcError::io("bind", address, e))
}

async fn run(
    host: String,
    port: u16,
    family: UdpFamily,
    sink: Arc<dyn EventSink>,
    mut sends: mpsc::UnboundedReceiver<Send>,
    stop: Arc<Notify>,
) {
    let socket = match bind(&host, port, family).await {
        Ok(s) => Arc::new(s),
        Err(e) => {
            sink.send(Event::ListenFailed(e));
            return;
        }
    };
    sink.send(Event::Listening);
    let sender = {
        let socket = Arc::clone(&socket);
        let sink = Arc::clone(&sink);
        tokio::spawn(async move {
            while let Some(send) = sends.recv().await {
                let result = match resolve(&send.host, send.port, Some(family.number())).await {
                    Ok(addrs) => socket
                        .send_to(&send.bytes, addrs[0])
                        .await
                        .map(|_| ())
                        .map_err(|e| {
                            IpcError::io("send", format!("{}:{}", send.host, send.port), e)
                        }),
                    Err(e) => Err(e),
                };
                if let Err(error) = result {
                    sink.send(Event::Error { conn: 0, error });
                }
            }
        })
    };
    let flow = Flow::new(DEFAULT_HIGH_WATER);
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let received: std::io::Result<(usize, SocketAddr)> = tokio::select! {
            biased;
            _ = stop.notified() => break,
            r = socket.recv_from(&mut buf) => r,
        };
        match received {
            Ok((n, from)) => {
                let bytes = Bytes::copy_from_slice(&buf[..n]);
                let credit = flow.take(n.max(1));
                sink.send(Event::Datagram {
                    from,
                    bytes,
                    credit,
                });
                tokio::select! {
                    biased;
                    _ = stop.notified() => break,
                    _ = flow.ready() => {}
                }
            }
            // ICMP port-unreachable from an earlier send and the like: not fatal.
            Err(error) => sink.send(Event::Error {
                conn: 0,
                error: IpcError::io("recvmsg", "", error),
            }),
        }
    }
    sender.abort();
    sink.send(Event::Closed {
        conn: 0,
        had_error: false,
    });
}
