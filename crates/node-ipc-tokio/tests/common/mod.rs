//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test file uses its own subset

use std::path::PathBuf;
use std::time::Duration;

use node_ipc_tokio::event::Event;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::timeout;

/// How long any single expected event may take.
pub const WAIT: Duration = Duration::from_secs(5);

/// A unique socket path, removed when the test ends (also when it fails).
pub struct TempPath(pub PathBuf);

impl std::ops::Deref for TempPath {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A socket path unique to this test binary's process and `tag`.
pub fn socket_path(tag: &str) -> TempPath {
    TempPath(std::env::temp_dir().join(format!("ipc-core-{tag}-{}.sock", std::process::id())))
}

/// The next event, failing the test after [`WAIT`]. `Drained` (a queue that formed was
/// sent; when it comes depends on the kernel's buffers) is skipped.
pub async fn next(rx: &mut UnboundedReceiver<Event>) -> Event {
    loop {
        match next_any(rx).await {
            Event::Drained { .. } => {}
            event => return event,
        }
    }
}

/// The next event, whatever it is, failing the test after [`WAIT`].
pub async fn next_any(rx: &mut UnboundedReceiver<Event>) -> Event {
    timeout(WAIT, rx.recv())
        .await
        .expect("event in time")
        .expect("sink alive")
}

/// Waits for the connection's close, allowing errors or the peer's end before it (a
/// connection the server refused, say).
pub async fn closed(rx: &mut UnboundedReceiver<Event>) {
    loop {
        match next(rx).await {
            Event::Closed { .. } => return,
            Event::Error { .. } | Event::Ended { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}
