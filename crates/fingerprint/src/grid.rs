//! Which elements of a tensor are sampled (spec/fingerprint.md §2.1).
//!
//! A tensor is seen as a matrix in its canonical orientation (PyTorch's: rows = first
//! dimension, columns = the product of the others). The sample is a grid: up to
//! [`MAX_GRID_ROWS`] rows drawn without replacement from the first `row_bucket` rows, times one
//! window of consecutive columns. Everything depends only on the grid key
//! `(row_bucket, cols)`, where `row_bucket` is the largest power of two not above the row
//! count: two files holding the same tensor (whatever their format, layout or element type)
//! sample the same positions, and so do two tensors whose row count changed by appending or
//! dropping rows at the end within the same power of two (a vocabulary resize).

use crate::rng::{seed, SplitMix64, Stream};

/// Target number of sampled positions per tensor (spec/fingerprint.md §2.1).
pub const SAMPLE_POSITIONS: u64 = 4096;
/// Most rows sampled per tensor (spec/fingerprint.md §2.1).
pub const MAX_GRID_ROWS: u64 = 64;

/// A tensor's shape as a matrix: `rows` × `cols` (spec/fingerprint.md §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MatrixShape {
    /// The first dimension (1 for a 1-D tensor).
    pub rows: u64,
    /// The product of the other dimensions (the length of a 1-D tensor).
    pub cols: u64,
}

impl MatrixShape {
    /// The matrix view of `dims` in PyTorch order; `None` when the element count overflows.
    /// A scalar (`[]`) is 1 × 1.
    pub fn of_dims(dims: &[u64]) -> Option<MatrixShape> {
        match dims {
            [] => Some(MatrixShape { rows: 1, cols: 1 }),
            [n] => Some(MatrixShape { rows: 1, cols: *n }),
            [first, rest @ ..] => {
                let cols = rest.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d))?;
                first.checked_mul(cols)?;
                Some(MatrixShape { rows: *first, cols })
            }
        }
    }

    /// Number of elements (the shape was checked not to overflow when built by
    /// [`MatrixShape::of_dims`]).
    pub fn elements(&self) -> u64 {
        self.rows.saturating_mul(self.cols)
    }

    /// The largest power of two not above `rows` (0 for an empty tensor).
    pub fn row_bucket(&self) -> u64 {
        if self.rows == 0 {
            0
        } else {
            1u64 << (63 - self.rows.leading_zeros())
        }
    }

    /// What two tensors must share to be compared position by position.
    pub fn grid_key(&self) -> GridKey {
        GridKey {
            row_bucket: self.row_bucket(),
            cols: self.cols,
        }
    }
}

/// The key that fixes a tensor's sampling grid: two tensors with equal keys sample the same
/// positions (spec/fingerprint.md §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GridKey {
    /// Largest power of two not above the row count.
    pub row_bucket: u64,
    /// Column count.
    pub cols: u64,
}

/// The sampled positions of one tensor: `rows` (sorted, distinct) × columns
/// `col_start .. col_start + col_len` (spec/fingerprint.md §2.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    /// Sampled row indices, ascending.
    pub rows: Vec<u64>,
    /// First sampled column.
    pub col_start: u64,
    /// Number of consecutive sampled columns.
    pub col_len: u64,
}

impl Grid {
    /// The grid for `key`, or `None` for an empty tensor.
    ///
    /// `R = min(row_bucket, 64)` rows are drawn from `0..row_bucket` by Floyd's algorithm on
    /// the `Rows` stream; the window has `C = min(cols, max(1, 4096 / R))` columns and starts
    /// at `below(cols − C + 1)` on the `Window` stream (spec/fingerprint.md §2.1–§2.2).
    pub fn for_key(key: GridKey) -> Option<Grid> {
        if key.row_bucket == 0 || key.cols == 0 {
            return None;
        }
        let r = key.row_bucket.min(MAX_GRID_ROWS);
        let rows = if r == key.row_bucket {
            (0..r).collect()
        } else {
            floyd(
                &mut SplitMix64::new(seed(key.row_bucket, key.cols, Stream::Rows)),
                key.row_bucket,
                r,
            )
        };
        let col_len = key.cols.min((SAMPLE_POSITIONS / r).max(1));
        let col_start = SplitMix64::new(seed(key.row_bucket, key.cols, Stream::Window))
            .below(key.cols - col_len + 1);
        Some(Grid {
            rows,
            col_start,
            col_len,
        })
    }

    /// Number of sampled positions.
    pub fn len(&self) -> usize {
        self.rows.len().saturating_mul(self.col_len as usize)
    }

    /// Whether no position is sampled (never true for a grid built by [`Grid::for_key`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Floyd's algorithm: `k` distinct numbers from `0..n` (k ≤ n), returned sorted. For
/// `j` in `n − k .. n`: draw `t = below(j + 1)`; take `t` unless already taken, else `j`.
fn floyd(g: &mut SplitMix64, n: u64, k: u64) -> Vec<u64> {
    let mut taken: Vec<u64> = Vec::with_capacity(k as usize);
    for j in (n - k)..n {
        let t = g.below(j + 1);
        let pick = if taken.contains(&t) { j } else { t };
        taken.push(pick);
    }
    taken.sort_unstable();
    taken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_views() {
        assert_eq!(
            MatrixShape::of_dims(&[]),
            Some(MatrixShape { rows: 1, cols: 1 })
        );
        assert_eq!(
            MatrixShape::of_dims(&[384]),
            Some(MatrixShape { rows: 1, cols: 384 })
        );
        assert_eq!(
            MatrixShape::of_dims(&[64, 3, 7, 7]),
            Some(MatrixShape {
                rows: 64,
                cols: 147
            })
        );
        assert_eq!(MatrixShape::of_dims(&[u64::MAX, 2]), None);
        assert_eq!(MatrixShape::of_dims(&[2, u64::MAX, 2]), None);
    }

    #[test]
    fn row_buckets() {
        let b = |rows| MatrixShape { rows, cols: 1 }.row_bucket();
        assert_eq!(b(0), 0);
        assert_eq!(b(1), 1);
        assert_eq!(b(384), 256);
        assert_eq!(b(30522), 16384);
        assert_eq!(b(20000), 16384);
        assert_eq!(b(1 << 40), 1 << 40);
    }

    #[test]
    fn grid_shapes() {
        let g = Grid::for_key(GridKey {
            row_bucket: 16384,
            cols: 384,
        })
        .unwrap();
        assert_eq!(g.rows.len(), 64);
        assert!(g.rows.windows(2).all(|w| w[0] < w[1]));
        assert!(g.rows.iter().all(|&r| r < 16384));
        assert_eq!(g.col_len, 64);
        assert!(g.col_start + g.col_len <= 384);
        assert_eq!(g.len(), 4096);

        // A vector: one row, the whole vector up to 4096 elements.
        let g = Grid::for_key(GridKey {
            row_bucket: 1,
            cols: 384,
        })
        .unwrap();
        assert_eq!((g.rows.clone(), g.col_start, g.col_len), (vec![0], 0, 384));
        let g = Grid::for_key(GridKey {
            row_bucket: 1,
            cols: 10_000,
        })
        .unwrap();
        assert_eq!(g.col_len, 4096);

        // Few rows: all of them, wider window.
        let g = Grid::for_key(GridKey {
            row_bucket: 2,
            cols: 384,
        })
        .unwrap();
        assert_eq!((g.rows.clone(), g.col_len), (vec![0, 1], 384));
        assert!(Grid::for_key(GridKey {
            row_bucket: 0,
            cols: 3
        })
        .is_none());
    }

    #[test]
    fn grid_is_deterministic_and_shape_dependent() {
        let k = GridKey {
            row_bucket: 1024,
            cols: 384,
        };
        assert_eq!(Grid::for_key(k), Grid::for_key(k));
        assert_ne!(
            Grid::for_key(k),
            Grid::for_key(GridKey {
                row_bucket: 1024,
                cols: 385
            })
        );
    }

    #[test]
    fn floyd_draws_distinct_values() {
        let mut g = SplitMix64::new(3);
        for (n, k) in [(64, 64), (65, 64), (1000, 64), (u64::MAX, 64)] {
            let v = floyd(&mut g, n, k);
            assert_eq!(v.len() as u64, k);
            assert!(v.windows(2).all(|w| w[0] < w[1]), "{n} {k}");
            assert!(v.iter().all(|&x| x < n));
        }
    }
}
