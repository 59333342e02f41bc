//! libuv as the Node process exports it: a poll handle on a socket descriptor, so the
//! JavaScript thread's own event loop reports when a socket is readable or writable.
//!
//! The functions are looked up at run time (`dlsym`), not linked: a host without them
//! (another runtime's Node-API, say) simply keeps the tokio path.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::OnceLock;

use napi::sys;

/// Readiness bits of `uv_poll_start`.
pub const READABLE: c_int = 1;
/// See [`READABLE`] (the peer hung up; reads then report how).
pub const DISCONNECT: c_int = 4;

/// `UV_POLL` in libuv's `uv_handle_type`.
const UV_POLL: c_int = 8;

pub type PollCallback = unsafe extern "C" fn(handle: *mut c_void, status: c_int, events: c_int);
type CloseCallback = unsafe extern "C" fn(handle: *mut c_void);

type HandleSizeFn = unsafe extern "C" fn(c_int) -> usize;
type PollInitFn = unsafe extern "C" fn(*mut sys::uv_loop_s, *mut c_void, c_int) -> c_int;
type PollStartFn = unsafe extern "C" fn(*mut c_void, c_int, PollCallback) -> c_int;
type HandleStatusFn = unsafe extern "C" fn(*mut c_void) -> c_int;
type CloseFn = unsafe extern "C" fn(*mut c_void, Option<CloseCallback>);
type HandleFn = unsafe extern "C" fn(*mut c_void);
type ErrorTextFn = unsafe extern "C" fn(c_int) -> *const c_char;

struct Api {
    poll_init: PollInitFn,
    poll_start: PollStartFn,
    poll_stop: HandleStatusFn,
    close: CloseFn,
    unref: HandleFn,
    strerror: ErrorTextFn,
    err_name: ErrorTextFn,
}

/// Memory for one `uv_poll_t`, whose size is only known at run time: generous and
/// aligned; [`api`] checks the host's size fits.
#[repr(C, align(16))]
struct PollMemory([u8; 512]);

#[cfg(unix)]
fn lookup(name: &CStr) -> *mut c_void {
    extern "C" {
        fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    }
    #[cfg(any(target_os = "macos", target_os = "ios"))]
    let default = -2isize as *mut c_void;
    #[cfg(not(any(target_os = "macos", target_os = "ios")))]
    let default = std::ptr::null_mut();
    // SAFETY: dlsym with RTLD_DEFAULT and a NUL-terminated name only reads.
    unsafe { dlsym(default, name.as_ptr()) }
}

#[cfg(not(unix))]
fn lookup(_name: &CStr) -> *mut c_void {
    std::ptr::null_mut()
}

fn api() -> Option<&'static Api> {
    static API: OnceLock<Option<Api>> = OnceLock::new();
    API.get_or_init(|| {
        macro_rules! find {
            ($name:literal, $ty:ty) => {{
                let p = lookup($name);
                if p.is_null() {
                    return None;
                }
                // SAFETY: the symbol is libuv's function of that name and signature.
                unsafe { std::mem::transmute::<*mut c_void, $ty>(p) }
            }};
        }
        let handle_size = find!(c"uv_handle_size", HandleSizeFn);
        // SAFETY: uv_handle_size only reads its argument.
        if unsafe { handle_size(UV_POLL) } > std::mem::size_of::<PollMemory>() {
            return None;
        }
        Some(Api {
            poll_init: find!(c"uv_poll_init", PollInitFn),
            poll_start: find!(c"uv_poll_start", PollStartFn),
            poll_stop: find!(c"uv_poll_stop", HandleStatusFn),
            close: find!(c"uv_close", CloseFn),
            unref: find!(c"uv_unref", HandleFn),
            strerror: find!(c"uv_strerror", ErrorTextFn),
            err_name: find!(c"uv_err_name", ErrorTextFn),
        })
    })
    .as_ref()
}

/// Whether sockets can be polled on the JavaScript thread's loop.
pub fn available() -> bool {
    api().is_some()
}

/// A libuv error as (code name, message), e.g. `("EBADF", "bad file descriptor")`.
pub fn error_text(status: c_int) -> (String, String) {
    let Some(api) = api() else {
        return ("EIO".into(), format!("libuv error {status}"));
    };
    // SAFETY: both return pointers to static NUL-terminated strings.
    unsafe {
        (
            CStr::from_ptr((api.err_name)(status))
                .to_string_lossy()
                .into_owned(),
            CStr::from_ptr((api.strerror)(status))
                .to_string_lossy()
                .into_owned(),
        )
    }
}

/// A libuv error status as an error to report.
pub fn error(status: c_int) -> node_ipc_tokio::embed::error::IpcError {
    let (code, message) = error_text(status);
    node_ipc_tokio::embed::error::IpcError::Internal(format!("{code}: {message}"))
}

/// A started-or-stopped `uv_poll_t` on one descriptor, on the JavaScript thread's loop.
/// It never keeps the loop alive by itself (it is unreferenced): liveness stays with
/// the native object's thread-safe function, as on the tokio path.
pub struct Poll {
    handle: *mut PollMemory,
    api: &'static Api,
}

impl Poll {
    /// Creates a poll handle for `fd` whose callbacks receive `data` (the first field of
    /// every libuv handle). Must be called on the JavaScript thread of `env`.
    pub fn new(env: sys::napi_env, fd: c_int, data: *mut c_void) -> Result<Poll, String> {
        let api = api().ok_or("libuv is not available")?;
        let mut uv_loop = std::ptr::null_mut();
        // SAFETY: env is the current thread's environment.
        let status = unsafe { sys::napi_get_uv_event_loop(env, &mut uv_loop) };
        if status != sys::Status::napi_ok || uv_loop.is_null() {
            return Err("no libuv loop for this environment".into());
        }
        let handle = Box::into_raw(Box::new(PollMemory([0; 512])));
        // SAFETY: handle points to enough aligned memory for a uv_poll_t; uv_loop is live.
        let status = unsafe { (api.poll_init)(uv_loop, handle.cast(), fd) };
        if status != 0 {
            // SAFETY: the handle was not initialised, so libuv holds no pointer to it.
            drop(unsafe { Box::from_raw(handle) });
            return Err(error_text(status).1);
        }
        // SAFETY: `void *data` is the first field of uv_handle_t; the handle is ours.
        unsafe {
            handle.cast::<*mut c_void>().write(data);
            (api.unref)(handle.cast());
        }
        Ok(Poll { handle, api })
    }

    /// Starts (or changes) watching for `events`; `callback` runs on the JavaScript thread.
    pub fn start(&self, events: c_int, callback: PollCallback) -> Result<(), c_int> {
        // SAFETY: the handle is initialised and not closed.
        match unsafe { (self.api.poll_start)(self.handle.cast(), events, callback) } {
            0 => Ok(()),
            e => Err(e),
        }
    }

    /// The `data` pointer given to [`Poll::new`], read from a callback's handle.
    ///
    /// # Safety
    /// `handle` must be the handle of a live [`Poll`].
    pub unsafe fn data_of(handle: *mut c_void) -> *mut c_void {
        unsafe { handle.cast::<*mut c_void>().read() }
    }
}

impl Drop for Poll {
    /// Stops watching and closes the handle; libuv frees its memory from the close
    /// callback. The descriptor may be closed right after this.
    fn drop(&mut self) {
        unsafe extern "C" fn free(handle: *mut c_void) {
            // SAFETY: the memory was allocated by Poll::new and libuv is done with it.
            drop(unsafe { Box::from_raw(handle.cast::<PollMemory>()) });
        }
        // SAFETY: the handle is initialised and not yet closed; closing is idempotent
        // from our side because Drop runs once.
        unsafe {
            (self.api.poll_stop)(self.handle.cast());
            (self.api.close)(self.handle.cast(), Some(free));
        }
    }
}
