//! The stream half of [`crate::polled`]: a plain Unix or TCP connection whose reads the
//! owner drives, framed as node-ipc frames it.

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::net::Shutdown;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use bytes::Bytes;

use crate::codec::{read_scratch, FrameDecoder, Framing};
use crate::error::IpcError;
use crate::flow::{SendLimits, Sent, LINGER};
use crate::socket::{PlainSocket, Writability};

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

/// How many queued chunks one `sendmsg` carries (Linux's `IOV_MAX`).
const MAX_IOV: usize = 1024;

/// The sending side, shared with the drain task while one runs.
#[derive(Default)]
struct Writes {
    queue: VecDeque<Bytes>,
    queued: usize,
    /// A drain task owns the sending (the queue is not empty, or it is finishing).
    draining: bool,
    end_requested: bool,
    write_closed: bool,
    /// The connection was closed: the drain task finishes by this instant or gives up.
    deadline: Option<tokio::time::Instant>,
    /// The first write failure, reported by the next [`PolledConnection::read`].
    error: Option<IpcError>,
    /// Whatever [`PolledConnection::close_keeping`] asked to hold until the drain ends.
    keep: Option<Box<dyn std::any::Any + Send>>,
    limits: SendLimits,
    /// Called by the drain task when it emptied the queue (see
    /// [`PolledConnection::on_drained`]).
    on_drained: Option<Arc<dyn Fn() + Send + Sync>>,
    /// The connection was aborted: the drain task stops at once.
    aborted: bool,
}

impl std::fmt::Debug for Writes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writes")
            .field("queued", &self.queued)
            .field("draining", &self.draining)
            .field("end_requested", &self.end_requested)
            .finish_non_exhaustive()
    }
}

/// One connection, framed as node-ipc frames it. Reading is driven by its owner's
/// readiness events; sending goes straight to the kernel from the caller's thread while
/// the kernel takes it, and what it refuses is sent by a task on a tokio runtime (so a
/// sender that does not yield still keeps the pipe full, and the owner never needs to
/// watch for writability).
#[derive(Debug)]
pub struct PolledConnection {
    socket: Arc<PlainSocket>,
    decoder: Option<FrameDecoder>,
    writes: Arc<Mutex<Writes>>,
    /// Wakes the drain task when the connection closes (to apply the deadline).
    closed: Arc<Notify>,
    runtime: tokio::runtime::Handle,
}

impl PolledConnection {
    /// Wraps a connected socket; queued bytes (at most as `limits` allow) are sent by
    /// tasks on `runtime`.
    pub fn new(
        socket: PlainSocket,
        framing: &Framing,
        limits: SendLimits,
        runtime: tokio::runtime::Handle,
    ) -> PolledConnection {
        let decoder = framing.decoder();
        PolledConnection {
            socket: Arc::new(socket),
            decoder,
            writes: Arc::new(Mutex::new(Writes {
                limits,
                ..Writes::default()
            })),
            closed: Arc::new(Notify::new()),
            runtime,
        }
    }

    /// The socket.
    pub fn socket(&self) -> &PlainSocket {
        &self.socket
    }

    fn writes(&self) -> MutexGuard<'_, Writes> {
        lock(&self.writes)
    }

    /// Reads what the socket has, one read buffer's worth at most (64 KiB, so one
    /// busy peer cannot hold the event loop and one delivery stays small; the rest waits
    /// for the next readiness), and frames it. Frames received before a failure are still
    /// returned. A failed send ends reading too, with the send's error.
    pub fn read(&mut self) -> ReadOutcome {
        // The read lands in the thread's buffer; the decoder keeps only an incomplete frame.
        let (received, mut end) = read_scratch(|buf| loop {
            let n = match self.socket.recv(buf) {
                Ok(0) => return (None, Some(ReadEnd::Eof)),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return (None, None),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return (None, Some(ReadEnd::Failed(IpcError::io("read", "", e)))),
            };
            let Some(decoder) = self.decoder.as_mut() else {
                return (Some(Received::Raw(Bytes::copy_from_slice(&buf[..n]))), None);
            };
            return match decoder.push(&buf[..n]) {
                Ok(run) => (
                    run.map(|run| Received::Frames {
                        run,
                        partial: decoder.pending_len() > 0,
                    }),
                    decoder.overflow().map(ReadEnd::Failed),
                ),
                Err(e) => (None, Some(ReadEnd::Failed(e))),
            };
        });
        if let Some(error) = self.writes().error.take() {
            end = Some(ReadEnd::Failed(error));
        }
        ReadOutcome { received, end }
    }

    /// Sends `bytes` after everything queued: straight to the kernel when nothing is
    /// queued; what the kernel does not take is queued and sent by a task. Bytes written
    /// after [`PolledConnection::end`] are dropped. [`IpcError::QueueLimit`] when the
    /// queue would pass its limit: nothing is queued then, and the owner should
    /// [`PolledConnection::abort`] the connection.
    pub fn write(&mut self, mut bytes: Bytes) -> Result<Sent, IpcError> {
        let mut w = lock(&self.writes);
        if let Some(error) = w.error.take() {
            return Err(error);
        }
        if w.end_requested {
            return Ok(Sent::Dropped);
        }
        if bytes.is_empty() {
            return Ok(if w.draining {
                Sent::Queued
            } else {
                Sent::Written
            });
        }
        if w.draining && w.limits.refuses(w.queued, bytes.len()) {
            return Err(IpcError::QueueLimit {
                queued: w.queued + bytes.len(),
                limit: w.limits.max_queued_bytes,
            });
        }
        if !w.draining {
            match self.socket.sock().send(&bytes) {
                Ok(n) if n == bytes.len() => return Ok(Sent::Written),
                Ok(n) => bytes = bytes.slice(n..),
                Err(e)
                    if e.kind() == io::ErrorKind::WouldBlock
                        || e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(IpcError::io("write", "", e)),
            }
            w.draining = true;
            self.runtime.spawn(drain(
                Arc::clone(&self.socket),
                Arc::clone(&self.writes),
                Arc::clone(&self.closed),
            ));
        }
        w.queued += bytes.len();
        w.queue.push_back(bytes);
        Ok(Sent::Queued)
    }

    /// Calls `notify` (on a tokio thread) whenever a queue that formed has been sent
    /// completely, while the connection is open: after a write returned
    /// [`Sent::Queued`], a sender that paused may go on.
    pub fn on_drained(&mut self, notify: impl Fn() + Send + Sync + 'static) {
        lock(&self.writes).on_drained = Some(Arc::new(notify));
    }

    /// Closes now, dropping whatever is queued (for a peer that does not read, past the
    /// queue limit).
    pub fn abort(self) {
        let mut w = lock(&self.writes);
        w.queue.clear();
        w.queued = 0;
        w.end_requested = true;
        w.aborted = true;
        drop(w);
        self.closed.notify_one();
    }

    /// Half-closes once everything queued is sent (the peer sees end of stream); reading
    /// goes on.
    pub fn end(&mut self) {
        let mut w = lock(&self.writes);
        w.end_requested = true;
        if !w.draining && !w.write_closed {
            w.write_closed = true;
            let _ = self.socket.sock().shutdown(Shutdown::Write);
        }
    }

    /// Bytes queued and not yet handed to the kernel.
    pub fn queued_bytes(&self) -> usize {
        self.writes().queued
    }

    /// Closes the connection. Bytes still queued are sent first (for at most ten
    /// seconds), so a close loses nothing that was sent before it; the socket closes
    /// after them.
    pub fn close(self) {
        self.close_keeping(());
    }

    /// [`PolledConnection::close`], holding `keep` until the queued bytes are sent (the
    /// Node binding keeps its event function, and so the process, alive meanwhile).
    pub fn close_keeping<K: Send + 'static>(self, keep: K) {
        let mut w = lock(&self.writes);
        if w.draining {
            w.end_requested = true;
            w.deadline = Some(tokio::time::Instant::now() + LINGER);
            w.keep = Some(Box::new(keep));
            drop(w);
            self.closed.notify_one();
        }
    }
}

fn lock(writes: &Mutex<Writes>) -> MutexGuard<'_, Writes> {
    // Every critical section leaves the state consistent: a poisoned lock is still sound.
    writes.lock().unwrap_or_else(|p| p.into_inner())
}

/// What the drain task does after one round of sending.
enum Drained {
    /// The kernel is full: wait until it takes more.
    Wait,
    /// Nothing is left (or sending failed): the task ends.
    Done,
}

/// Sends what `writes` holds until it is empty, waiting for writability in between;
/// then hands sending back to the owner's thread (or half-closes, if ended).
async fn drain(socket: Arc<PlainSocket>, writes: Arc<Mutex<Writes>>, closed: Arc<Notify>) {
    let mut writable = match Writability::new(&socket) {
        Ok(w) => Some(w),
        Err(e) => {
            fail(&socket, &writes, e);
            None
        }
    };
    while let Some(w) = writable.as_mut() {
        match send_queued(&socket, &writes) {
            Drained::Done => break,
            Drained::Wait => {}
        }
        let (deadline, aborted) = {
            let state = lock(&writes);
            (state.deadline, state.aborted)
        };
        if aborted {
            break;
        }
        let waited = match deadline {
            None => tokio::select! {
                r = w.wait() => r,
                _ = closed.notified() => Ok(()),
            },
            Some(at) => match tokio::time::timeout_at(at, w.wait()).await {
                Ok(r) => r,
                Err(_) => {
                    // The peer did not take the rest in time: give up on it.
                    let mut state = lock(&writes);
                    state.queue.clear();
                    state.queued = 0;
                    state.draining = false;
                    break;
                }
            },
        };
        if let Err(e) = waited {
            fail(&socket, &writes, e);
            break;
        }
    }
    let (keep, notify) = {
        let mut state = lock(&writes);
        let open = state.deadline.is_none() && !state.aborted && state.error.is_none();
        let notify = (open && !state.draining).then(|| state.on_drained.clone());
        (state.keep.take(), notify.flatten())
    };
    drop(writable);
    drop(keep);
    if let Some(notify) = notify {
        notify();
    }
}

/// Sends queued bytes until the kernel refuses more or the queue is empty.
fn send_queued(socket: &PlainSocket, writes: &Mutex<Writes>) -> Drained {
    let mut w = lock(writes);
    if w.aborted {
        w.draining = false;
        return Drained::Done;
    }
    while !w.queue.is_empty() {
        let slices: Vec<IoSlice<'_>> = w
            .queue
            .iter()
            .take(MAX_IOV)
            .map(|b| IoSlice::new(b))
            .collect();
        let mut sent = match socket.sock().send_vectored(&slices) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Drained::Wait,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                drop(w);
                fail(socket, writes, e);
                return Drained::Done;
            }
        };
        w.queued -= sent;
        while sent > 0 {
            let Some(front) = w.queue.front_mut() else {
                break;
            };
            if sent >= front.len() {
                sent -= front.len();
                w.queue.pop_front();
            } else {
                *front = front.slice(sent..);
                sent = 0;
            }
        }
    }
    w.draining = false;
    if w.end_requested && !w.write_closed {
        w.write_closed = true;
        let _ = socket.sock().shutdown(Shutdown::Write);
    }
    Drained::Done
}

/// Records a send failure and wakes the reader: shutting the read side makes the socket
/// readable, and the next read reports the failure.
fn fail(socket: &PlainSocket, writes: &Mutex<Writes>, e: io::Error) {
    let mut w = lock(writes);
    w.queue.clear();
    w.queued = 0;
    w.draining = false;
    w.error.get_or_insert(IpcError::io("write", "", e));
    drop(w);
    let _ = socket.sock().shutdown(Shutdown::Read);
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::codec::READ_CHUNK;
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    use std::time::Duration;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    }

    fn pair(framing: &Framing, rt: &tokio::runtime::Runtime) -> (PolledConnection, UnixStream) {
        let (a, b) = UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        let conn = PolledConnection::new(
            PlainSocket::Unix(a),
            framing,
            SendLimits::default(),
            rt.handle().clone(),
        );
        (conn, b)
    }

    fn frames(outcome: &ReadOutcome) -> (&[u8], bool) {
        match &outcome.received {
            Some(Received::Frames { run, partial }) => (run, *partial),
            other => panic!("expected frames, got {other:?}"),
        }
    }

    /// Writes 64 KiB chunks of 7s until some are queued; returns how many bytes.
    fn fill(conn: &mut PolledConnection) -> usize {
        let chunk = Bytes::from(vec![7u8; 64 * 1024]);
        let mut written = 0usize;
        while conn.queued_bytes() == 0 {
            conn.write(chunk.clone()).unwrap();
            written += chunk.len();
        }
        written
    }

    fn read_all(mut peer: UnixStream) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut all = Vec::new();
            peer.read_to_end(&mut all).unwrap();
            all
        })
    }

    #[test]
    fn reads_complete_frames_and_keeps_the_rest() {
        let rt = runtime();
        let (mut conn, mut peer) = pair(&Framing::default(), &rt);
        assert!(conn.read().received.is_none(), "nothing sent yet");
        peer.write_all(b"{\"type\":\"a\"}\x0c{\"type\":\"b\"}\x0c{\"ty")
            .unwrap();
        let out = conn.read();
        assert_eq!(
            frames(&out),
            (&b"{\"type\":\"a\"}\x0c{\"type\":\"b\"}\x0c"[..], true)
        );
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
    fn reads_at_most_a_budget_per_call_in_whole_frames() {
        let rt = runtime();
        let (mut conn, peer) = pair(&Framing::default(), &rt);
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
                // One read, plus the part of a frame the reads before it left.
                assert!(run.len() <= READ_CHUNK + READ_CHUNK);
                assert_eq!(run.len() % 1000, 0, "only whole frames");
                assert!(run
                    .chunks(1000)
                    .all(|f| f[999] == 0x0c && f[..999].iter().all(|&b| b == b'x')));
                seen += run.len();
            }
            assert!(out.end.is_none());
        }
        writer.join().unwrap();
        assert_eq!(seen, 1_000_000);
    }

    #[test]
    fn an_oversize_frame_fails_after_the_frames_before_it() {
        let rt = runtime();
        let framing = Framing::Delimited {
            delimiter: b"\x0c".to_vec(),
            max_message_size: 10,
        };
        let (mut conn, mut peer) = pair(&framing, &rt);
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
        let rt = runtime();
        let (mut conn, mut peer) = pair(&Framing::Raw, &rt);
        peer.write_all(b"\x00\x01\x0c\xff").unwrap();
        match conn.read().received {
            Some(Received::Raw(bytes)) => assert_eq!(&bytes[..], b"\x00\x01\x0c\xff"),
            other => panic!("expected raw bytes, got {other:?}"),
        }
    }

    #[test]
    fn what_the_kernel_refuses_is_sent_in_order_by_the_drain_then_end() {
        let rt = runtime();
        let (mut conn, peer) = pair(&Framing::default(), &rt);
        let mut written = fill(&mut conn);
        // Written while the drain owns sending: queued behind it, not sent directly.
        conn.write(Bytes::from_static(b"end")).unwrap();
        written += 3;
        conn.end();
        let all = read_all(peer).join().unwrap();
        assert_eq!(all.len(), written, "every byte, then end of stream");
        assert!(all[..written - 3].iter().all(|&b| b == 7));
        assert_eq!(&all[written - 3..], b"end");
        assert_eq!(conn.queued_bytes(), 0);
    }

    #[test]
    fn sending_returns_to_the_callers_thread_once_drained() {
        let rt = runtime();
        let (mut conn, peer) = pair(&Framing::default(), &rt);
        let mut expected = fill(&mut conn);
        let reader = read_all(peer);
        while conn.queued_bytes() > 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        conn.write(Bytes::from_static(b"direct")).unwrap();
        expected += 6;
        assert_eq!(conn.queued_bytes(), 0, "taken by the kernel at once");
        conn.end();
        let all = reader.join().unwrap();
        assert_eq!(all.len(), expected);
        assert_eq!(&all[expected - 6..], b"direct");
    }

    #[test]
    fn writes_after_end_are_dropped() {
        let rt = runtime();
        let (mut conn, mut peer) = pair(&Framing::default(), &rt);
        conn.write(Bytes::from_static(b"a")).unwrap();
        conn.end();
        conn.write(Bytes::from_static(b"b")).unwrap();
        let mut all = Vec::new();
        peer.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"a");
    }

    #[test]
    fn a_write_to_a_closed_peer_is_an_error() {
        let rt = runtime();
        let (mut conn, peer) = pair(&Framing::default(), &rt);
        drop(peer);
        let err = conn.write(Bytes::from_static(b"x")).unwrap_err();
        assert_eq!(err.code(), Some("EPIPE"));
    }

    #[test]
    fn a_failed_drain_is_reported_by_the_next_read() {
        let rt = runtime();
        let (mut conn, peer) = pair(&Framing::default(), &rt);
        fill(&mut conn);
        drop(peer);
        let end = loop {
            let out = conn.read();
            if let Some(end) = out.end {
                break end;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        // The read side may see end of stream first; the send failure wins.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        let mut end = end;
        while matches!(end, ReadEnd::Eof) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
            if let Some(e) = conn.read().end {
                end = e;
            }
        }
        match end {
            ReadEnd::Failed(e) => assert!(
                matches!(e.code(), Some("EPIPE") | Some("ECONNRESET")),
                "{e:?}"
            ),
            ReadEnd::Eof => panic!("the send failure was not reported"),
        }
        // The drain task drops the queue once its own send fails.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while conn.queued_bytes() > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(conn.queued_bytes(), 0, "the queue is dropped with the peer");
    }

    #[test]
    fn a_write_past_the_queue_limit_is_refused_and_abort_drops_the_queue() {
        let rt = runtime();
        let (a, peer) = UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        let limits = SendLimits {
            high_water: 1,
            max_queued_bytes: 256 * 1024,
        };
        let mut conn = PolledConnection::new(
            PlainSocket::Unix(a),
            &Framing::default(),
            limits,
            rt.handle().clone(),
        );
        let chunk = Bytes::from(vec![7u8; 64 * 1024]);
        let refused = loop {
            match conn.write(chunk.clone()) {
                Ok(Sent::Written | Sent::Queued) => {
                    assert!(conn.queued_bytes() <= limits.max_queued_bytes)
                }
                Ok(Sent::Dropped) => panic!("dropped"),
                Err(e) => break e,
            }
        };
        assert!(matches!(refused, IpcError::QueueLimit { queued, limit }
            if limit == 256 * 1024 && queued > limit));
        let queued = conn.queued_bytes();
        assert!(queued > 0 && queued <= limits.max_queued_bytes);
        conn.abort();
        // The socket closes at once: the peer reads what the kernel held, then the end.
        let all = read_all(peer).join().unwrap();
        assert!(all.iter().all(|&b| b == 7));
    }

    #[test]
    fn on_drained_is_called_once_a_queue_that_formed_is_sent() {
        let rt = runtime();
        let (mut conn, peer) = pair(&Framing::default(), &rt);
        let (tx, rx) = std::sync::mpsc::channel();
        conn.on_drained(move || tx.send(()).unwrap());
        fill(&mut conn);
        assert_eq!(
            conn.write(Bytes::from_static(b"x")).unwrap(),
            Sent::Queued,
            "behind the queue"
        );
        let reader = read_all(peer);
        rx.recv_timeout(Duration::from_secs(5))
            .expect("drained once the peer reads");
        assert_eq!(conn.queued_bytes(), 0);
        assert_eq!(conn.write(Bytes::from_static(b"y")).unwrap(), Sent::Written);
        assert!(rx.recv_timeout(Duration::from_millis(100)).is_err(), "once");
        conn.end();
        reader.join().unwrap();
    }

    #[test]
    fn close_sends_the_queue_before_closing_the_socket() {
        let rt = runtime();
        let (mut conn, peer) = pair(&Framing::default(), &rt);
        let written = fill(&mut conn);
        conn.close();
        let all = read_all(peer).join().unwrap();
        assert_eq!(all.len(), written);
    }
}
