//! Windows named pipes, the Windows form of node-ipc's local sockets. Compiled and run
//! only on Windows, which the project's CI does not have: kept minimal, sharing
//! everything after accept/connect with the other transports.

use std::io;
use std::path::Path;
use std::time::Duration;

use tokio::net::windows::named_pipe::{ClientOptions, NamedPipeServer, ServerOptions};
use tokio::sync::Mutex;

use crate::transport::Split;

/// Windows' ERROR_PIPE_BUSY: every instance is taken; try again shortly.
const ERROR_PIPE_BUSY: i32 = 231;

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
            .create(&name)?;
        Ok(PipeListener {
            name,
            waiting: Mutex::new(first),
        })
    }

    pub(crate) async fn accept(&self) -> io::Result<Split> {
        let mut waiting = self.waiting.lock().await;
        waiting.connect().await?;
        let next = ServerOptions::new().create(&self.name)?;
        let connected = std::mem::replace(&mut *waiting, next);
        Ok(Split::new(connected, None))
    }
}

pub(crate) async fn connect(path: &Path) -> io::Result<Split> {
    loop {
        match ClientOptions::new().open(path) {
            Ok(client) => return Ok(Split::new(client, None)),
            Err(e) if e.raw_os_error() == Some(ERROR_PIPE_BUSY) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => return Err(e),
        }
    }
}
