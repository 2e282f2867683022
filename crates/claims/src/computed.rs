//! Requirements of certification standards that sceau computes from a record, so that an
//! attestation can be held to the computation (spec/attestations.md §3.5): a certifier may not
//! attest what the record computably fails, and `--require` fails when an attestation and the
//! computation disagree. Today: the `mof-openness` standard's class requirements, from the MOF
//! class the record reaches (spec/claims.md §3). Other standards' requirements are judgments
//! sceau does not make; for them [`computed`] says nothing.
use sceau_core::claims::MofClass;

use crate::openness::OpennessReport;

/// The standard whose requirements are the MOF classes.
pub const MOF_STANDARD: &str = "mof-openness";

/// What the record computably does for one requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Computed {
    /// Whether the record meets it.
    pub met: bool,
    /// For people: what was computed ("reaches MOF class II", "reaches no MOF class").
    pub detail: String,
}

/// The computation for `requirement` of `standard`, when sceau computes it.
pub fn computed(standard: &str, requirement: &str, openness: &OpennessReport) -> Option<Computed> {
    if standard != MOF_STANDARD {
        return None;
    }
    let wanted = match requirement {
        "class-iii" => MofClass::III,
        "class-ii" => MofClass::II,
        "class-i" => MofClass::I,
        _ => return None,
    };
    let reached = openness.class;
    Some(Computed {
        met: reached.is_some_and(|c| c.covers(wanted)),
        detail: match reached {
            Some(c) => format!("the record reaches MOF {c}"),
            None => "the record reaches no MOF class".to_owned(),
        },
    })
}
