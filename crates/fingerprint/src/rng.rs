//! The deterministic pseudo-random numbers behind sampling and projection
//! (spec/fingerprint.md §2.2).
//!
//! Two fingerprints of the same tensor must sample the same positions and project them the same
//! way, whoever computes them and on whatever machine: everything here is integer arithmetic on
//! `u64` with wrapping operations, specified exactly by spec/fingerprint.md §2.2 so that another
//! implementation can reproduce it. The generator is SplitMix64 (Steele, Lea and Flood, 2014):
//! statistically good enough for sampling, trivially portable, and not a secret.

/// The version constant mixed into every seed: changing how positions are sampled or projected
/// changes this constant and the format version together (spec/fingerprint.md §2.2).
pub const SEED_V1: u64 = 0x5CEA_F19E_2B10_0001;

/// Golden-ratio increment of SplitMix64.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a bijective mix of 64 bits.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of one stream for a tensor whose sampling grid has key `(row_bucket, cols)`:
/// `mix(mix(mix(SEED_V1 ^ row_bucket) ^ cols) ^ stream)` (spec/fingerprint.md §2.2).
pub fn seed(row_bucket: u64, cols: u64, stream: Stream) -> u64 {
    mix(mix(mix(SEED_V1 ^ row_bucket) ^ cols) ^ stream as u64)
}

/// The independent streams drawn for one tensor (spec/fingerprint.md §2.2).
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub enum Stream {
    /// Which rows are sampled.
    Rows = 1,
    /// Where the column window starts.
    Window = 2,
    /// Bucket and sign of each sampled position in the projection.
    Projection = 3,
}

/// SplitMix64: `state += GAMMA; output = mix(state)`.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        mix(self.state)
    }

    /// A number in `0..n` by the multiply-high method: `(next_u64 × n) >> 64`. `n` = 0 gives 0.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // Reference values of SplitMix64 seeded with 0 (the first outputs of Vigna's
        // splitmix64.c), so that the generator is the published one.
        let mut g = SplitMix64::new(0);
        assert_eq!(g.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(g.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(g.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut g = SplitMix64::new(7);
        let mut seen = [false; 10];
        for _ in 0..1000 {
            let v = g.below(10);
            assert!(v < 10);
            seen[v as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(g.below(0), 0);
    }

    #[test]
    fn seeds_differ_by_shape_and_stream() {
        let a = seed(256, 384, Stream::Rows);
        assert_ne!(a, seed(512, 384, Stream::Rows));
        assert_ne!(a, seed(256, 383, Stream::Rows));
        assert_ne!(a, seed(256, 384, Stream::Window));
        assert_eq!(a, seed(256, 384, Stream::Rows));
    }
}
