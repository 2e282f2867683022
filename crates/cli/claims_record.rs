//! The record that `sceau openness` and `sceau check` read claims from: verified end to end
//! by the pipeline under the trust given, or, when no trust is given and the command allows
//! it, read as it describes itself and marked NOT VERIFIED (spec/claims.md §6).
use std::path::Path;

use anyhow::anyhow;
use sceau_claims::openness::{evaluate, OpennessReport};
use sceau_core::claims::Inherited;
use sceau_core::{RecordId, Release};
use sceau_pipeline::verify::{self as pipeline, Request};
use sceau_verify::record::read_unverified;

use crate::args::{AncestryArgs, TrustArgs};
use crate::error::CliError;
use crate::input::clean;
use crate::trust::{require_verified, warn_grants, Ancestry, LoadedTrust};

/// A record read for the claims commands.
pub struct ClaimsRecord {
    /// The release.
    pub release: Release,
    /// The record's id.
    pub record_id: RecordId,
    /// Whether the signatures were checked and met the threshold.
    pub verified: bool,
    /// Who signed, as "name (keyid)", when verified.
    pub signers: Vec<String>,
    /// What the release inherits from its lineage (datasets, weights licences).
    pub inherited: Inherited,
    /// The openness computed from the record (and the inherited datasets).
    pub openness: OpennessReport,
    /// Things the reader should know (lineage not walked, ancestors that failed).
    pub notes: Vec<String>,
}

/// Reads and verifies `path`. Without `--key` / `--policy`: an input error when
/// `require_trust`, else the record is read NOT VERIFIED.
pub fn load(
    path: &Path,
    trust_args: &TrustArgs,
    ancestry_args: &AncestryArgs,
    require_trust: bool,
) -> Result<ClaimsRecord, CliError> {
    let bytes = crate::input::read_sceau_record(path)?;
    let unverified = read_unverified(&bytes).map_err(|e| {
        CliError::input(anyhow::Error::new(e).context(path.display().to_string()))
            .hint("RECORD must be a record written by `sceau sign`")
    })?;
    if !LoadedTrust::given(trust_args) && !require_trust {
        let mut notes = vec![
            "NOT VERIFIED: computed from the record as it describes itself; pass --key or \
             --policy to check its signatures"
                .to_owned(),
        ];
        if ancestry_args.store.is_some() || !ancestry_args.with.is_empty() {
            notes.push(
                "ancestors not walked: they can only be verified under --key or --policy".into(),
            );
        }
        let openness = evaluate(&unverified.release, &Inherited::default());
        return Ok(ClaimsRecord {
            release: unverified.release,
            record_id: RecordId(unverified.payload_sha256),
            verified: false,
            signers: Vec::new(),
            inherited: Inherited::default(),
            openness,
            notes,
        });
    }
    let trust = LoadedTrust::load(trust_args).map_err(|e| {
        if LoadedTrust::given(trust_args) {
            e
        } else {
            e.hint("the card is compared with the record only once the record verifies: pass --key MAINTAINER.pub or --policy POLICY")
        }
    })?;
    let ancestry = Ancestry::load(ancestry_args)?;
    if let Some(e) = trust.policy_failure() {
        return Err(e);
    }
    let sources = ancestry.sources();
    let v = pipeline::verify(Request {
        // Datasets that verified ancestors declare count toward the OSAID data information.
        ancestors: ancestry.given().then_some(&sources as _),
        walk: ancestry.walk_options(),
        grants: &ancestry.grants,
        ..Request::new(&bytes, trust.root(), trust.now)
    });
    let rec = require_verified(
        &v,
        path,
        "check --key / --policy: claims are only read from a record that verifies",
    )?;
    warn_grants(&v);
    let mut notes = Vec::new();
    if !rec.release().parents.is_empty() {
        match &v.lineage {
            None => notes.push(
                "the release has parents but no --store or --with was given: the datasets \
                 and the weights licences of its ancestors are not counted"
                    .into(),
            ),
            Some(l) if !l.passed() => notes.push(format!(
                "lineage: {} check(s) failed (see `sceau verify --store`); only the datasets \
                 and weights licences of verified ancestors are counted",
                l.fatal().count()
            )),
            Some(_) => {}
        }
    }
    let openness = v
        .openness
        .clone()
        .ok_or_else(|| CliError::input(anyhow!("internal error: no openness computed")))?;
    Ok(ClaimsRecord {
        signers: rec
            .signers()
            .iter()
            .map(|s| clean(&s.to_string()))
            .collect(),
        release: rec.release().clone(),
        record_id: rec.id(),
        verified: true,
        inherited: v.inherited(),
        openness,
        notes,
    })
}
