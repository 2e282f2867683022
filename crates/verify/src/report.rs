//! The verification report: every check run, its outcome and a detail for people
//! (spec/verify.md §1). A check that could not run is listed as `skipped` with the reason;
//! nothing passes silently.
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

pub use crate::check::{CheckId, FindingKind, Stage};

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

impl Outcome {
    /// The outcome as the report writes it (`pass`, `fail`, `skipped`).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Skipped => "skipped",
        }
    }
}

/// One check. Serialised as `{stage, name, outcome, detail}`, `name` being the id followed,
/// for a check with a subject, by `:` and the subject (`require:mof-openness`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// What was checked.
    pub id: CheckId,
    /// What it was checked for, when one id is listed several times (the requirement of a
    /// `require` check).
    pub subject: Option<String>,
    /// Outcome.
    pub outcome: Outcome,
    /// For people: what was compared and found.
    pub detail: String,
}

impl Check {
    /// The check's stage.
    pub fn stage(&self) -> Stage {
        self.id.stage()
    }

    /// The name the report writes: the id, and `:subject` when there is one.
    pub fn name(&self) -> String {
        match &self.subject {
            Some(s) => format!("{}:{s}", self.id),
            None => self.id.as_str().to_owned(),
        }
    }

    /// `stage name`, how a failure is cited ("not checked: signature threshold failed").
    pub fn label(&self) -> String {
        format!("{} {}", self.stage(), self.name())
    }
}

impl Serialize for Check {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Check", 4)?;
        st.serialize_field("stage", &self.stage())?;
        st.serialize_field("name", &self.name())?;
        st.serialize_field("outcome", &self.outcome)?;
        st.serialize_field("detail", &self.detail)?;
        st.end()
    }
}

/// Every check a verification ran.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// In the order they ran.
    pub checks: Vec<Check>,
}

impl Report {
    /// Adds a check.
    pub fn push(&mut self, id: CheckId, outcome: Outcome, detail: impl Into<String>) {
        self.checks.push(Check {
            id,
            subject: None,
            outcome,
            detail: detail.into(),
        });
    }

    /// Adds a check about `subject` (one of several checks with the same id).
    pub fn push_about(
        &mut self,
        id: CheckId,
        subject: impl Into<String>,
        outcome: Outcome,
        detail: impl Into<String>,
    ) {
        self.checks.push(Check {
            id,
            subject: Some(subject.into()),
            outcome,
            detail: detail.into(),
        });
    }

    /// Adds a passed check.
    pub fn pass(&mut self, id: CheckId, detail: impl Into<String>) {
        self.push(id, Outcome::Pass, detail);
    }

    /// Adds a failed check.
    pub fn fail(&mut self, id: CheckId, detail: impl Into<String>) {
        self.push(id, Outcome::Fail, detail);
    }

    /// Adds a skipped check.
    pub fn skip(&mut self, id: CheckId, detail: impl Into<String>) {
        self.push(id, Outcome::Skipped, detail);
    }

    /// Appends every check of `other`, in order.
    pub fn extend(&mut self, other: Report) {
        self.checks.extend(other.checks);
    }

    /// Whether a check with this id is listed.
    pub fn has(&self, id: CheckId) -> bool {
        self.checks.iter().any(|c| c.id == id)
    }

    /// Whether a check with this id and subject is listed.
    pub fn has_about(&self, id: CheckId, subject: &str) -> bool {
        self.checks
            .iter()
            .any(|c| c.id == id && c.subject.as_deref() == Some(subject))
    }

    /// The first check with this id.
    pub fn get(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// Whether any check of this stage is listed.
    pub fn has_stage(&self, stage: Stage) -> bool {
        self.checks.iter().any(|c| c.stage() == stage)
    }

    /// Adds a skipped check unless one with that id is already listed: how the checks that
    /// did not run are listed after an early stop (spec/verify.md §1).
    pub fn skip_unlisted(&mut self, id: CheckId, detail: &str) {
        if !self.has(id) {
            self.skip(id, detail);
        }
    }

    /// The first failed check.
    pub fn first_failure(&self) -> Option<&Check> {
        self.failures().next()
    }

    /// The detail of a check that did not run: `not checked: STAGE NAME failed`, naming the
    /// first failure.
    pub fn not_checked(&self) -> String {
        match self.first_failure() {
            Some(f) => format!("not checked: {} failed", f.label()),
            None => "not checked".to_owned(),
        }
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
