//! An append-only vector whose clones share all full chunks, so cloning a
//! world into a checkpoint costs O(chunk) rather than O(history).

use std::sync::Arc;

const CHUNK: usize = 1_024;

/// Append-only, cheaply clonable vector.
#[derive(Clone, Debug, PartialEq)]
pub struct ChunkedVec<T> {
    full: Vec<Arc<Vec<T>>>,
    tail: Vec<T>,
}

impl<T> Default for ChunkedVec<T> {
    fn default() -> Self {
        ChunkedVec {
            full: Vec::new(),
            tail: Vec::new(),
        }
    }
}

impl<T: Clone> ChunkedVec<T> {
    /// Number of items.
    pub fn len(&self) -> usize {
        self.full.len() * CHUNK + self.tail.len()
    }

    /// True if empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Item `i`.
    pub fn get(&self, i: usize) -> Option<&T> {
        let (c, o) = (i / CHUNK, i % CHUNK);
        if c < self.full.len() {
            self.full[c].get(o)
        } else if c == self.full.len() {
            self.tail.get(o)
        } else {
            None
        }
    }

    /// Appends an item.
    pub fn push(&mut self, item: T) {
        self.tail.push(item);
        if self.tail.len() == CHUNK {
            let chunk = std::mem::replace(&mut self.tail, Vec::with_capacity(CHUNK));
            self.full.push(Arc::new(chunk));
        }
    }

    /// The last item.
    pub fn last(&self) -> Option<&T> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_get_across_chunks_and_clone_is_independent() {
        let mut v = ChunkedVec::default();
        for i in 0..3_000u32 {
            v.push(i);
        }
        let c = v.clone();
        v.push(3_000);
        assert_eq!(c.len(), 3_000);
        assert_eq!(v.len(), 3_001);
        assert_eq!(v.get(1_500), Some(&1_500));
        assert_eq!(v.get(2_999), Some(&2_999));
        assert_eq!(c.get(3_000), None);
        assert_eq!(v.last(), Some(&3_000));
    }
}
