//! UDP endpoints (node-ipc's `serveNet(..., 'udp4' | 'udp6')`): every peer is a bound
//! socket that receives datagrams and sends to `{address, port}` targets.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, Notify};

use crate::error::IpcError;
use crate::event::{Event, EventSink};
use crate::flow::{Flow, SendLimits, DEFAULT_HIGH_WATER};
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
    pub(crate) fn number(self) -> u8 {
        match self {
            UdpFamily::V4 => 4,
            UdpFamily::V6 => 6,
        }
    }
}

/// The largest datagram payload accepted on receive.
pub(crate) const MAX_DATAGRAM: usize = 64 * 1024;

#[derive(Debug)]
pub(crate) struct Send {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) bytes: Bytes,
}

/// A bound UDP socket. Reports `Listening` (or `ListenFailed`), then one `Datagram` per
/// received datagram, `Error { conn: 0 }` for failed sends, and `Closed` after
/// [`UdpEndpoint::close`].
///
/// ```no_run
/// # async fn demo() {
/// use node_ipc_tokio::{event::ChannelSink, udp::{UdpEndpoint, UdpFamily}};
/// let (sink, _events) = ChannelSink::new();
/// let udp = UdpEndpoint::bind("127.0.0.1".into(), 8001, UdpFamily::V4, Default::default(), sink);
/// udp.send_to("localhost".into(), 8000, bytes::Bytes::from_static(b"{\"type\":\"hi\",\"data\":{}}\x0c"));
/// # }
/// ```
pub struct UdpEndpoint {
    sends: mpsc::UnboundedSender<Send>,
    /// Bytes of datagrams not sent yet.
    queued: Arc<std::sync::atomic::AtomicUsize>,
    limits: SendLimits,
    /// The socket's task holds the sink; this weak reference lets `send_to` report a full
    /// queue without keeping the sink (and, for a Node sink, the process) alive once the
    /// socket is closed or failed to bind.
    sink: std::sync::Weak<dyn EventSink>,
    stop: Arc<Notify>,
    /// The bound address, once bound.
    local: Arc<std::sync::Mutex<Option<SocketAddr>>>,
}

impl UdpEndpoint {
    /// Binds `host:port` (on the current tokio runtime). Sends made before the socket is
    /// bound wait for it; at most `limits.max_queued_bytes` of them wait at any time.
    pub fn bind(
        host: String,
        port: u16,
        family: UdpFamily,
        limits: SendLimits,
        sink: impl EventSink,
    ) -> UdpEndpoint {
        let (sends, send_rx) = mpsc::unbounded_channel();
        let stop = Arc::new(Notify::new());
        let sink: Arc<dyn EventSink> = Arc::new(sink);
        let queued = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let local = Arc::new(std::sync::Mutex::new(None));
        tokio::spawn(run(
            (host, port, family),
            Arc::clone(&sink),
            send_rx,
            Arc::clone(&queued),
            Arc::clone(&stop),
            Arc::clone(&local),
        ));
        UdpEndpoint {
            sends,
            queued,
            limits,
            sink: Arc::downgrade(&sink),
            stop,
            local,
        }
    }

    /// The address the socket is bound to (with the port the system chose for port 0),
    /// once `Listening` is reported.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        *self.local.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues one datagram to `host:port` (host names are resolved for this family). A
    /// datagram that would make the queue pass its limit is dropped and reported as
    /// [`IpcError::DatagramQueueFull`].
    pub fn send_to(&self, host: String, port: u16, bytes: Bytes) {
        use std::sync::atomic::Ordering;
        let len = bytes.len();
        let queued = self.queued.load(Ordering::Acquire);
        if self.limits.refuses(queued, len) {
            let error = IpcError::DatagramQueueFull {
                queued: queued + len,
                limit: self.limits.max_queued_bytes,
            };
            if let Some(sink) = self.sink.upgrade() {
                sink.send(Event::Error { conn: 0, error });
            }
            return;
        }
        self.queued.fetch_add(len, Ordering::AcqRel);
        if self.sends.send(Send { host, port, bytes }).is_err() {
            self.queued.fetch_sub(len, Ordering::AcqRel);
        }
    }

    /// Closes the socket; `Closed` is reported.
    pub fn close(&self) {
        self.stop.notify_one();
    }
}

pub(crate) async fn bind(host: &str, port: u16, family: UdpFamily) -> Result<UdpSocket, IpcError> {
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
    (host, port, family): (String, u16, UdpFamily),
    sink: Arc<dyn EventSink>,
    mut sends: mpsc::UnboundedReceiver<Send>,
    queued: Arc<std::sync::atomic::AtomicUsize>,
    stop: Arc<Notify>,
    local: Arc<std::sync::Mutex<Option<SocketAddr>>>,
) {
    let socket = match bind(&host, port, family).await {
        Ok(s) => Arc::new(s),
        Err(e) => {
            sink.send(Event::ListenFailed(e));
            return;
        }
    };
    *local.lock().unwrap_or_else(|p| p.into_inner()) = socket.local_addr().ok();
    sink.send(Event::Listening);
    let sender = {
        let socket = Arc::clone(&socket);
        let sink = Arc::clone(&sink);
        tokio::spawn(async move {
            while let Some(send) = sends.recv().await {
                let len = send.bytes.len();
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
                queued.fetch_sub(len, std::sync::atomic::Ordering::AcqRel);
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
