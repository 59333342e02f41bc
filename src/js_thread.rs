//! What native objects need to call JavaScript from libuv callbacks on the JavaScript
//! thread: the callback itself ([`JsTarget`]), a wrapper for state that lives on that
//! thread ([`OnJsThread`]), and a hook that stops libuv handles when the Node
//! environment goes away ([`Teardown`]).

use std::cell::Cell;
use std::ffi::c_void;
use std::ptr;
use std::sync::{Arc, Weak};
use std::thread::{self, ThreadId};

use napi::sys;
use node_ipc_tokio::embed::error::IpcError;

/// The JavaScript callback of one native object, callable from libuv callbacks.
///
/// The reference is weak. The callback's closure reaches the native object (which owns
/// this target), so a strong reference would be a cycle the garbage collector cannot
/// break: every connection's objects would live forever. The object's thread-safe
/// function holds the callback strongly while anything can still produce events (an
/// open connection holds it), so the callback is alive whenever a call can happen.
pub struct JsTarget {
    pub env: sys::napi_env,
    func: sys::napi_ref,
    context: sys::napi_async_context,
}

impl JsTarget {
    /// # Safety
    /// On the JavaScript thread of `env`, with `func` a function value.
    pub unsafe fn new(
        env: sys::napi_env,
        func: sys::napi_value,
    ) -> Result<JsTarget, sys::napi_status> {
        let mut reference = ptr::null_mut();
        let mut name = ptr::null_mut();
        let mut resource = ptr::null_mut();
        let mut context = ptr::null_mut();
        let label = c"NodeIpcNativeSocket";
        unsafe {
            check(sys::napi_create_reference(env, func, 0, &mut reference))?;
            check(sys::napi_create_string_utf8(
                env,
                label.as_ptr(),
                label.count_bytes() as isize,
                &mut name,
            ))?;
            check(sys::napi_create_object(env, &mut resource))?;
            check(sys::napi_async_init(env, resource, name, &mut context))?;
        }
        Ok(JsTarget {
            env,
            func: reference,
            context,
        })
    }

    /// Calls the callback with `(kind, conn, text, bytes, detail)` as a top-level call:
    /// ticks and microtasks run after it, and a throw becomes an uncaught exception.
    pub fn call(
        &self,
        kind: u32,
        conn: u32,
        text: Option<&[u8]>,
        bytes: Option<&[u8]>,
        detail: u32,
    ) {
        let env = self.env;
        // SAFETY: on the JavaScript thread (checked by the owner), outside any JavaScript
        // frame (a libuv callback); every value lives in the handle scope opened here.
        unsafe {
            let mut scope = ptr::null_mut();
            if sys::napi_open_handle_scope(env, &mut scope) != sys::Status::napi_ok {
                return;
            }
            let mut func = ptr::null_mut();
            let mut global = ptr::null_mut();
            let mut null = ptr::null_mut();
            sys::napi_get_reference_value(env, self.func, &mut func);
            if func.is_null() {
                // Collected: nothing listens any more.
                sys::napi_close_handle_scope(env, scope);
                return;
            }
            sys::napi_get_global(env, &mut global);
            sys::napi_get_null(env, &mut null);
            let number = |n: u32| {
                let mut v = ptr::null_mut();
                sys::napi_create_uint32(env, n, &mut v);
                v
            };
            let text = text.map_or(null, |t| {
                let mut v = ptr::null_mut();
                sys::napi_create_string_utf8(env, t.as_ptr().cast(), t.len() as isize, &mut v);
                v
            });
            let bytes = bytes.map_or(null, |b| {
                let mut v = ptr::null_mut();
                let mut data = ptr::null_mut();
                sys::napi_create_buffer_copy(env, b.len(), b.as_ptr().cast(), &mut data, &mut v);
                v
            });
            let argv = [number(kind), number(conn), text, bytes, number(detail)];
            let mut result = ptr::null_mut();
            let status = sys::napi_make_callback(
                env,
                self.context,
                global,
                func,
                argv.len(),
                argv.as_ptr(),
                &mut result,
            );
            if status == sys::Status::napi_pending_exception {
                let mut error = ptr::null_mut();
                sys::napi_get_and_clear_last_exception(env, &mut error);
                sys::napi_fatal_exception(env, error);
            }
            sys::napi_close_handle_scope(env, scope);
        }
    }
}

impl Drop for JsTarget {
    fn drop(&mut self) {
        // SAFETY: dropped on the JavaScript thread (see `OnJsThread`).
        unsafe {
            sys::napi_async_destroy(self.env, self.context);
            sys::napi_delete_reference(self.env, self.func);
        }
    }
}

fn check(status: sys::napi_status) -> Result<(), sys::napi_status> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(status)
    }
}

/// A value touched only on the JavaScript thread that created it; elsewhere it is
/// neither read nor dropped (a drop on another thread leaks it rather than call
/// Node-API from the wrong thread).
pub struct OnJsThread<T> {
    value: std::mem::ManuallyDrop<T>,
    thread: ThreadId,
}

// SAFETY: the value is only reached through `get`, which checks the thread, and only
// dropped on that thread.
unsafe impl<T> Send for OnJsThread<T> {}
unsafe impl<T> Sync for OnJsThread<T> {}

impl<T> OnJsThread<T> {
    pub fn new(value: T) -> Self {
        OnJsThread {
            value: std::mem::ManuallyDrop::new(value),
            thread: thread::current().id(),
        }
    }

    /// The value, on its own thread.
    pub fn get(&self) -> Option<&T> {
        (thread::current().id() == self.thread).then_some(&*self.value)
    }
}

impl<T> Drop for OnJsThread<T> {
    fn drop(&mut self) {
        if thread::current().id() == self.thread {
            // SAFETY: dropped once, here.
            unsafe { std::mem::ManuallyDrop::drop(&mut self.value) };
        }
    }
}

/// State with libuv handles that must stop when its Node environment goes away (a
/// worker thread ends): Node closes the loop then, and open handles would abort it.
pub trait Teardown: 'static {
    /// Stops every handle, without calling JavaScript.
    fn teardown(&self);
    /// Where the hook registration is kept.
    fn hook_slot(&self) -> &HookSlot;
}

/// Unregisters a hook and frees its argument.
type RemoveHook = unsafe fn(sys::napi_env, *const c_void);

/// The registration of a [`Teardown`] hook: removed when the state goes first.
pub struct HookSlot {
    env: Cell<sys::napi_env>,
    arg: Cell<*const c_void>,
    remove: Cell<Option<RemoveHook>>,
}

impl Default for HookSlot {
    fn default() -> Self {
        HookSlot {
            env: Cell::new(ptr::null_mut()),
            arg: Cell::new(ptr::null()),
            remove: Cell::new(None),
        }
    }
}

impl Drop for HookSlot {
    fn drop(&mut self) {
        let arg = self.arg.replace(ptr::null());
        if let (false, Some(remove)) = (arg.is_null(), self.remove.get()) {
            // SAFETY: on the JavaScript thread (the owner is an OnJsThread); the hook has
            // not run, so `arg` is still the registered Weak.
            unsafe { remove(self.env.get(), arg) };
        }
    }
}

/// Registers `shared`'s teardown with its environment; the hook holds only a `Weak`.
///
/// # Safety
/// On the JavaScript thread of `env`.
pub unsafe fn add_teardown_hook<T: Teardown>(env: sys::napi_env, shared: &Arc<OnJsThread<T>>) {
    let arg = Weak::into_raw(Arc::downgrade(shared)).cast::<c_void>();
    // SAFETY: `arg` stays valid until the hook consumes it or `remove` frees it.
    let status = unsafe { sys::napi_add_env_cleanup_hook(env, Some(hook::<T>), arg as *mut _) };
    match (status == sys::Status::napi_ok, shared.get()) {
        (true, Some(state)) => {
            let slot = state.hook_slot();
            slot.env.set(env);
            slot.arg.set(arg);
            slot.remove.set(Some(remove::<T>));
        }
        // SAFETY: the hook was not added: the Weak is ours to free.
        _ => drop(unsafe { Weak::from_raw(arg.cast::<OnJsThread<T>>()) }),
    }
}

unsafe extern "C" fn hook<T: Teardown>(arg: *mut c_void) {
    // SAFETY: `arg` is the Weak registered by add_teardown_hook, consumed once here.
    // A panic is discarded (see `guard_callback`): the environment is going away.
    let weak = unsafe { Weak::from_raw(arg.cast_const().cast::<OnJsThread<T>>()) };
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if let Some(shared) = weak.upgrade() {
            if let Some(state) = shared.get() {
                state.hook_slot().arg.set(ptr::null());
                state.teardown();
            }
        }
    }));
}

unsafe fn remove<T: Teardown>(env: sys::napi_env, arg: *const c_void) {
    // SAFETY: see HookSlot's Drop.
    unsafe {
        sys::napi_remove_env_cleanup_hook(env, Some(hook::<T>), arg as *mut _);
        drop(Weak::from_raw(arg.cast::<OnJsThread<T>>()));
    }
}

/// The one panic policy of libuv callbacks (poll callbacks of every driven socket): a
/// panic must neither unwind into libuv nor pass silently. `body` runs under
/// `catch_unwind`; a panic becomes an internal error naming `what`, given to `on_panic`,
/// which closes the socket `body` was serving with it (ERROR, then CLOSED with
/// `hadError`). The teardown hook is the one exception: the environment is going away
/// then and nothing can be reported.
pub fn guard_callback(what: &str, body: impl FnOnce(), on_panic: impl FnOnce(IpcError)) {
    if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        on_panic(IpcError::Internal(format!("{what} failed: {message}")));
    }
}
