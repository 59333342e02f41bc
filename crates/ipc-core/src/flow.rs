//! Receive-side flow control: a connection stops reading while too many received bytes
//! wait to be consumed, so a fast or hostile peer cannot grow our memory without bound.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

/// Default amount of delivered-but-unconsumed bytes after which a connection pauses.
pub const DEFAULT_HIGH_WATER: usize = 4 * 1024 * 1024;

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
