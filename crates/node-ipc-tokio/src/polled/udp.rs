//! The UDP half of [`crate::polled`]: a bound socket whose receiving the owner drives.

use std::collections::VecDeque;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;

use crate::error::IpcError;
use crate::event::{Event, EventSink};
use crate::flow::SendLimits;
use crate::transport::resolve;
use crate::udp::{bind, Send, UdpFamily, MAX_DATAGRAM};

/// Binds `host:port` as [`UdpEndpoint::bind`](crate::udp::UdpEndpoint::bind) does, for an owner that drives the socket
/// itself ([`PolledUdp`]): the socket is returned non-blocking, outside tokio.
pub async fn bind_plain(
    host: &str,
    port: u16,
    family: UdpFamily,
) -> Result<std::net::UdpSocket, IpcError> {
    let socket = bind(host, port, family).await?;
    let failed = |e| IpcError::io("bind", format!("{host}:{port}"), e);
    let socket = socket.into_std().map_err(failed)?;
    socket.set_nonblocking(true).map_err(failed)?;
    Ok(socket)
}

/// Sends waiting for name resolution or for room in the socket buffer.
#[derive(Debug, Default)]
struct SendQueue {
    sends: VecDeque<Send>,
    /// Bytes in `sends`.
    queued: usize,
    /// A task owns sending until the queue is empty.
    draining: bool,
}

/// A bound UDP socket whose receiving is driven by its owner's event loop (the Node
/// binding polls it on the JavaScript thread). A send to an IP address goes straight to
/// the kernel from the caller's thread; sends to host names, and sends the kernel
/// refuses for now, go through a task on a tokio runtime, in order. Failed sends are
/// reported to the sink as `Error { conn: 0 }`.
pub struct PolledUdp {
    socket: Arc<std::net::UdpSocket>,
    family: UdpFamily,
    queue: Arc<Mutex<SendQueue>>,
    sink: Arc<dyn EventSink>,
    runtime: tokio::runtime::Handle,
    limits: SendLimits,
    buf: Box<[u8]>,
}

impl std::fmt::Debug for PolledUdp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolledUdp")
            .field("socket", &self.socket)
            .field("family", &self.family)
            .finish_non_exhaustive()
    }
}

fn lock(queue: &Mutex<SendQueue>) -> MutexGuard<'_, SendQueue> {
    // Every critical section leaves the queue consistent: a poisoned lock is still sound.
    queue.lock().unwrap_or_else(|p| p.into_inner())
}

impl PolledUdp {
    /// Wraps a bound, non-blocking socket (see [`bind_plain`]); at most
    /// `limits.max_queued_bytes` of datagrams wait to be sent at any time.
    pub fn new(
        socket: std::net::UdpSocket,
        family: UdpFamily,
        limits: SendLimits,
        sink: Arc<dyn EventSink>,
        runtime: tokio::runtime::Handle,
    ) -> PolledUdp {
        PolledUdp {
            socket: Arc::new(socket),
            family,
            queue: Arc::new(Mutex::new(SendQueue::default())),
            sink,
            runtime,
            limits,
            buf: vec![0u8; MAX_DATAGRAM].into_boxed_slice(),
        }
    }

    /// The descriptor, for registering with an event loop.
    #[cfg(unix)]
    pub fn raw_fd(&self) -> std::os::unix::io::RawFd {
        std::os::unix::io::AsRawFd::as_raw_fd(&*self.socket)
    }

    /// The address the socket is bound to.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.socket.local_addr().ok()
    }

    /// The next waiting datagram and its sender, if any.
    pub fn receive(&mut self) -> Option<Result<(SocketAddr, Bytes), IpcError>> {
        loop {
            return match self.socket.recv_from(&mut self.buf) {
                Ok((n, from)) => Some(Ok((from, Bytes::copy_from_slice(&self.buf[..n])))),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => None,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => Some(Err(IpcError::io("recvmsg", "", e))),
            };
        }
    }

    /// Sends one datagram to `host:port`, after the sends still queued. A datagram that
    /// would make the queue pass its limit is dropped and reported as
    /// [`IpcError::DatagramQueueFull`].
    pub fn send_to(&self, host: String, port: u16, bytes: Bytes) {
        let mut queue = lock(&self.queue);
        if queue.draining && self.limits.refuses(queue.queued, bytes.len()) {
            let error = IpcError::DatagramQueueFull {
                queued: queue.queued + bytes.len(),
                limit: self.limits.max_queued_bytes,
            };
            drop(queue);
            return self.sink.send(Event::Error { conn: 0, error });
        }
        if !queue.draining {
            if let Some(addr) = ip_literal(&host, port, self.family) {
                match self.socket.send_to(&bytes, addr) {
                    Ok(_) => return,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) => {
                        let error = IpcError::io("send", format!("{host}:{port}"), e);
                        return self.sink.send(Event::Error { conn: 0, error });
                    }
                }
            }
            queue.draining = true;
            self.runtime.spawn(drain(
                Arc::clone(&self.socket),
                Arc::clone(&self.queue),
                self.family,
                Arc::clone(&self.sink),
            ));
        }
        queue.queued += bytes.len();
        queue.sends.push_back(Send { host, port, bytes });
    }
}

/// `host` as an address of `family`, when it is an IP literal (no lookup needed).
fn ip_literal(host: &str, port: u16, family: UdpFamily) -> Option<SocketAddr> {
    let ip: IpAddr = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()?;
    (ip.is_ipv4() == (family == UdpFamily::V4)).then_some(SocketAddr::new(ip, port))
}

/// Sends the queue in order (resolving host names), waiting for room when the kernel
/// refuses; hands sending back to the caller's thread once the queue is empty.
async fn drain(
    socket: Arc<std::net::UdpSocket>,
    queue: Arc<Mutex<SendQueue>>,
    family: UdpFamily,
    sink: Arc<dyn EventSink>,
) {
    let mut writable = crate::socket::Writability::new(&socket);
    loop {
        let send = {
            let mut q = lock(&queue);
            match q.sends.pop_front() {
                Some(send) => {
                    q.queued -= send.bytes.len();
                    send
                }
                None => {
                    q.draining = false;
                    return;
                }
            }
        };
        let target = format!("{}:{}", send.host, send.port);
        let result = match resolve(&send.host, send.port, Some(family.number())).await {
            Ok(addrs) => loop {
                match socket.send_to(&send.bytes, addrs[0]) {
                    Ok(_) => break Ok(()),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        let waited = match writable.as_mut() {
                            Ok(w) => w.wait().await,
                            Err(e) => Err(io::Error::new(e.kind(), e.to_string())),
                        };
                        if let Err(e) = waited {
                            break Err(IpcError::io("send", target.clone(), e));
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => break Err(IpcError::io("send", target.clone(), e)),
                }
            },
            Err(e) => Err(e),
        };
        if let Err(error) = result {
            sink.send(Event::Error { conn: 0, error });
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::event::ChannelSink;
    use std::time::Duration;

    #[test]
    fn ip_literals_of_the_family_skip_the_lookup() {
        let v4 = ip_literal("127.0.0.1", 8000, UdpFamily::V4);
        assert_eq!(v4, Some("127.0.0.1:8000".parse().unwrap()));
        let v6 = ip_literal("[::1]", 8000, UdpFamily::V6);
        assert_eq!(v6, Some("[::1]:8000".parse().unwrap()));
        assert_eq!(ip_literal("::1", 1, UdpFamily::V4), None, "wrong family");
        assert_eq!(ip_literal("localhost", 1, UdpFamily::V4), None, "a name");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn polled_udp_sends_directly_and_through_the_queue_in_order() {
        let (sink, mut events) = ChannelSink::new();
        let a = bind_plain("127.0.0.1", 0, UdpFamily::V4).await.unwrap();
        let b = bind_plain("127.0.0.1", 0, UdpFamily::V4).await.unwrap();
        let b_port = b.local_addr().unwrap().port();
        let a = PolledUdp::new(
            a,
            UdpFamily::V4,
            SendLimits::default(),
            Arc::new(sink),
            tokio::runtime::Handle::current(),
        );
        let mut b = PolledUdp::new(
            b,
            UdpFamily::V4,
            SendLimits::default(),
            Arc::new(ChannelSink::new().0),
            tokio::runtime::Handle::current(),
        );
        // A name goes through the queue; the literal after it must wait its turn.
        a.send_to("localhost".into(), b_port, Bytes::from_static(b"first"));
        a.send_to("127.0.0.1".into(), b_port, Bytes::from_static(b"second"));
        let mut got = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while got.len() < 2 {
            match b.receive() {
                Some(Ok((from, bytes))) => {
                    assert_eq!(from.ip().to_string(), "127.0.0.1");
                    got.push(bytes);
                }
                Some(Err(e)) => panic!("{e:?}"),
                None => tokio::time::sleep(Duration::from_millis(1)).await,
            }
            assert!(tokio::time::Instant::now() < deadline, "datagrams in time");
        }
        assert_eq!(
            got,
            vec![Bytes::from_static(b"first"), Bytes::from_static(b"second")]
        );
        // A send that cannot be made is an error event, not a panic.
        a.send_to("no-such-host.invalid".into(), 9, Bytes::from_static(b"x"));
        match tokio::time::timeout(Duration::from_secs(10), events.recv()).await {
            Ok(Some(Event::Error { conn: 0, error })) => {
                assert_eq!(error.code(), Some("ENOTFOUND"))
            }
            other => panic!("expected an error event, got {other:?}"),
        }
    }
}
