//! Verifying licence grants before a lineage walk (spec/lineage.md §5.6): a grant counts only
//! when a threshold of the keys trusted for the **ancestor's** name signed it, inside their
//! validity windows, and it is neither expired nor made in the future.
use sceau_core::dsse::Envelope;
use sceau_core::grant::{Grant, GrantError};
use sceau_core::Timestamp;
use sceau_verify::record::MAX_FUTURE_SKEW;
use sceau_verify::report::{CheckId, Report};
use sceau_verify::threshold::count_signers;
use sceau_verify::trust::{Claimed, Role, TrustResolver};

use crate::{LicenceGrant, Lineage, VerifiedGrant};

/// Why a grant does not count (spec/lineage.md §5.6). Never a failure of the verification: a
/// grant can only waive a term.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GrantRefused {
    /// Issued after the verification time (beyond the clock skew).
    #[error("made at {issued}, after the verification time {now}")]
    Future {
        /// When it says it was made.
        issued: Timestamp,
        /// The verification time.
        now: Timestamp,
    },
    /// Expired at or before the verification time.
    #[error("expired at {0}")]
    Expired(Timestamp),
    /// No key is trusted for the ancestor's name.
    #[error("nobody is trusted to sign for releases named {0:?}")]
    NoTrust(String),
    /// Not signed by the threshold of keys trusted for the ancestor's name.
    #[error(
        "signed by {signed} of the {threshold} keys required for {ancestor:?} (trust from \
         {source_}); {invalid} invalid signature(s), {untrusted} by other keys"
    )]
    BelowThreshold {
        /// Distinct trusted keys that signed.
        signed: usize,
        /// Distinct keys needed.
        threshold: usize,
        /// The ancestor's release name.
        ancestor: String,
        /// Where the trust came from.
        source_: String,
        /// Signatures that verify under no trusted key their key id names.
        invalid: usize,
        /// Signatures by untrusted keys.
        untrusted: usize,
    },
}

/// A grant file as read: its envelope and its (unverified) content.
#[derive(Clone, Debug)]
pub struct GrantFile {
    /// The file as given, for the report.
    pub label: String,
    envelope: Envelope,
    grant: Grant,
}

impl GrantFile {
    /// Reads a grant file's bytes (sizes, strict envelope and payload; spec/lineage.md §5.6).
    /// Nothing is verified.
    pub fn read(label: &str, bytes: &[u8]) -> Result<GrantFile, GrantError> {
        let (envelope, grant) = Grant::read_file(bytes)?;
        Ok(GrantFile {
            label: label.to_owned(),
            envelope,
            grant,
        })
    }

    /// What the grant says (NOT VERIFIED).
    pub fn grant(&self) -> &Grant {
        &self.grant
    }

    /// Verifies the grant under the trust for its ancestor's name at `now`; the error says
    /// why it does not count.
    pub fn verify(
        &self,
        resolver: &dyn TrustResolver,
        now: Timestamp,
    ) -> Result<VerifiedGrant, GrantRefused> {
        let g = &self.grant;
        if g.issued > now.saturating_add(MAX_FUTURE_SKEW) {
            return Err(GrantRefused::Future {
                issued: g.issued,
                now,
            });
        }
        if let Some(e) = g.expires.filter(|e| *e <= now) {
            return Err(GrantRefused::Expired(e));
        }
        let claimed = Claimed {
            name: &g.ancestor_name,
            signed_at: Some(g.issued),
            role: Role::Ancestor,
        };
        let Some(trust) = resolver.trust_for(&claimed) else {
            return Err(GrantRefused::NoTrust(g.ancestor_name.clone()));
        };
        let count = count_signers(&self.envelope, &trust.keys);
        if !count.meets(trust.threshold) {
            return Err(GrantRefused::BelowThreshold {
                signed: count.distinct(),
                threshold: trust.threshold,
                ancestor: g.ancestor_name.clone(),
                source_: trust.source,
                invalid: count.invalid_signatures,
                untrusted: count.untrusted_signatures,
            });
        }
        Ok(VerifiedGrant {
            grant: LicenceGrant {
                ancestor: g.ancestor,
                ancestor_name: g.ancestor_name.clone(),
                child_name: g.release.clone(),
                licence: g.licence.clone(),
            },
            signers: count.valid,
        })
    }
}

/// Verifies every grant file for a walk: those that count are returned, in order, for
/// [`crate::WalkOptions::grants`]; the others are listed as skipped `lineage grant`
/// checks naming the file and why. A grant can only waive a term, never add a failure, so one
/// that does not verify is reported and not counted.
pub fn verify_grants(
    files: &[GrantFile],
    resolver: &dyn TrustResolver,
    now: Timestamp,
    report: &mut Report,
) -> Vec<(String, VerifiedGrant)> {
    let mut out = Vec::new();
    for f in files {
        match f.verify(resolver, now) {
            Ok(v) => out.push((f.label.clone(), v)),
            Err(why) => report.skip(CheckId::Grant, format!("{}: not counted: {why}", f.label)),
        }
    }
    out
}

/// Lists, as skipped `lineage grant` checks, the verified grants the walk did not use (the
/// used ones are `licence-grant` checks, spec/lineage.md §7).
pub fn report_unused(grants: &[(String, VerifiedGrant)], lineage: &Lineage, report: &mut Report) {
    for (label, v) in grants {
        let used = lineage.grants.iter().any(|a| {
            a.ancestor == v.grant.ancestor
                && a.licence == v.grant.licence
                && lineage
                    .nodes
                    .get(&a.node)
                    .is_some_and(|n| n.name == v.grant.child_name)
        });
        if !used {
            report.skip(
                CheckId::Grant,
                format!(
                    "{label}: verified, not used: no release {:?} under {} inherits a term \
                     from {} (sha256:{}) in this lineage",
                    v.grant.child_name, v.grant.licence, v.grant.ancestor_name, v.grant.ancestor
                ),
            );
        }
    }
}
