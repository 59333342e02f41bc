//! The tokio runtime that owns every socket of the addon.

use once_cell::sync::Lazy;
use tokio::runtime::{Builder, Runtime};

/// One runtime per process, shared by every server and client. Two workers: one core
/// keeps the JavaScript thread, the other(s) move bytes.
pub static RUNTIME: Lazy<Runtime> = Lazy::new(|| {
    Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("node-ipc-native")
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("node-ipc-native could not start its tokio runtime: {e}"))
});
