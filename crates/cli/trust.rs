//! Loading trust for verify and lineage: `--key` files or a policy chain.
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use sceau_verify::grant::GrantFile;
use sceau_verify::policy::{read_policy_envelope, verify_chain, PolicyError, VerifiedPolicy};
use sceau_verify::store::{Loose, RecordSource, Sources, Store};
use sceau_verify::trust::{FixedTrust, PolicyTrust, Trust, TrustResolver};

use crate::error::CliError;
use crate::keys::load_public_all;

/// What the user trusts.
pub enum Loaded {
    /// `--key` files, one threshold for every name.
    Keys(Trust),
    /// A verified policy (chain walked from the pinned one).
    Policy(Box<VerifiedPolicy>, usize),
    /// The policy files were read but did not verify.
    PolicyFailed(PathBuf, PolicyError),
}

fn read_policy(p: &Path) -> Result<sceau_core::dsse::Envelope, CliError> {
    let bytes =
        crate::input::read_capped(p, sceau_verify::policy::MAX_POLICY_ENVELOPE_BYTES, "policy")?;
    read_policy_envelope(&bytes)
        .map_err(|e| CliError::input(anyhow::Error::new(e).context(p.display().to_string())))
}

/// Loads trust. Unreadable files are input errors (exit 2); a policy that does not verify is
/// returned as [`Loaded::PolicyFailed`] for the report (exit 1).
pub fn load(
    keys: &[PathBuf],
    policy: Option<&Path>,
    updates: &[PathBuf],
    threshold: Option<usize>,
    now: time::OffsetDateTime,
) -> Result<Loaded, CliError> {
    if threshold == Some(0) {
        return Err(CliError::input(anyhow!(
            "--threshold 0 would accept an unsigned record"
        )));
    }
    if let Some(p) = policy {
        let pinned = read_policy(p)?;
        let ups = updates
            .iter()
            .map(|u| read_policy(u))
            .collect::<Result<Vec<_>, _>>()?;
        return match verify_chain(&pinned, &ups, now) {
            Ok(vp) => Ok(Loaded::Policy(Box::new(vp), ups.len())),
            // A policy that is well formed but does not verify is a verification failure
            // (exit 1); one that is not a policy at all is an input error (exit 2).
            Err(e) if verification_failure(&e) => {
                let named = match &e {
                    PolicyError::Update { position, .. } => updates.get(position - 1).cloned(),
                    _ => None,
                };
                Ok(Loaded::PolicyFailed(
                    named.unwrap_or_else(|| p.to_owned()),
                    e,
                ))
            }
            Err(e) => Err(
                CliError::input(anyhow::Error::new(e).context(p.display().to_string()))
                    .hint("--policy takes a policy written by `sceau policy init` or `update`"),
            ),
        };
    }
    if keys.is_empty() {
        return Err(CliError::input(anyhow!("no trust given"))
            .hint("pass --key MAINTAINER.pub (repeatable) or --policy POLICY"));
    }
    let mut list = Vec::new();
    for k in keys {
        // A file may hold several keys (spec/keys.md §8): each is a candidate.
        for (pk, comment) in load_public_all(k)? {
            list.push((comment.unwrap_or_else(|| k.display().to_string()), pk));
        }
    }
    let threshold = threshold.unwrap_or(1);
    if threshold > list.len() {
        return Err(CliError::input(anyhow!(
            "--threshold {threshold} is more than the {} key(s) given",
            list.len()
        )));
    }
    Ok(Loaded::Keys(Trust::keys(list, threshold, "--key")))
}

/// Whose signatures count for each record, from what was loaded; `at_least` is
/// `--threshold` on top of a policy's. A policy that did not verify is a failure (exit 1)
/// for the commands that need a verified record before they can say anything.
pub fn resolver(loaded: &Loaded, at_least: usize) -> Result<Box<dyn TrustResolver + '_>, CliError> {
    match loaded {
        Loaded::Keys(t) => Ok(Box::new(FixedTrust(t.clone()))),
        Loaded::Policy(policy, _) => Ok(Box::new(PolicyTrust { policy, at_least })),
        Loaded::PolicyFailed(p, e) => Err(CliError {
            code: crate::error::EXIT_FAILED,
            error: anyhow!("policy {} does not verify: {e}", p.display()),
            hint: None,
        }),
    }
}

/// Reads the `--grant` files (format only: an unreadable or malformed grant is an input error;
/// whether a grant counts is decided when it is verified, spec/lineage.md §5.6).
pub fn grants(ancestry: &crate::args::AncestryArgs) -> Result<Vec<GrantFile>, CliError> {
    ancestry
        .grants
        .iter()
        .map(|p| {
            let bytes =
                crate::input::read_capped(p, sceau_core::grant::MAX_GRANT_FILE_BYTES, "grant")?;
            let label = p.display().to_string();
            GrantFile::read(&label, &bytes).map_err(|e| {
                CliError::input(anyhow::Error::new(e).context(label))
                    .hint("--grant takes a file written by `sceau grant`")
            })
        })
        .collect()
}

/// Verifies the `--grant` files for a walk outside `sceau verify` (lineage, openness):
/// returns the grants that count and prints why the others do not, as warnings.
pub fn walk_grants(
    files: &[GrantFile],
    resolver: &dyn TrustResolver,
    now: time::OffsetDateTime,
) -> Vec<sceau_verify::lineage::VerifiedGrant> {
    let mut notes = sceau_verify::report::Report::default();
    let ok = sceau_verify::grant::verify_grants(files, resolver, now, &mut notes);
    for c in &notes.checks {
        eprintln!("warning: {}", crate::input::clean(&c.detail));
    }
    ok.into_iter().map(|(_, g)| g).collect()
}

/// Where parent records are looked up: the store first, then the `--with` records.
pub fn ancestors<'a>(store: Option<&'a Store>, loose: &'a Loose) -> Sources<'a> {
    let mut srcs: Vec<&dyn RecordSource> = Vec::new();
    if let Some(s) = store {
        srcs.push(s);
    }
    srcs.push(loose);
    Sources(srcs)
}

/// Builds the record source for lineage walks from `--store` and `--with`.
pub fn sources(
    ancestry: &crate::args::AncestryArgs,
) -> Result<
    (
        Option<sceau_verify::store::Store>,
        sceau_verify::store::Loose,
    ),
    CliError,
> {
    let store = match &ancestry.store {
        Some(d) => Some(sceau_verify::store::Store::open(d).map_err(|e| {
            CliError::input(anyhow::Error::new(e))
                .hint("create it with `sceau store add RECORD… --store DIR`")
        })?),
        None => None,
    };
    let mut loose = sceau_verify::store::Loose::default();
    for w in &ancestry.with {
        let bytes = crate::input::read_capped(w, sceau_core::dsse::MAX_ENVELOPE_BYTES, "record")?;
        loose.add(&bytes).map_err(|e| {
            CliError::input(anyhow::Error::new(e).context(format!("--with {}", w.display())))
        })?;
    }
    Ok((store, loose))
}

fn verification_failure(e: &PolicyError) -> bool {
    match e {
        PolicyError::Update { source, .. } => verification_failure(source),
        PolicyError::BelowThreshold { .. }
        | PolicyError::RotationNotSignedByPrevious { .. }
        | PolicyError::Rollback { .. }
        | PolicyError::VersionGap { .. }
        | PolicyError::RevocationDropped { .. }
        | PolicyError::Expired { .. } => true,
        _ => false,
    }
}
