//! A connection driven by readiness reported from outside, with no task and no thread of
//! its own: the owner calls [`PolledConnection::read`] when the socket is readable and
//! [`PolledConnection::flush`] when it is writable.
//!
//! The Node binding drives plain Unix and TCP connections this way from libuv's poll on
//! the JavaScript thread: a received message then wakes one thread (the JavaScript
//! thread), as Node's own sockets do, instead of a tokio worker that hands it over
//! through a thread-safe function. TLS stays on the tokio path ([`crate::connection`]).

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::net::Shutdown;

use bytes::{Bytes, BytesMut};

use crate::codec::{FrameDecoder, READ_CHUNK};
use crate::connection::{Framing, LINGER};
use crate::error::IpcError;

/// A connected plain (not TLS) stream socket in non-blocking mode, owned outside tokio.
#[derive(Debug)]
pub enum PlainSocket {
    /// A Unix domain socket.
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixStream),
    /// A TCP socket (`TCP_NODELAY` set, as node-ipc's sockets have no Nagle delay
    /// worth keeping for request/response traffic).
    Tcp(std::net::TcpStream),
}

impl PlainSocket {
    /// Takes a Unix stream out of tokio's reactor.
    #[cfg(unix)]
    pub(crate) fn from_unix(stream: tokio::net::UnixStream) -> io::Result<PlainSocket> {
        let std = stream.into_std()?;
        std.set_nonblocking(true)?;
        Ok(PlainSocket::Unix(std))
    }

    /// Takes a TCP stream out of tokio's reactor.
    pub(crate) fn from_tcp(stream: tokio::net::TcpStream) -> io::Result<PlainSocket> {
        let _ = stream.set_nodelay(true);
        let std = stream.into_std()?;
        std.set_nonblocking(true)?;
        Ok(PlainSocket::Tcp(std))
    }

    fn sock(&self) -> socket2::SockRef<'_> {
        match self {
            #[cfg(unix)]
            PlainSocket::Unix(s) => socket2::SockRef::from(s),
            PlainSocket::Tcp(s) => socket2::SockRef::from(s),
        }
    }

    /// The descriptor, for registering with an event loop.
    #[cfg(unix)]
    pub fn raw_fd(&self) -> std::os::unix::io::RawFd {
        use std::os::unix::io::AsRawFd;
        match self {
            PlainSocket::Unix(s) => s.as_raw_fd(),
            PlainSocket::Tcp(s) => s.as_raw_fd(),
        }
    }

    /// Appends what one `recv` returns to the spare capacity of `buf`.
    fn recv_into(&self, buf: &mut BytesMut) -> io::Result<usize> {
        let n = self.sock().recv(buf.spare_capacity_mut())?;
        // SAFETY: `recv` initialised the first `n` bytes of the spare capacity.
        unsafe { buf.set_len(buf.len() + n) };
        Ok(n)
    }
}

/// What one call to [`PolledConnection::read`] received.
#[derive(Debug)]
pub enum Received {
    /// Complete frames, delimiters included; `partial` tells whether bytes of a further,
    /// incomplete frame are buffered.
    Frames {
        /// The frames.
        run: Bytes,
        /// Whether an incomplete frame is buffered.
        partial: bool,
    },
    /// Raw bytes (raw framing).
    Raw(Bytes),
}

/// Why reading stopped for good.
#[derive(Debug)]
pub enum ReadEnd {
    /// The peer closed its side.
    Eof,
    /// A read failed or the peer sent a frame over the size limit.
    Failed(IpcError),
}

/// The result of [`PolledConnection::read`]: what arrived (delivered first), then
/// whether the connection is finished.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    /// Data to deliver, if any.
    pub received: Option<Received>,
    /// Set when reading is over: nothing more will be received.
    pub end: Option<ReadEnd>,
}

/// How many bytes one [`PolledConnection::read`] takes from the socket at most, so one
/// busy peer cannot hold the event loop.
const READ_BUDGET: usize = 256 * 1024;
/// How many queued chunks one `sendmsg` carries.
const MAX_IOV: usize = 64;

/// One connection, framed as node-ipc frames it, driven by readiness from its owner.
#[derive(Debug)]
pub struct PolledConnection {
    socket: PlainSocket,
    decoder: Option<FrameDecoder>,
    raw: BytesMut,
    queue: VecDeque<Bytes>,
    queued: usize,
    end_requested: bool,
    write_closed: bool,
}

impl PolledConnection {
    /// Wraps a connected socket.
    pub fn new(socket: PlainSocket, framing: &Framing) -> PolledConnection {
        let decoder = match framing {
            Framing::Delimited {
                delimiter,
                max_message_size,
            } => Some(FrameDecoder::new(delimiter, *max_message_size)),
            Framing::Raw => None,
        };
        PolledConnection {
            socket,
            decoder,
            raw: BytesMut::new(),
            queue: VecDeque::new(),
            queued: 0,
            end_requested: false,
            write_closed: false,
        }
    }

    /// The socket.
    pub fn socket(&self) -> &PlainSocket {
        &self.socket
    }

    /// Reads what the socket has (up to a budget; the rest waits for the next
    /// readiness) and frames it. Frames received before a failure are still returned.
    pub fn read(&mut self) -> ReadOutcome {
        let mut runs: Vec<Bytes> = Vec::new();
        let mut total = 0usize;
        let mut end = None;
        loop {
            let buf = match self.decoder.as_mut() {
                Some(d) => d.read_buffer(),
                None => {
                    self.raw.reserve(READ_CHUNK);
                    &mut self.raw
                }
            };
            let room = buf.capacity() - buf.len();
            match self.socket.recv_into(buf) {
                Ok(0) => {
                    end = Some(ReadEnd::Eof);
                    break;
                }
                Ok(n) => {
                    total += n;
                    if let Some(d) = self.decoder.as_mut() {
                        match d.decode() {
                            Ok(Some(run)) => runs.push(run),
                            Ok(None) => {}
                            Err(e) => {
                                end = Some(ReadEnd::Failed(e));
                                break;
                            }
                        }
                    }
                    // A short read means the socket is drained for now (as libuv does,
                    // this saves the read that would only say "would block").
                    if n < room || total >= READ_BUDGET {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let error = IpcError::io("read", "", e);
                    end = Some(ReadEnd::Failed(error));
                    break;
                }
            }
        }
        let received = match self.decoder.as_ref() {
            Some(d) => join(runs).map(|run| Received::Frames {
                run,
                partial: d.pending_len() > 0,
            }),
            None if self.raw.is_empty() => None,
            None => Some(Received::Raw(self.raw.split().freeze())),
        };
        ReadOutcome { received, end }
    }

    /// Sends `bytes` after everything queued: straight to the kernel when nothing is
    /// queued; what the kernel does not take is queued for [`PolledConnection::flush`].
    /// Bytes written after [`PolledConnection::end`] are dropped.
    pub fn write(&mut self, mut bytes: Bytes) -> Result<(), IpcError> {
        if self.end_requested || bytes.is_empty() {
            return Ok(());
        }
        if self.queue.is_empty() {
            match self.socket.sock().send(&bytes) {
                Ok(n) if n == bytes.len() => return Ok(()),
                Ok(n) => bytes = bytes.slice(n..),
                Err(e)
                    if e.kind() == io::ErrorKind::WouldBlock
                        || e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(IpcError::io("write", "", e)),
            }
        }
        self.queued += bytes.len();
        self.queue.push_back(bytes);
        Ok(())
    }

    /// Sends what is queued, as far as the kernel takes it; then, if
    /// [`PolledConnection::end`] was called and nothing is left, half-closes.
    pub fn flush(&mut self) -> Result<(), IpcError> {
        while !self.queue.is_empty() {
            let slices: Vec<IoSlice<'_>> = self
                .queue
                .iter()
                .take(MAX_IOV)
                .map(|b| IoSlice::new(b))
                .collect();
            let mut sent = match self.socket.sock().send_vectored(&slices) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(IpcError::io("write", "", e)),
            };
            self.queued -= sent;
            while sent > 0 {
                let Some(front) = self.queue.front_mut() else {
                    break;
                };
                if sent >= front.len() {
                    sent -= front.len();
                    self.queue.pop_front();
                } else {
                    *front = front.slice(sent..);
                    sent = 0;
                }
            }
        }
        self.shut_if_ended();
        Ok(())
    }

    /// Half-closes once everything queued is sent (the peer sees end of stream); reading
    /// goes on.
    pub fn end(&mut self) {
        self.end_requested = true;
        self.shut_if_ended();
    }

    fn shut_if_ended(&mut self) {
        if self.end_requested && self.queue.is_empty() && !self.write_closed {
            self.write_closed = true;
            let _ = self.socket.sock().shutdown(Shutdown::Write);
        }
    }

    /// Whether bytes wait for the socket to become writable.
    pub fn wants_writable(&self) -> bool {
        !self.queue.is_empty()
    }

    /// Bytes queued and not yet handed to the kernel.
    pub fn queued_bytes(&self) -> usize {
        self.queued
    }

    /// Closes the connection. Bytes still queued are sent first by a task on the current
    /// tokio runtime (for at most ten seconds), so a close loses nothing that was sent
    /// before it; without a runtime they are dropped.
    pub fn close(self) {
        if self.queue.is_empty() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(linger(self.socket, self.queue));
        }
    }
}

/// One run from several: most reads complete frames in one run; when a budget spans
/// several reads, their runs are joined (they are adjacent in the stream).
fn join(mut runs: Vec<Bytes>) -> Option<Bytes> {
    match runs.len() {
        0 => None,
        1 => runs.pop(),
        _ => {
            let mut all = BytesMut::with_capacity(runs.iter().map(Bytes::len).sum());
            for run in &runs {
                all.extend_from_slice(run);
            }
            Some(all.freeze())
        }
    }
}

/// Sends `queue`, then closes the socket.
async fn linger(socket: PlainSocket, queue: VecDeque<Bytes>) {
    use tokio::io::AsyncWriteExt;
    async fn send_all<W: tokio::io::AsyncWrite + Unpin>(
        mut w: W,
        queue: VecDeque<Bytes>,
    ) -> io::Result<()> {
        for bytes in queue {
            w.write_all(&bytes).await?;
        }
        w.shutdown().await
    }
    let sent = async {
        match socket {
            #[cfg(unix)]
            PlainSocket::Unix(s) => send_all(tokio::net::UnixStream::from_std(s)?, queue).await,
            PlainSocket::Tcp(s) => send_all(tokio::net::TcpStream::from_std(s)?, queue).await,
        }
    };
    let _ = tokio::time::timeout(LINGER, sent).await;
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;

    fn pair(framing: &Framing) -> (PolledConnection, UnixStream) {
        let (a, b) = UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        (PolledConnection::new(PlainSocket::Unix(a), framing), b)
    }

    fn frames(outcome: &ReadOutcome) -> (&[u8], bool) {
        match &outcome.received {
            Some(Received::Frames { run, partial }) => (run, *partial),
            other => panic!("expected frames, got {other:?}"),
        }
    }

    #[test]
    fn reads_complete_frames_and_keeps_the_rest() {
        let (mut conn, mut peer) = pair(&Framing::default());
        assert!(conn.read().received.is_none(), "nothing sent yet");
        peer.write_all(b"{\"type\":\"a\"}\x0c{\"type\":\"b\"}\x0c{\"ty")
            .unwrap();
        let out = conn.read();
        assert_eq!(frames(&out), (&b"{\"type\":\"a\"}\x0c{\"type\":\"b\"}\x0c"[..], true));
        assert!(out.end.is_none());
        peer.write_all(b"pe\":\"c\"}\x0c").unwrap();
        let out = conn.read();
        assert_eq!(frames(&out), (&b"{\"type\":\"c\"}\x0c"[..], false));
        drop(peer);
        let out = conn.read();
        assert!(out.received.is_none());
        assert!(matches!(out.end, Some(ReadEnd::Eof)));
    }

    #[test]
    fn reads_at_most_a_budget_per_call_and_joins_runs() {
        let (mut conn, peer) = pair(&Framing::default());
        let frame = [vec![b'x'; 999], vec![0x0c]].concat();
        let writer = std::thread::spawn(move || {
            let mut peer = peer;
            for _ in 0..1000 {
                peer.write_all(&frame).unwrap();
            }
        });
        let mut seen = 0usize;
        while seen < 1_000_000 {
            let out = conn.read();
            if let Some(Received::Frames { run, .. }) = out.received {
                assert!(run.len() <= READ_BUDGET + READ_CHUNK);
                assert_eq!(run.len() % 1000, 0, "only whole frames");
                assert!(run.chunks(1000).all(|f| f[999] == 0x0c && f[..999].iter().all(|&b| b == b'x')));
                seen += run.len();
            }
            assert!(out.end.is_none());
        }
        writer.join().unwrap();
        assert_eq!(seen, 1_000_000);
    }

    #[test]
    fn an_oversize_frame_fails_after_the_frames_before_it() {
        let framing = Framing::Delimited {
            delimiter: b"\x0c".to_vec(),
            max_message_size: 10,
        };
        let (mut conn, mut peer) = pair(&framing);
        peer.write_all(b"{\"a\":1}\x0c0123456789ABCDEF").unwrap();
        let out = conn.read();
        assert_eq!(frames(&out).0, b"{\"a\":1}\x0c");
        match out.end {
            Some(ReadEnd::Failed(IpcError::MessageTooLarge { size, limit })) => {
                assert_eq!((size, limit), (16, 10));
            }
            other => panic!("expected a size error, got {other:?}"),
        }
    }

    #[test]
    fn raw_framing_returns_the_bytes_as_read() {
        let (mut conn, mut peer) = pair(&Framing::Raw);
        peer.write_all(b"\x00\x01\x0c\xff").unwrap();
        match conn.read().received {
            Some(Received::Raw(bytes)) => assert_eq!(&bytes[..], b"\x00\x01\x0c\xff"),
            other => panic!("expected raw bytes, got {other:?}"),
        }
    }

    #[test]
    fn writes_queue_what_the_kernel_refuses_and_flush_sends_it_in_order() {
        let (mut conn, mut peer) = pair(&Framing::default());
        let chunk = Bytes::from(vec![7u8; 64 * 1024]);
        let mut written = 0usize;
        while !conn.wants_writable() {
            conn.write(chunk.clone()).unwrap();
            written += chunk.len();
        }
        conn.write(Bytes::from_static(b"end")).unwrap();
        written += 3;
        assert!(conn.queued_bytes() > 0);
        conn.end();
        let reader = std::thread::spawn(move || {
            let mut all = Vec::new();
            peer.read_to_end(&mut all).unwrap();
            all
        });
        while conn.wants_writable() {
            conn.flush().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(conn.queued_bytes(), 0);
        let all = reader.join().unwrap();
        assert_eq!(all.len(), written, "every byte, and EOF after them");
        assert!(all[..written - 3].iter().all(|&b| b == 7));
        assert_eq!(&all[written - 3..], b"end");
    }

    #[test]
    fn writes_after_end_are_dropped() {
        let (mut conn, mut peer) = pair(&Framing::default());
        conn.write(Bytes::from_static(b"a")).unwrap();
        conn.end();
        conn.write(Bytes::from_static(b"b")).unwrap();
        let mut all = Vec::new();
        peer.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"a");
    }

    #[test]
    fn a_write_to_a_closed_peer_is_an_error() {
        let (mut conn, peer) = pair(&Framing::default());
        drop(peer);
        let err = conn.write(Bytes::from_static(b"x")).unwrap_err();
        assert_eq!(err.code(), Some("EPIPE"));
    }

    #[tokio::test]
    async fn close_sends_the_queue_before_closing() {
        let (a, b) = UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        let mut conn = PolledConnection::new(PlainSocket::Unix(a), &Framing::default());
        let chunk = Bytes::from(vec![1u8; 64 * 1024]);
        let mut written = 0;
        while !conn.wants_writable() {
            conn.write(chunk.clone()).unwrap();
            written += chunk.len();
        }
        conn.close();
        let all = tokio::task::spawn_blocking(move || {
            let mut b = b;
            let mut all = Vec::new();
            b.read_to_end(&mut all).unwrap();
            all
        })
        .await
        .unwrap();
        assert_eq!(all.len(), written);
    }
}
