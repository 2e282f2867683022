//! The verification report: every check run, its stage and outcome (spec/verify.md §1).
//!
//! A check that could not run is listed as `skipped` with the reason; nothing passes silently.
use serde::Serialize;

/// Where in the pipeline a check belongs, so scripts can tell what failed (STYLE §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Stage {
    /// Reading the record and its payload.
    Parse,
    /// Signatures and thresholds.
    Signature,
    /// Trust policy: expiry, revocation, rotation.
    Policy,
    /// Rollback, equivocation, signing time.
    Freshness,
    /// The files on disk against the record.
    Tree,
    /// The chain of parent records (spec/lineage.md §7).
    Lineage,
    /// Certification attestations required with `--require` (spec/attestations.md §3).
    Claims,
}

impl Stage {
    /// The stage's name as the report writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Parse => "parse",
            Stage::Signature => "signature",
            Stage::Policy => "policy",
            Stage::Freshness => "freshness",
            Stage::Tree => "tree",
            Stage::Lineage => "lineage",
            Stage::Claims => "claims",
        }
    }
}

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Checked and good.
    Pass,
    /// Checked and bad: verification fails.
    Fail,
    /// Not checked; the detail says why.
    Skipped,
}

/// One check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Pipeline stage.
    pub stage: Stage,
    /// Short stable name within its stage, e.g. `threshold`, `modified`.
    pub name: String,
    /// Outcome.
    pub outcome: Outcome,
    /// For people: what was compared and found.
    pub detail: String,
}

/// Every check a verification ran.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// In the order they ran.
    pub checks: Vec<Check>,
}

impl Report {
    /// Adds a check.
    pub fn push(&mut self, stage: Stage, name: &str, outcome: Outcome, detail: impl Into<String>) {
        self.checks.push(Check {
            stage,
            name: name.into(),
            outcome,
            detail: detail.into(),
        });
    }

    /// Adds a passed check.
    pub fn pass(&mut self, stage: Stage, name: &str, detail: impl Into<String>) {
        self.push(stage, name, Outcome::Pass, detail);
    }

    /// Adds a failed check.
    pub fn fail(&mut self, stage: Stage, name: &str, detail: impl Into<String>) {
        self.push(stage, name, Outcome::Fail, detail);
    }

    /// Adds a skipped check.
    pub fn skip(&mut self, stage: Stage, name: &str, detail: impl Into<String>) {
        self.push(stage, name, Outcome::Skipped, detail);
    }

    /// Whether a check of this stage and name is listed.
    pub fn has(&self, stage: Stage, name: &str) -> bool {
        self.checks
            .iter()
            .any(|c| c.stage == stage && c.name == name)
    }

    /// Whether any check of this stage is listed.
    pub fn has_stage(&self, stage: Stage) -> bool {
        self.checks.iter().any(|c| c.stage == stage)
    }

    /// Adds a skipped check unless one of that stage and name is already listed: how the
    /// checks that did not run are listed after an early stop (spec/verify.md §1).
    pub fn skip_unlisted(&mut self, stage: Stage, name: &str, detail: &str) {
        if !self.has(stage, name) {
            self.skip(stage, name, detail);
        }
    }

    /// The first failed check, as `stage name`.
    pub fn first_failure(&self) -> Option<String> {
        self.failures()
            .next()
            .map(|c| format!("{} {}", c.stage.as_str(), c.name))
    }

    /// True when no check failed and at least one ran.
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.outcome != Outcome::Fail)
    }

    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.outcome == Outcome::Fail)
    }
}
