//! A small, stable, dependency-free keyed hash (FNV-1a folded through SplitMix64).
//!
//! Not cryptographic: it only has to be deterministic across runs and platforms, so that
//! embeddings, response ids and thought signatures are reproducible.

/// 64-bit FNV-1a of `bytes`, starting from `seed`.
pub(crate) fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// SplitMix64 finaliser: spreads the bits of `x`.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A 64-bit hash of `bytes` under `key`.
pub(crate) fn hash64(key: u64, bytes: &[u8]) -> u64 {
    mix(fnv1a(mix(key), bytes))
}

/// `len` deterministic bytes derived from `key` and `bytes` (an HMAC stand-in).
pub(crate) fn digest(key: u64, bytes: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    let mut state = hash64(key, bytes);
    while out.len() < len {
        state = mix(state);
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A deterministic pseudo-random sequence.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A sequence seeded with `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// A number in `0..n` (`0` when `n == 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_values() {
        assert_eq!(fnv1a(0, b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(digest(1, b"abc", 20), digest(1, b"abc", 20));
        assert_ne!(digest(1, b"abc", 20), digest(2, b"abc", 20));
        assert_eq!(digest(1, b"abc", 20).len(), 20);
        let mut r = Rng::new(7);
        assert!(r.below(10) < 10);
        assert_eq!(r.below(0), 0);
    }
}
