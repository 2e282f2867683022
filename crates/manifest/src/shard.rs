//! Cutting a tree into parts (spec/manifest.md §5.2): part K of N is a run of consecutive
//! files in walk order, chosen by weight so that every part hashes about as many bytes and
//! opens about as many files. The cut depends only on the listing, so every job of an array
//! computes the same cut without talking to the others.
use std::fmt;
use std::str::FromStr;

use crate::listing::{ListingSummary, FILE_OVERHEAD};

/// Most parts one tree may be cut into.
pub const MAX_PARTS: u32 = 100_000;

/// Part K of N, 1-based (as `split -n K/N`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shard {
    /// This part, from 1 to `n`.
    pub k: u32,
    /// How many parts.
    pub n: u32,
}

/// Why a shard cannot be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShardError {
    /// Not `K/N` with 1 ≤ K ≤ N ≤ [`MAX_PARTS`].
    #[error("{0:?} is not K/N with 1 <= K <= N <= {MAX_PARTS}")]
    Syntax(String),
    /// `auto` without a scheduler's variables.
    #[error(
        "no job array found: --shard auto reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT \
         (Slurm), or JOB_COMPLETION_INDEX (Kubernetes Indexed Job) with the count given as \
         auto/N"
    )]
    NoScheduler,
    /// A scheduler variable is malformed or out of range.
    #[error("{name}={value:?}: {reason}")]
    Variable {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What is wrong.
        reason: String,
    },
}

fn number(s: &str) -> Option<u32> {
    crate::line::parse_decimal(s).and_then(|n| u32::try_from(n).ok())
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Self, ShardError> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| ShardError::Syntax(s.into()))?;
        match (number(k), number(n)) {
            (Some(k), Some(n)) if (1..=n).contains(&k) && n <= MAX_PARTS => Ok(Shard { k, n }),
            _ => Err(ShardError::Syntax(s.into())),
        }
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl Shard {
    /// The shard of this job in a job array (`--shard auto` or `auto/N`), from the variables
    /// `var` gives: Slurm's `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_MIN`,
    /// `SLURM_ARRAY_TASK_STEP` and `SLURM_ARRAY_TASK_COUNT`; else Kubernetes'
    /// `JOB_COMPLETION_INDEX` (0-based), whose count must be given (`count`).
    pub fn from_scheduler(
        var: &dyn Fn(&str) -> Option<String>,
        count: Option<u32>,
    ) -> Result<Shard, ShardError> {
        let get = |name: &'static str| -> Result<Option<u32>, ShardError> {
            match var(name) {
                None => Ok(None),
                Some(v) => number(v.trim()).map(Some).ok_or(ShardError::Variable {
                    name,
                    value: v.chars().take(40).collect(),
                    reason: "not a number".into(),
                }),
            }
        };
        let out_of_range = |name: &'static str, v: u32, n: u32| ShardError::Variable {
            name,
            value: v.to_string(),
            reason: format!("outside the {n} tasks of the array"),
        };
        if let Some(id) = get("SLURM_ARRAY_TASK_ID")? {
            let min = get("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let step = get("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
            let n = match (count, get("SLURM_ARRAY_TASK_COUNT")?) {
                (Some(n), _) | (None, Some(n)) => n,
                (None, None) => return Err(ShardError::NoScheduler),
            };
            let off = id
                .checked_sub(min)
                .ok_or_else(|| out_of_range("SLURM_ARRAY_TASK_ID", id, n))?;
            if off % step != 0 || off / step >= n {
                return Err(out_of_range("SLURM_ARRAY_TASK_ID", id, n));
            }
            return format!("{}/{n}", off / step + 1).parse();
        }
        if let Some(i) = get("JOB_COMPLETION_INDEX")? {
            let n = count.ok_or(ShardError::NoScheduler)?;
            if i >= n {
                return Err(out_of_range("JOB_COMPLETION_INDEX", i, n));
            }
            return format!("{}/{n}", i + 1).parse();
        }
        Err(ShardError::NoScheduler)
    }
}

/// Assigns each file of a listing, in walk order, to its part.
pub struct Sharder {
    n: u32,
    total: u128,
    before: u128,
}

impl Sharder {
    /// For a tree whose listing is `listing`, cut into `n` parts.
    pub fn new(n: u32, listing: &ListingSummary) -> Self {
        Sharder {
            n: n.max(1),
            total: listing.weight.max(1),
            before: 0,
        }
    }

    /// The part (1-based) of the next file, of `size` bytes: the part in whose share of the
    /// total weight the file starts.
    pub fn next(&mut self, size: u64) -> u32 {
        let part = (self.before * u128::from(self.n) / self.total).min(u128::from(self.n - 1));
        self.before += u128::from(size) + u128::from(FILE_OVERHEAD);
        // `part` < n <= u32::MAX.
        u32::try_from(part).unwrap_or(self.n - 1) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::Listing;

    #[test]
    fn parses_k_of_n() {
        assert_eq!("1/4".parse::<Shard>().unwrap(), Shard { k: 1, n: 4 });
        for bad in ["0/4", "5/4", "1/0", "a/4", "1/4/2", "01/4", "1", "1/100001"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_slurm_and_kubernetes_arrays() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_MIN", "5"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            Shard::from_scheduler(&slurm, None).unwrap(),
            Shard { k: 3, n: 4 }
        );
        let stepped = env(&[
            ("SLURM_ARRAY_TASK_ID", "8"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_STEP", "4"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            Shard::from_scheduler(&stepped, None).unwrap(),
            Shard { k: 3, n: 4 }
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "0")]);
        assert_eq!(
            Shard::from_scheduler(&k8s, Some(2)).unwrap(),
            Shard { k: 1, n: 2 }
        );
        assert!(matches!(
            Shard::from_scheduler(&k8s, None),
            Err(ShardError::NoScheduler)
        ));
        let past = env(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert!(Shard::from_scheduler(&past, None).is_err());
        assert!(matches!(
            Shard::from_scheduler(&env(&[]), Some(3)),
            Err(ShardError::NoScheduler)
        ));
    }

    #[test]
    fn parts_are_consecutive_balanced_and_cover_everything() {
        let sizes: Vec<u64> = (0..1000u64).map(|i| (i * 7919) % 300_000).collect();
        let mut l = Listing::new();
        for (i, s) in sizes.iter().enumerate() {
            l.add(&format!("f{i:04}"), *s);
        }
        let sum = l.summary();
        let mut sh = Sharder::new(4, &sum);
        let parts: Vec<u32> = sizes.iter().map(|s| sh.next(*s)).collect();
        assert_eq!(parts.first(), Some(&1));
        assert_eq!(parts.last(), Some(&4));
        assert!(parts.windows(2).all(|w| w[0] <= w[1] && w[1] - w[0] <= 1));
        let mut weight = [0u128; 4];
        for (p, s) in parts.iter().zip(&sizes) {
            weight[*p as usize - 1] += u128::from(*s) + u128::from(FILE_OVERHEAD);
        }
        let ideal = sum.weight / 4;
        for w in weight {
            assert!(w.abs_diff(ideal) < ideal / 20, "{weight:?} vs {ideal}");
        }
        // More parts than files: some parts are empty, none is out of range.
        let mut one = Listing::new();
        one.add("only", 5);
        let mut sh = Sharder::new(3, &one.summary());
        assert_eq!(sh.next(5), 1);
    }
}
