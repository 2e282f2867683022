//! Verifying licence grants before a lineage walk (spec/lineage.md §5.6): a grant counts only
//! when a threshold of the keys trusted for the **ancestor's** name signed it, inside their
//! validity windows, and it is neither expired nor made in the future.
use sceau_core::dsse::Envelope;
use sceau_core::grant::{Grant, GrantError};
use time::OffsetDateTime;

use crate::{LicenceGrant, Lineage, VerifiedGrant};
use sceau_verify::record::{fmt_time, MAX_FUTURE_SKEW};
use sceau_verify::report::{Report, Stage};
use sceau_verify::threshold::count_signers;
use sceau_verify::trust::{Claimed, TrustResolver};

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
        now: OffsetDateTime,
    ) -> Result<VerifiedGrant, String> {
        let g = &self.grant;
        if g.issued > now + MAX_FUTURE_SKEW {
            return Err(format!(
                "made at {}, after the verification time {}",
                fmt_time(g.issued),
                fmt_time(now)
            ));
        }
        if let Some(e) = g.expires.filter(|e| *e <= now) {
            return Err(format!("expired at {}", fmt_time(e)));
        }
        let claimed = Claimed {
            name: &g.ancestor_name,
            signed_at: Some(g.issued),
        };
        let Some(trust) = resolver.trust_for(&claimed) else {
            return Err(format!(
                "nobody is trusted to sign for releases named {:?}",
                g.ancestor_name
            ));
        };
        let count = count_signers(&self.envelope, &trust.keys);
        if !count.meets(trust.threshold) {
            return Err(format!(
                "signed by {} of the {} keys required for {:?} (trust from {}); {} invalid \
                 signature(s), {} by other keys",
                count.distinct(),
                trust.threshold,
                g.ancestor_name,
                trust.source,
                count.invalid_signatures,
                count.untrusted_signatures
            ));
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
    now: OffsetDateTime,
    report: &mut Report,
) -> Vec<(String, VerifiedGrant)> {
    let mut out = Vec::new();
    for f in files {
        match f.verify(resolver, now) {
            Ok(v) => out.push((f.label.clone(), v)),
            Err(why) => report.skip(
                Stage::Lineage,
                "grant",
                format!("{}: not counted: {why}", f.label),
            ),
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
                Stage::Lineage,
                "grant",
                format!(
                    "{label}: verified, not used: no release {:?} under {} inherits a term \
                     from {} (sha256:{}) in this lineage",
                    v.grant.child_name, v.grant.licence, v.grant.ancestor_name, v.grant.ancestor
                ),
            );
        }
    }
}
