//! A tiny seeded PRNG, so every random choice (election timeouts) is replayable.

use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

/// xoshiro256** seeded through SplitMix64: fast, portable (same stream on wasm32 and
/// native) and serializable, so a whole world can be saved and replayed from one seed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DetRng {
    s: [u64; 4],
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl DetRng {
    /// A generator whose whole stream is determined by `seed`.
    pub fn new(seed: u64) -> DetRng {
        let mut sm = seed;
        let mut s = [0u64; 4];
        for word in &mut s {
            *word = splitmix64(&mut sm);
        }
        DetRng { s }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniformly chosen item, `None` from an empty slice. (One item is
    /// returned without drawing, as [`DetRng::gen_range`] does for a range of
    /// one value.)
    pub fn choose<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let last = items.len().checked_sub(1)?;
        items.get(self.gen_range(0..=last as u64) as usize)
    }

    /// A uniform value in `range` (Lemire's multiply-shift with rejection: unbiased).
    pub fn gen_range(&mut self, range: RangeInclusive<u64>) -> u64 {
        let (lo, hi) = (*range.start(), *range.end());
        if hi <= lo {
            return lo;
        }
        let span = hi - lo;
        if span == u64::MAX {
            return self.next_u64();
        }
        let n = span + 1;
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = (self.next_u64() as u128) * (n as u128);
            if (m as u64) >= threshold {
                return lo + (m >> 64) as u64;
            }
        }
    }

    /// `true` with probability `p` (clamped to 0..=1).
    pub fn gen_bool(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        if p >= 1.0 {
            return true;
        }
        // 53 random bits give a uniform f64 in [0, 1).
        let x = (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        x < p
    }

    /// An independent stream derived from this one and `stream` (per node, per purpose).
    /// Does not advance `self`, so forks are stable no matter the order they are taken in.
    pub fn fork(&self, stream: u64) -> DetRng {
        let mut sm = self.s[0]
            ^ self.s[1].rotate_left(13)
            ^ self.s[2].rotate_left(29)
            ^ self.s[3].rotate_left(47)
            ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let mut s = [0u64; 4];
        for word in &mut s {
            *word = splitmix64(&mut sm);
        }
        DetRng { s }
    }
}

#[cfg(test)]
mod tests {
    use super::DetRng;

    #[test]
    fn choose_draws_like_gen_range_over_the_indexes() {
        let (mut a, mut b) = (DetRng::new(9), DetRng::new(9));
        let items = [10, 20, 30, 40, 50];
        for _ in 0..100 {
            let i = b.gen_range(0..=4) as usize;
            assert_eq!(a.choose(&items), Some(&items[i]));
        }
        assert_eq!(a.choose::<u8>(&[]), None);
        // One item: no draw, so the stream goes on unchanged.
        assert_eq!(a.choose(&[7]), Some(&7));
        assert_eq!(a.next_u64(), b.next_u64());
    }
}
