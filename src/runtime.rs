//! The tokio runtime that owns every socket of the addon.

use once_cell::sync::Lazy;
use tokio::runtime::{Builder, Runtime};

/// One runtime per process, shared by every server and client. One worker: sends are
/// mostly written from the JavaScript thread itself, so the worker only reads, accepts
/// and finishes partial writes; a second worker made wake-ups slower on 2 cores (more
/// threads competing with the JavaScript thread), measured with `npm run bench`.
pub static RUNTIME: Lazy<Runtime> = Lazy::new(|| {
    Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("node-ipc-native")
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("node-ipc-native could not start its tokio runtime: {e}"))
});
