//! Windows named pipes, the Windows form of node-ipc's local sockets. Kept minimal:
//! everything after accept/connect is shared with the other transports. Tested by the
//! project under wine (scripts/platforms), which does not enforce
//! `FILE_FLAG_FIRST_PIPE_INSTANCE`, so the "in use" path below is exercised on Windows only.

use std::io;
use std::path::Path;
use std::time::Duration;

use tokio::net::windows::named_pipe::{ClientOptions, NamedPipeServer, ServerOptions};
use tokio::sync::Mutex;

use crate::transport::Split;

/// Windows' ERROR_PIPE_BUSY: every instance is taken; try again shortly.
const ERROR_PIPE_BUSY: i32 = 231;
/// Windows' ERROR_ACCESS_DENIED: what creating the first instance of a pipe name that
/// another server holds fails with (Node reports it as EADDRINUSE, and so does bind).
const ERROR_ACCESS_DENIED: i32 = 5;

/// A pipe name being served: one instance waits for the next client at a time.
pub(crate) struct PipeListener {
    name: String,
    waiting: Mutex<NamedPipeServer>,
}

impl PipeListener {
    pub(crate) fn bind(path: &Path) -> io::Result<PipeListener> {
        let name = path.to_string_lossy().into_owned();
        let first = ServerOptions::new()
            .first_pipe_instance(true)
            .create(&name)
            .map_err(|e| {
                if e.raw_os_error() == Some(ERROR_ACCESS_DENIED) {
                    io::Error::new(io::ErrorKind::AddrInUse, format!("{name} is in use: {e}"))
                } else {
                    e
                }
            })?;
        Ok(PipeListener {
            name,
            waiting: Mutex::new(first),
        })
    }

    /// Waits for the next client. A failed instance (e.g. `ERROR_NO_DATA`: a client
    /// opened and closed it before it was waited on) is replaced by a fresh one before the
    /// error is returned, so the accept loop never retries a broken instance.
    pub(crate) async fn accept(&self) -> io::Result<Split> {
        let mut waiting = self.waiting.lock().await;
        let connected = waiting.connect().await;
        let next = ServerOptions::new().create(&self.name)?;
        let instance = std::mem::replace(&mut *waiting, next);
        connected?;
        Ok(Split::pipe(instance))
    }
}

/// How long a client waits for a free instance of a busy pipe, as libuv does.
const BUSY_WAIT: Duration = Duration::from_secs(30);

/// Opens the pipe; while every instance is taken, tries again every 20 ms for up to
/// [`BUSY_WAIT`], then gives up with the busy error.
pub(crate) async fn connect(path: &Path) -> io::Result<Split> {
    let deadline = tokio::time::Instant::now() + BUSY_WAIT;
    loop {
        match ClientOptions::new().open(path) {
            Ok(client) => return Ok(Split::pipe(client)),
            Err(e)
                if e.raw_os_error() == Some(ERROR_PIPE_BUSY)
                    && tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => return Err(e),
        }
    }
}
