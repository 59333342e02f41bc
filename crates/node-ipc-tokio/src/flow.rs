//! Flow control both ways, so no peer can grow our memory without bound.
//!
//! - Receiving: a connection stops reading while too many received bytes wait to be
//!   consumed ([`Flow`], [`Credit`]).
//! - Sending: what a peer does not read piles up in its connection's queue. Senders that
//!   care wait while the queue is above a high-water mark; a queue that passes a hard
//!   limit destroys its connection ([`SendLimits`]).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

/// How long a closed connection may keep trying to send what was queued before it.
pub(crate) const LINGER: std::time::Duration = std::time::Duration::from_secs(10);

/// Default amount of delivered-but-unconsumed bytes after which a connection pauses.
pub const DEFAULT_HIGH_WATER: usize = 4 * 1024 * 1024;

/// Default hard limit of bytes queued for one connection (node-ipc-native's
/// `maxQueuedBytes`): the same as the default largest message, so any message a peer
/// accepts can be queued whole.
pub const DEFAULT_MAX_QUEUED_BYTES: usize = 64 * 1024 * 1024;

/// Default queue size at or below which waiting senders go on.
pub const DEFAULT_SEND_HIGH_WATER: usize = 256 * 1024;

/// How much may be queued for a peer that does not read (yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendLimits {
    /// Senders that wait for room (`ready().await`) go on once the queue is at or below
    /// this many bytes.
    pub high_water: usize,
    /// A send that would make the queue hold more than this many bytes destroys the
    /// connection with [`crate::error::IpcError::QueueLimit`] instead; `0` means no
    /// limit. A send on an empty queue is always taken, whatever its size, so the limit
    /// bounds what piles up, not the size of one message.
    pub max_queued_bytes: usize,
}

impl Default for SendLimits {
    fn default() -> Self {
        SendLimits {
            high_water: DEFAULT_SEND_HIGH_WATER,
            max_queued_bytes: DEFAULT_MAX_QUEUED_BYTES,
        }
    }
}

impl SendLimits {
    /// Whether `len` more bytes on a queue of `queued` bytes pass the hard limit.
    pub fn refuses(&self, queued: usize, len: usize) -> bool {
        self.max_queued_bytes != 0
            && queued > 0
            && queued.saturating_add(len) > self.max_queued_bytes
    }
}

/// What became of bytes given to a connection to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// Taken: by the kernel, or into a queue still below its high-water mark (sends that
    /// always queue: `send`, TLS, pipes, a connection still connecting).
    Written,
    /// Taken, but the sender should pause: a direct send the kernel did not take whole
    /// (or made while bytes it refused before still wait), or a queue that reached its
    /// high-water mark. Once the queue is empty again, the connection reports
    /// [`crate::event::Event::Drained`].
    Queued,
    /// Dropped: the connection is ended, closed or gone.
    Dropped,
}

/// Counts bytes delivered to the consumer and not yet released.
#[derive(Debug)]
pub struct Flow {
    outstanding: AtomicUsize,
    high_water: usize,
    released: Notify,
}

impl Flow {
    /// A flow that pauses the reader above `high_water` outstanding bytes.
    pub fn new(high_water: usize) -> Arc<Self> {
        Arc::new(Flow {
            outstanding: AtomicUsize::new(0),
            high_water,
            released: Notify::new(),
        })
    }

    /// Records `bytes` as delivered; the returned [`Credit`] gives them back when dropped.
    pub fn take(self: &Arc<Self>, bytes: usize) -> Credit {
        self.outstanding.fetch_add(bytes, Ordering::AcqRel);
        Credit {
            flow: Arc::clone(self),
            bytes,
        }
    }

    /// Bytes delivered and not yet consumed.
    pub fn outstanding(&self) -> usize {
        self.outstanding.load(Ordering::Acquire)
    }

    /// Waits until the outstanding bytes are at or below the high-water mark.
    pub async fn ready(&self) {
        loop {
            let released = self.released.notified();
            if self.outstanding() <= self.high_water {
                return;
            }
            released.await;
        }
    }

    fn release(&self, bytes: usize) {
        let before = self.outstanding.fetch_sub(bytes, Ordering::AcqRel);
        if before > self.high_water && before - bytes <= self.high_water {
            self.released.notify_one();
        }
    }
}

/// Delivered bytes not yet consumed; dropping it returns them to the [`Flow`].
#[derive(Debug)]
pub struct Credit {
    flow: Arc<Flow>,
    bytes: usize,
}

impl Drop for Credit {
    fn drop(&mut self) {
        self.flow.release(self.bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_send_limit_bounds_the_queue_not_one_message() {
        let limits = SendLimits {
            high_water: 1,
            max_queued_bytes: 100,
        };
        assert!(!limits.refuses(0, 1000), "an empty queue takes any message");
        assert!(!limits.refuses(60, 40));
        assert!(limits.refuses(60, 41));
        assert!(limits.refuses(1, usize::MAX), "no overflow");
        let unlimited = SendLimits {
            max_queued_bytes: 0,
            ..limits
        };
        assert!(!unlimited.refuses(usize::MAX, usize::MAX));
    }

    #[tokio::test]
    async fn ready_waits_until_credit_is_returned() {
        let flow = Flow::new(10);
        let credit = flow.take(11);
        let waiter = {
            let flow = Arc::clone(&flow);
            tokio::spawn(async move { flow.ready().await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished());
        drop(credit);
        tokio::time::timeout(Duration::from_secs(1), waiter)
            .await
            .expect("released")
            .expect("task ok");
        assert_eq!(flow.outstanding(), 0);
    }
}
