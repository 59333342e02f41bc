//! One established connection: a reader task that frames incoming bytes and reports them,
//! and a writer task that sends queued bytes in coalesced batches. On sockets (Unix, TCP)
//! [`ConnectionHandle::send_now`] may skip the queue: made while nothing is queued, it
//! goes straight to the kernel from the caller's thread — no task wake-up, no extra copy;
//! only what the kernel does not take at once is queued. Other streams (TLS, pipes)
//! always go through the writer task.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::{Bytes, BytesMut};
use std::task::Poll;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::sync::{mpsc, Notify};

use crate::codec::{read_scratch, Framing};
use crate::error::IpcError;
use crate::event::{ConnId, Event, EventSink};
use crate::flow::{Flow, SendLimits, Sent, DEFAULT_HIGH_WATER, LINGER};
use crate::sockopt::{RawSocket, SocketOption, TcpSettings};

/// What the writer task of a [`ConnectionHandle`] is asked to do, in order.
enum WriteOp {
    /// Bytes to write.
    Data(Bytes),
    /// Flush what is queued, then shut the write side down.
    Finish,
}

/// A socket write half that can be written without blocking from any thread.
pub trait SocketWrite: Send + Sync + 'static {
    /// Writes what the kernel takes now (`WouldBlock` if nothing).
    fn try_write(&self, buf: &[u8]) -> io::Result<usize>;
    /// Resolves when the socket may take more bytes.
    fn writable(&self) -> Pin<Box<dyn Future<Output = io::Result<()>> + Send + '_>>;
    /// Half-closes (the peer sees end of stream).
    fn shutdown(&self);
}

macro_rules! socket_write {
    ($half:ty) => {
        impl SocketWrite for $half {
            fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
                <$half>::try_write(self, buf)
            }
            fn writable(&self) -> Pin<Box<dyn Future<Output = io::Result<()>> + Send + '_>> {
                Box::pin(<$half>::writable(self))
            }
            fn shutdown(&self) {
                let _ = socket2::SockRef::from(self.as_ref()).shutdown(std::net::Shutdown::Write);
            }
        }
    };
}

socket_write!(tokio::net::tcp::OwnedWriteHalf);
#[cfg(unix)]
socket_write!(tokio::net::unix::OwnedWriteHalf);

/// The write side of a connection.
pub enum WriteSide {
    /// A socket: sends may go straight to the kernel.
    Socket(Arc<dyn SocketWrite>),
    /// Any other stream (TLS): written by the writer task only.
    Stream(Box<dyn AsyncWrite + Send + Unpin>),
    /// A stream that cannot be half-closed (Windows named pipes): written by the writer
    /// task only, and ending it closes the whole connection once what was queued is
    /// flushed, as libuv does with pipes on Windows (the peer sees end, then close).
    Pipe(Box<dyn AsyncWrite + Send + Unpin>),
}

/// Who may write next: the sender itself (write-through, straight to the kernel from
/// the sender's thread) or the writer task.
///
/// Invariant: when `busy` is false, nothing is queued and the writer task holds nothing,
/// so a sender may write through without reordering bytes. A sender that finds `busy`
/// false and cannot hand the kernel everything queues the rest and sets `busy`; only the
/// writer task sets it back to false, when its queue is empty (and the connection is not
/// finished).
#[derive(Default)]
struct Gate {
    /// The writer task owns sending: new bytes are queued behind what it holds.
    busy: bool,
    /// The end (or an abort) was queued or a write failed: nothing more is sent, and
    /// `busy` stays true.
    finished: bool,
    /// The socket write-through sends go to: set when the connection starts, dropped
    /// when its writer ends, so the descriptor closes with the connection (not when the
    /// last handle happens to be dropped). `None` for TLS and pipes (writer task only).
    write_through: Option<Arc<dyn SocketWrite>>,
    /// A send left bytes queued: report [`Event::Drained`] when the queue is empty again.
    drain_wanted: bool,
}

/// State shared by a connection's handle and its tasks.
///
/// Who touches what: the handle (any thread) sends, ends and destroys; the reader task
/// reads until EOF, an error, or `stop_reading`; the writer task empties the queue and
/// hands sending back to the handle (`gate.busy = false`) whenever it runs dry; the
/// closer task (started by `attach`) waits for the reader, then finishes the writer.
struct Control {
    /// Wakes the reader to stop (destroy, a failed write, the queue limit).
    stop_reading: Notify,
    /// Wakes a connect in progress to give up (the queue limit passed while connecting).
    cancel: Notify,
    /// `destroy` (or a failure) happened: a pending connection is abandoned on arrival.
    destroyed: AtomicBool,
    /// Close without sending what is queued (the queue limit was passed).
    aborted: AtomicBool,
    /// The error that ended writing, reported by the reader (or by the connect task for
    /// a pending connection).
    writer_error: Mutex<Option<IpcError>>,
    /// Bytes queued and not yet handed to the kernel.
    queued: AtomicUsize,
    /// The high-water mark (senders are told to wait above it) and the hard limit (the
    /// connection is destroyed past it).
    limits: SendLimits,
    /// Woken when the queue shrinks to `limits.high_water` or below, and at the end.
    room: Notify,
    /// Who may write next (see [`Gate`]'s invariant); held only for a few instructions.
    gate: Mutex<Gate>,
    /// The connection's socket, for options and addresses (`None` before it connects, on
    /// pipes, and once the reader has let go of its half). Invariant: while this is
    /// `Some`, the reader task still owns a half of the stream, so the socket is open;
    /// the reader clears it (under this lock) before it drops its half.
    socket: Mutex<Option<RawSocket>>,
}

impl Control {
    fn gate(&self) -> MutexGuard<'_, Gate> {
        // Every critical section only flips two booleans: a poisoned lock is still sound.
        self.gate.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn socket(&self) -> MutexGuard<'_, Option<RawSocket>> {
        // Only ever replaced whole: a poisoned lock is still sound.
        self.socket.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn forget_socket(&self) {
        *self.socket() = None;
    }

    /// Runs `f` on the socket while it is open (see the invariant on `socket`).
    fn with_socket<T>(&self, f: impl FnOnce(socket2::SockRef<'_>) -> T) -> Option<T> {
        let socket = self.socket();
        // SAFETY: `Some` only while the reader holds the stream (the field's invariant),
        // and the lock held here keeps the reader from letting go meanwhile.
        socket.map(|raw| unsafe { crate::sockopt::with_raw(raw, f) })
    }

    fn fail_write(&self, e: io::Error) {
        if let Ok(mut slot) = self.writer_error.lock() {
            slot.get_or_insert(IpcError::io("write", "", e));
        }
        self.stop_reading.notify_one();
        self.room.notify_waiters();
    }

    /// Ends the connection with `error`, dropping what is queued (the caller holds the
    /// gate and marks it finished).
    fn abort(&self, error: IpcError) {
        if let Ok(mut slot) = self.writer_error.lock() {
            slot.get_or_insert(error);
        }
        self.aborted.store(true, Ordering::Release);
        self.destroyed.store(true, Ordering::Release);
        self.stop_reading.notify_one();
        self.cancel.notify_one();
        self.room.notify_waiters();
    }

    /// Queues the end of the write side, after everything sent before.
    fn finish(&self, tx: &mpsc::UnboundedSender<WriteOp>) {
        let mut gate = self.gate();
        if gate.finished {
            return;
        }
        gate.finished = true;
        gate.busy = true;
        let _ = tx.send(WriteOp::Finish);
        drop(gate);
        self.room.notify_waiters();
    }
}

/// Sends to and closes one connection. Cheap to clone.
#[derive(Clone)]
pub struct ConnectionHandle {
    tx: mpsc::UnboundedSender<WriteOp>,
    control: Arc<Control>,
}

impl std::fmt::Debug for ConnectionHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionHandle")
            .field("queued", &self.queued_bytes())
            .finish()
    }
}

impl ConnectionHandle {
    /// A handle whose writes are queued until [`PendingConnection::attach`] starts the
    /// tasks (used while a client is still connecting: writes made meanwhile are sent
    /// once connected, and lost if connecting fails, as with a Node socket). `limits`
    /// bound the queue, from now on.
    pub fn pending(limits: SendLimits) -> (ConnectionHandle, PendingConnection) {
        let (tx, rx) = mpsc::unbounded_channel();
        let tx_finish = tx.clone();
        let control = Arc::new(Control {
            stop_reading: Notify::new(),
            cancel: Notify::new(),
            destroyed: AtomicBool::new(false),
            aborted: AtomicBool::new(false),
            writer_error: Mutex::new(None),
            queued: AtomicUsize::new(0),
            limits,
            room: Notify::new(),
            gate: Mutex::new(Gate::default()),
            socket: Mutex::new(None),
        });
        (
            ConnectionHandle {
                tx,
                control: Arc::clone(&control),
            },
            PendingConnection {
                rx,
                control,
                finish: tx_finish,
                done: None,
            },
        )
    }

    /// Queues bytes for the writer task, in order with everything sent before. Many small
    /// sends in a row are coalesced into few system calls. `Ok(Sent::Dropped)` when the
    /// connection is finished; [`IpcError::QueueLimit`] when the queue would pass its
    /// limit: the connection is then destroyed without sending what it queued, and
    /// reports the same error.
    pub fn send(&self, bytes: Bytes) -> Result<Sent, IpcError> {
        let mut gate = self.control.gate();
        if gate.finished {
            return Ok(Sent::Dropped);
        }
        gate.busy = true;
        self.enqueue(&mut gate, bytes, false)
    }

    /// Like [`ConnectionHandle::send`], but writes straight to the kernel from the calling
    /// thread when nothing is queued (Unix and TCP sockets): no task wake-up, lowest
    /// latency. Meant for callers that already batch (one call per burst), such as the
    /// Node binding's per-tick batches; many tiny `send_now` calls cost a system call each.
    pub fn send_now(&self, mut bytes: Bytes) -> Result<Sent, IpcError> {
        let control = &self.control;
        let mut gate = control.gate();
        if gate.finished {
            return Ok(Sent::Dropped);
        }
        if !gate.busy {
            if let Some(socket) = gate.write_through.as_ref() {
                match socket.try_write(&bytes) {
                    Ok(n) if n == bytes.len() => return Ok(Sent::Written),
                    Ok(n) => bytes = bytes.slice(n..),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) => {
                        gate.finished = true;
                        control.fail_write(e);
                        return Ok(Sent::Dropped);
                    }
                }
            }
            gate.busy = true;
        }
        let refused = gate.write_through.is_some();
        self.enqueue(&mut gate, bytes, refused)
    }

    /// Hands bytes to the writer task (the caller holds the gate and marked it busy), or
    /// aborts the connection if they would pass the queue limit. `refused`: the kernel did
    /// not take them (or bytes it refused before still wait).
    fn enqueue(&self, gate: &mut Gate, bytes: Bytes, refused: bool) -> Result<Sent, IpcError> {
        let len = bytes.len();
        let control = &self.control;
        let queued = control.queued.load(Ordering::Acquire);
        if control.limits.refuses(queued, len) {
            gate.finished = true;
            let error = |queued| IpcError::QueueLimit {
                queued,
                limit: control.limits.max_queued_bytes,
            };
            control.abort(error(queued + len));
            return Err(error(queued + len));
        }
        control.queued.fetch_add(len, Ordering::AcqRel);
        if self.tx.send(WriteOp::Data(bytes)).is_err() {
            control.queued.fetch_sub(len, Ordering::AcqRel);
            return Ok(Sent::Dropped);
        }
        // Bytes the kernel refused say the sender should pause. Otherwise (`send`, TLS,
        // pipes, connecting) every send queues, and only a queue at the high-water mark
        // says so.
        if refused || queued + len >= control.limits.high_water {
            gate.drain_wanted = true;
            Ok(Sent::Queued)
        } else {
            Ok(Sent::Written)
        }
    }

    /// Waits until the queue is at or below its high-water mark
    /// ([`SendLimits::high_water`]): a sender that awaits this before each send keeps its
    /// queue bounded however slowly the peer reads. [`IpcError::NotConnected`] once the
    /// connection is finished.
    pub async fn ready(&self) -> Result<(), IpcError> {
        let control = &self.control;
        loop {
            let room = control.room.notified();
            tokio::pin!(room);
            room.as_mut().enable();
            if control.gate().finished {
                return Err(IpcError::NotConnected);
            }
            if control.queued.load(Ordering::Acquire) <= control.limits.high_water {
                return Ok(());
            }
            room.await;
        }
    }

    /// Ends the connection with `error` (reported like a failed write): what is queued is
    /// dropped; a connect in progress gives up.
    pub fn fail(&self, error: IpcError) {
        let mut gate = self.control.gate();
        gate.finished = true;
        self.control.abort(error);
    }

    /// Bytes queued and not yet handed to the kernel.
    pub fn queued_bytes(&self) -> usize {
        self.control.queued.load(Ordering::Acquire)
    }

    /// Sets a socket option (TCP only; see [`SocketOption`]). `Ok(false)` when there is
    /// no TCP socket to set it on: not connected yet, closed, or not TCP.
    pub fn set_option(&self, option: SocketOption) -> io::Result<bool> {
        self.control
            .with_socket(|s| crate::sockopt::apply(&s, option))
            .transpose()
            .map(|set| set.is_some())
    }

    /// The TCP settings of the socket ([`TcpSettings`]), while it is open.
    pub fn tcp_settings(&self) -> Option<TcpSettings> {
        self.control
            .with_socket(|s| crate::sockopt::settings(&s))
            .flatten()
    }

    /// The local address of a TCP connection, while it is open.
    pub fn local_addr(&self) -> Option<std::net::SocketAddr> {
        self.control
            .with_socket(|s| crate::sockopt::local_addr(&s))
            .flatten()
    }

    /// Half-closes: sends what is queued, then shuts the write side (the peer sees EOF).
    /// Reading goes on until the peer closes too.
    pub fn end(&self) {
        self.control.finish(&self.tx);
    }

    /// Closes: stops reading now, sends what was queued before this call, then closes.
    pub fn destroy(&self) {
        self.control.destroyed.store(true, Ordering::Release);
        self.control.finish(&self.tx);
        self.control.stop_reading.notify_one();
    }
}

/// The receiving side of [`ConnectionHandle::pending`], waiting for its stream.
pub struct PendingConnection {
    rx: mpsc::UnboundedReceiver<WriteOp>,
    control: Arc<Control>,
    /// Lets the reader finish the writer when the peer closes (no half-open sockets,
    /// as with Node's default `allowHalfOpen: false`).
    finish: mpsc::UnboundedSender<WriteOp>,
    /// Dropped once the connection's tasks are all done, after `Closed` and after what
    /// was queued is sent (or given up): an owner can count connections still sending.
    done: Option<Box<dyn Send + Sync>>,
}


impl PendingConnection {
    /// Whether `destroy` (or `fail`) was called before the stream arrived.
    pub fn is_destroyed(&self) -> bool {
        self.control.destroyed.load(Ordering::Acquire)
    }

    /// Resolves when [`ConnectionHandle::fail`] gives the connection up.
    pub async fn cancelled(&self) {
        self.control.cancel.notified().await;
    }

    /// The error the connection was given up with, if any.
    pub fn take_error(&self) -> Option<IpcError> {
        take_writer_error(&self.control)
    }

    /// Starts the reader and writer tasks for `conn` on the current tokio runtime.
    /// `on_closed` runs once the connection is finished, just before `Closed` is reported.
    pub fn attach<R, F>(
        self,
        conn: ConnId,
        reader: R,
        writer: WriteSide,
        framing: Framing,
        sink: Arc<dyn EventSink>,
        on_closed: F,
    ) where
        R: AsyncRead + Send + Unpin + 'static,
        F: FnOnce() + Send + 'static,
    {
        let control = Arc::clone(&self.control);
        let finish = self.finish;
        let done = self.done;
        let mut ends_reading = false;
        let output = match writer {
            WriteSide::Socket(socket) => {
                // Sends may now bypass the writer task (once it has drained the queue).
                self.control.gate().write_through = Some(Arc::clone(&socket));
                WriterOutput::Socket(socket)
            }
            WriteSide::Stream(stream) => WriterOutput::Stream(stream),
            WriteSide::Pipe(stream) => {
                ends_reading = true;
                WriterOutput::Stream(stream)
            }
        };
        let mut writer_task = tokio::spawn(run_writer(
            output,
            ends_reading,
            self.rx,
            Arc::clone(&self.control),
            conn,
            Arc::clone(&sink),
        ));
        let reader_sink = Arc::clone(&sink);
        let finish_control = Arc::clone(&self.control);
        let reader_task =
            tokio::spawn(
                async move { run_reader(conn, reader, framing, &reader_sink, &control).await },
            );
        tokio::spawn(async move {
            // A bug that panics in the reader must still close the connection visibly.
            let had_error = match reader_task.await {
                Ok(had_error) => had_error,
                Err(e) => {
                    let error = IpcError::Internal(format!("connection reader failed: {e}"));
                    sink.send(Event::Error { conn, error });
                    true
                }
            };
            finish_control.finish(&finish);
            on_closed();
            sink.send(Event::Closed { conn, had_error });
            if finish_control.aborted.load(Ordering::Acquire) {
                // Over the queue limit: what is queued goes, now.
                writer_task.abort();
            } else {
                tokio::select! {
                    sent = tokio::time::timeout(LINGER, &mut writer_task) => {
                        if sent.is_err() {
                            writer_task.abort();
                        }
                    }
                    // `fail` while still sending (a shutdown's grace ran out).
                    _ = finish_control.cancel.notified() => writer_task.abort(),
                }
            }
            finish_control.room.notify_waiters();
            // The writer is gone (finished or aborted): so is the socket.
            finish_control.gate().write_through = None;
            // Held until what was queued before the close is sent: a Node sink keeps the
            // process alive meanwhile.
            drop(sink);
            drop(done);
        });
    }

    /// Holds `guard` until the connection's tasks are all done (see the `done` field).
    pub(crate) fn drop_when_done(&mut self, guard: impl Send + Sync + 'static) {
        self.done = Some(Box::new(guard));
    }

    /// Gives up on connecting: queued writes are dropped.
    pub fn abandon(self) {}

    /// Tells the connection which socket it runs on, for [`ConnectionHandle::set_option`]
    /// and its kin; call it just before `attach`, with the socket the reader reads from.
    pub(crate) fn set_socket(&self, socket: Option<RawSocket>) {
        *self.control.socket() = socket;
    }
}

/// Reads until EOF, error or `destroy`; returns whether it ended with an error.
async fn run_reader<R: AsyncRead + Unpin>(
    conn: ConnId,
    mut reader: R,
    framing: Framing,
    sink: &Arc<dyn EventSink>,
    control: &Control,
) -> bool {
    let flow = Flow::new(DEFAULT_HIGH_WATER);
    let mut decoder = framing.decoder();
    let mut ended = false;
    let outcome: Result<(), IpcError> = loop {
        let read = tokio::select! {
            biased;
            _ = control.stop_reading.notified() => break Ok(()),
            r = read_once(&mut reader, |bytes| match decoder.as_mut() {
                Some(d) => d.push(bytes).map(|run| run.map(|run| (run, d.pending_len() > 0, d.overflow()))).map(Read::Frames),
                None => Ok(Read::Raw(Bytes::copy_from_slice(bytes))),
            }) => r,
        };
        let read = match read {
            Ok(None) => {
                ended = true;
                break Ok(());
            }
            Ok(Some(read)) => read,
            Err(e) => {
                break Err(
                    crate::tls::tls_failure(&e).unwrap_or_else(|| IpcError::io("read", "", e))
                )
            }
        };
        match read {
            Ok(Read::Frames(None)) => {}
            Ok(Read::Frames(Some((run, partial, overflow)))) => {
                let credit = flow.take(run.len());
                sink.send(Event::Frames {
                    conn,
                    run,
                    partial,
                    credit,
                });
                if let Some(e) = overflow {
                    break Err(e);
                }
            }
            Ok(Read::Raw(bytes)) => {
                let credit = flow.take(bytes.len());
                sink.send(Event::Raw {
                    conn,
                    bytes,
                    credit,
                });
            }
            Err(e) => break Err(e),
        }
        tokio::select! {
            biased;
            _ = control.stop_reading.notified() => break Ok(()),
            _ = flow.ready() => {}
        }
        if let Some(err) = take_writer_error(control) {
            break Err(err);
        }
    };
    // The reader is about to drop its half: the socket may close from here on.
    control.forget_socket();
    // The writer reports its failure through `control`; prefer our own error if any.
    let outcome = outcome.and_then(|()| take_writer_error(control).map_or(Ok(()), Err));
    match outcome {
        Ok(()) => {
            if ended {
                sink.send(Event::Ended { conn });
            }
            false
        }
        Err(error) => {
            sink.send(Event::Error { conn, error });
            true
        }
    }
}

/// What one read produced.
enum Read {
    /// Complete frames (if any), whether an incomplete one is buffered, and the error of
    /// a remainder already over the size limit.
    Frames(Option<(Bytes, bool, Option<IpcError>)>),
    /// Raw bytes.
    Raw(Bytes),
}

/// Reads once into the thread's read buffer and hands what arrived to `take`, inside the
/// poll (the buffer is never held across an await, so idle connections hold none).
/// `Ok(None)` is the end of the stream.
async fn read_once<R, T>(reader: &mut R, take: impl FnOnce(&[u8]) -> T) -> io::Result<Option<T>>
where
    R: AsyncRead + Unpin,
{
    let mut take = Some(take);
    std::future::poll_fn(|cx| {
        read_scratch(|buf| {
            let mut buf = ReadBuf::new(buf);
            match Pin::new(&mut *reader).poll_read(cx, &mut buf) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) if buf.filled().is_empty() => Poll::Ready(Ok(None)),
                Poll::Ready(Ok(())) => Poll::Ready(Ok(take.take().map(|f| f(buf.filled())))),
            }
        })
    })
    .await
}

fn take_writer_error(control: &Control) -> Option<IpcError> {
    control.writer_error.lock().ok().and_then(|mut e| e.take())
}

/// Where the writer task writes.
/// Where the writer task writes: a socket (retried on readiness) or any async stream.
/// Not an [`EventSink`], which receives a connection's events.
enum WriterOutput {
    Socket(Arc<dyn SocketWrite>),
    Stream(Box<dyn AsyncWrite + Send + Unpin>),
}

impl WriterOutput {
    async fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        match self {
            WriterOutput::Stream(stream) => stream.write_all(buf).await,
            WriterOutput::Socket(socket) => {
                while !buf.is_empty() {
                    match socket.try_write(buf) {
                        Ok(n) => buf = &buf[n..],
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                            socket.writable().await?
                        }
                        Err(e) => return Err(e),
                    }
                }
                Ok(())
            }
        }
    }

    async fn shutdown(&mut self) {
        match self {
            WriterOutput::Stream(stream) => {
                let _ = stream.shutdown().await;
            }
            WriterOutput::Socket(socket) => socket.shutdown(),
        }
    }
}

/// Writes queued bytes, coalescing small writes into one syscall; hands the socket back
/// to write-through sends whenever the queue runs empty. `ends_reading`: the stream has no
/// half-close, so shutting it down also stops the reader (which closes the handle).
async fn run_writer(
    mut output: WriterOutput,
    ends_reading: bool,
    mut rx: mpsc::UnboundedReceiver<WriteOp>,
    control: Arc<Control>,
    conn: ConnId,
    events: Arc<dyn EventSink>,
) {
    const COALESCE_LIMIT: usize = 256 * 1024;
    let mut buf = BytesMut::new();
    let mut finish = false;
    while !finish {
        let Some(first) = rx.recv().await else { break };
        let mut next = Some(first);
        let mut written = 0usize;
        let mut result = Ok(());
        while let Some(op) = next.take() {
            match op {
                WriteOp::Finish => {
                    finish = true;
                    break;
                }
                WriteOp::Data(bytes) => {
                    written += bytes.len();
                    if bytes.len() >= COALESCE_LIMIT {
                        // Large payloads go out as they are, after what is already buffered.
                        result = flush(&mut output, &mut buf).await;
                        if result.is_ok() {
                            result = output.write_all(&bytes).await;
                        }
                        if result.is_err() {
                            break;
                        }
                    } else {
                        buf.extend_from_slice(&bytes);
                    }
                }
            }
            if buf.len() >= COALESCE_LIMIT {
                break;
            }
            next = rx.try_recv().ok();
        }
        if result.is_ok() {
            result = flush(&mut output, &mut buf).await;
        }
        let left = control.queued.fetch_sub(written, Ordering::AcqRel) - written;
        if left <= control.limits.high_water {
            control.room.notify_waiters();
        }
        if let Err(e) = result {
            let mut gate = control.gate();
            gate.finished = true;
            gate.write_through = None;
            drop(gate);
            control.fail_write(e);
            return;
        }
        if buf.capacity() > 4 * COALESCE_LIMIT {
            buf = BytesMut::new();
        }
        if !finish {
            let mut gate = control.gate();
            if rx.is_empty() && !gate.finished {
                gate.busy = false;
                if std::mem::take(&mut gate.drain_wanted) {
                    drop(gate);
                    events.send(Event::Drained { conn });
                }
            }
        }
    }
    output.shutdown().await;
    control.gate().write_through = None;
    if ends_reading {
        control.stop_reading.notify_one();
    }
}

async fn flush(output: &mut WriterOutput, buf: &mut BytesMut) -> io::Result<()> {
    if buf.is_empty() {
        return Ok(());
    }
    let r = output.write_all(buf).await;
    buf.clear();
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::ChannelSink;
    use std::time::Duration;

    /// An `AsyncWrite` that takes everything at once and records each write call.
    #[derive(Clone, Default)]
    struct Recorder {
        calls: Arc<Mutex<Vec<usize>>>,
        bytes: Arc<Mutex<Vec<u8>>>,
    }

    impl AsyncWrite for Recorder {
        fn poll_write(
            self: Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            self.calls.lock().unwrap().push(buf.len());
            self.bytes.lock().unwrap().extend_from_slice(buf);
            Poll::Ready(Ok(buf.len()))
        }

        fn poll_flush(
            self: Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
        ) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(
            self: Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
        ) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    /// The writer task coalesces the small sends queued before it runs into one write,
    /// sends a large payload on its own after flushing what came before it, and keeps
    /// the order of every byte.
    #[tokio::test(flavor = "current_thread")]
    async fn queued_small_sends_are_coalesced_and_large_ones_written_alone_in_order() {
        let (handle, pending) = ConnectionHandle::pending(SendLimits::default());
        let (sink, _events) = ChannelSink::new();
        // A reader that never receives anything (its peer is kept open).
        let (reader, _peer) = tokio::io::duplex(64);
        let recorder = Recorder::default();
        pending.attach(
            1,
            reader,
            WriteSide::Stream(Box::new(recorder.clone())),
            Framing::default(),
            Arc::new(sink),
            || {},
        );
        let mut want = Vec::new();
        // Nothing has run yet (one thread, no await so far): all of these queue.
        for i in 0..100u8 {
            let chunk = Bytes::from(vec![i; 10]);
            want.extend_from_slice(&chunk);
            assert_eq!(handle.send(chunk).unwrap(), Sent::Written);
        }
        let large = Bytes::from(vec![0xAB; 300 * 1024]);
        want.extend_from_slice(&large);
        assert_eq!(handle.send(large).unwrap(), Sent::Queued, "past the high-water mark");
        for i in 0..5u8 {
            let chunk = Bytes::from(vec![200 + i; 10]);
            want.extend_from_slice(&chunk);
            assert_eq!(handle.send(chunk).unwrap(), Sent::Queued);
        }
        assert_eq!(handle.queued_bytes(), want.len());
        tokio::time::timeout(Duration::from_secs(5), async {
            while recorder.bytes.lock().unwrap().len() < want.len() {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
        .await
        .expect("the writer sends everything");
        assert_eq!(*recorder.calls.lock().unwrap(), vec![1000, 300 * 1024, 50]);
        assert!(*recorder.bytes.lock().unwrap() == want, "every byte, in order");
        assert_eq!(handle.queued_bytes(), 0);
    }

    /// The write gate: sends write through while nothing is queued; once the kernel
    /// refuses, sends queue behind what it refused (the sender is told to pause), the
    /// writer task sends it all in order and reports one `Drained`, and sends write
    /// through again after that.
    #[cfg(unix)]
    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn sends_write_through_until_the_kernel_refuses_then_queue_in_order_until_drained() {
        use tokio::io::AsyncReadExt;
        let (ours, mut peer) = tokio::net::UnixStream::pair().unwrap();
        let (read_half, write_half) = ours.into_split();
        let (handle, pending) = ConnectionHandle::pending(SendLimits {
            max_queued_bytes: 0,
            ..SendLimits::default()
        });
        let (sink, mut events) = ChannelSink::new();
        pending.attach(
            7,
            read_half,
            WriteSide::Socket(Arc::new(write_half)),
            Framing::default(),
            Arc::new(sink),
            || {},
        );
        // Let the connection's tasks start.
        tokio::time::sleep(Duration::from_millis(50)).await;

        let mut want = Vec::new();
        let first = Bytes::from_static(b"hello");
        want.extend_from_slice(&first);
        assert_eq!(handle.send_now(first).unwrap(), Sent::Written);
        assert_eq!(handle.queued_bytes(), 0, "written through");

        // Fill the kernel's buffers (the peer does not read yet).
        let mut refused = false;
        for round in 0..10_000u32 {
            let chunk = Bytes::from(vec![(round % 251) as u8; 16 * 1024]);
            want.extend_from_slice(&chunk);
            match handle.send_now(chunk).unwrap() {
                Sent::Written => assert_eq!(handle.queued_bytes(), 0),
                Sent::Queued => {
                    refused = true;
                    break;
                }
                Sent::Dropped => panic!("dropped"),
            }
        }
        assert!(refused, "the kernel refused at some point");
        assert!(handle.queued_bytes() > 0);
        // Queued behind the refused bytes, not written through ahead of them.
        let tail = Bytes::from_static(b"tail");
        want.extend_from_slice(&tail);
        assert_eq!(handle.send_now(tail).unwrap(), Sent::Queued);
        assert!(events.try_recv().is_err(), "no Drained while bytes wait");

        let mut got = vec![0u8; want.len()];
        tokio::time::timeout(Duration::from_secs(10), peer.read_exact(&mut got))
            .await
            .expect("the peer reads everything")
            .unwrap();
        assert!(got == want, "every byte, in order");
        let drained = tokio::time::timeout(Duration::from_secs(5), events.recv())
            .await
            .expect("Drained arrives");
        assert!(matches!(drained, Some(Event::Drained { conn: 7 })), "{drained:?}");
        assert_eq!(handle.queued_bytes(), 0);

        assert_eq!(handle.send_now(Bytes::from_static(b"again")).unwrap(), Sent::Written);
        assert_eq!(handle.queued_bytes(), 0, "written through again");
        let mut again = [0u8; 5];
        peer.read_exact(&mut again).await.unwrap();
        assert_eq!(&again, b"again");
        assert!(events.try_recv().is_err(), "exactly one Drained");
    }
}
