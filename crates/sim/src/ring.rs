//! [`Ring`]: a bounded, append-only window whose clones share their full
//! chunks (the time views' recording, `recorder.rs`).

use std::collections::VecDeque;
use std::sync::Arc;

/// Records per shared chunk: a clone copies at most this many.
pub const RING_CHUNK: usize = 64;
/// An append-only window of the newest `MAX` records (rounded up to whole
/// chunks), whose clones share every full chunk.
#[derive(Clone, Debug, PartialEq)]
pub struct Ring<T, const MAX: usize> {
    full: VecDeque<Arc<Vec<T>>>,
    tail: Vec<T>,
    forgotten: u64,
}

impl<T, const MAX: usize> Default for Ring<T, MAX> {
    fn default() -> Self {
        Ring {
            full: VecDeque::new(),
            tail: Vec::new(),
            forgotten: 0,
        }
    }
}

impl<T: Clone, const MAX: usize> Ring<T, MAX> {
    /// Appends a record; past `MAX`, the oldest chunk goes.
    pub fn push(&mut self, item: T) {
        if self.tail.capacity() == 0 {
            self.tail.reserve_exact(RING_CHUNK);
        }
        self.tail.push(item);
        if self.tail.len() == RING_CHUNK {
            let chunk = std::mem::take(&mut self.tail);
            self.full.push_back(Arc::new(chunk));
            while self.full.len() * RING_CHUNK > MAX {
                // A chunk no clone shares becomes the next tail: a fresh
                // chunk cost a large allocation and its free (callgrind:
                // 22 million instructions of a 600 s run).
                if let Some(old) = self.full.pop_front().and_then(|c| Arc::try_unwrap(c).ok()) {
                    if self.tail.capacity() == 0 {
                        self.tail = old;
                        self.tail.clear();
                    }
                }
                self.forgotten += RING_CHUNK as u64;
            }
        }
    }

    /// The records kept, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.full
            .iter()
            .flat_map(|c| c.iter())
            .chain(self.tail.iter())
    }

    /// Records kept.
    pub fn len(&self) -> usize {
        self.full.len() * RING_CHUNK + self.tail.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records pushed and since forgotten (the window's start).
    pub fn forgotten(&self) -> u64 {
        self.forgotten
    }

    /// The records not yet in a shared chunk.
    pub fn tail(&self) -> &[T] {
        &self.tail
    }

    /// Full chunks (shared between clones) and records in the unshared tail.
    pub fn shape(&self) -> (usize, usize) {
        (self.full.len(), self.tail.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_keeps_the_newest_whole_chunks_and_clones_share_them() {
        let mut r: Ring<u32, 256> = Ring::default();
        for i in 0..1_000u32 {
            r.push(i);
        }
        // 256 in four full chunks, plus the unshared tail.
        assert_eq!(r.shape(), (4, 1_000 % RING_CHUNK));
        assert_eq!(r.len(), 256 + 1_000 % RING_CHUNK);
        assert_eq!(r.forgotten() as usize + r.len(), 1_000);
        let v: Vec<u32> = r.iter().copied().collect();
        assert_eq!(v.first(), Some(&(r.forgotten() as u32)));
        assert_eq!(v.last(), Some(&999));
        assert!(v.windows(2).all(|w| w[1] == w[0] + 1));
        let c = r.clone();
        assert!(Arc::ptr_eq(&c.full[0], &r.full[0]));
    }
}
