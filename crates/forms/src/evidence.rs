//! What the record shows, gathered once before any field is answered (spec/forms.md §4): the
//! release and its identity, whether and how it verified, its effective claims seen through
//! the claims file's keys, the facts of its signed `config.json`, and its parents as the
//! verified lineage shows them, each verified parent's own summary link read from its record.
use sceau_core::claims::{Claims, InheritedLicence};
use sceau_core::{Relation, Release, Sha256Digest};
use sceau_lineage::{Lineage, NodeStatus};
use sceau_pipeline::verify::Verification;
use sceau_verify::record::{parse_payload, UnverifiedRecord};
use sceau_verify::store::RecordSource;
use serde_json::Value;

use crate::config::{read_config, ConfigFacts};
use crate::form::RecordStatus;

/// The path of the configuration the forms read (spec/forms.md §4.2).
pub const CONFIG_PATH: &str = "config.json";

/// A parent as the verified lineage shows it.
#[derive(Clone, Debug)]
pub(crate) struct ParentView {
    pub name: String,
    pub version: String,
    pub relation: Relation,
    pub digest: Sha256Digest,
    /// `None` when verified; otherwise why not.
    pub unverified: Option<String>,
    /// The parent's own summary link (`documentation.training_summary` of its verified
    /// record).
    pub summary: Option<String>,
}

/// How much is known of the parents.
#[derive(Clone, Debug)]
pub(crate) enum Parents {
    /// The record did not verify (or was not verified): its parents are what it says.
    Unchecked,
    /// The record verified, but no `--store` or `--with` was given: not walked.
    NotWalked,
    /// The lineage was walked.
    Walked {
        parents: Vec<ParentView>,
        inherited: Vec<InheritedLicence>,
    },
}

/// Everything the answers read.
pub(crate) struct Evidence {
    pub release: Release,
    pub record_id: Sha256Digest,
    pub signed_at: Option<String>,
    pub status: RecordStatus,
    /// The effective claims (spec/claims.md §2.3).
    pub claims: Claims,
    /// The effective claims as the claims file writes them (the disclosure tables at the top
    /// level), for the generic answers.
    pub view: Value,
    pub config: Option<ConfigFacts>,
    pub parents: Parents,
    pub problems: Vec<String>,
    pub passed: bool,
}

/// The effective claims keyed as the claims file keys them.
fn claims_view(c: &Claims) -> Value {
    let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
    if let Some(m) = v.as_object_mut() {
        if let Some(Value::Object(d)) = m.remove("disclosure") {
            m.extend(d);
        }
    }
    v
}

/// The value at a dotted claims key (`training_data.crawled.from`).
pub(crate) fn lookup<'a>(view: &'a Value, key: &str) -> Option<&'a Value> {
    key.split('.').try_fold(view, |v, k| v.get(k))
}

impl Evidence {
    pub(crate) fn new(
        release: Release,
        record_id: Sha256Digest,
        signed_at: Option<String>,
        status: RecordStatus,
        parents: Parents,
    ) -> Evidence {
        let claims = Claims::effective(&release);
        Evidence {
            view: claims_view(&claims),
            claims,
            release,
            record_id,
            signed_at,
            status,
            config: None,
            parents,
            problems: Vec::new(),
            passed: true,
        }
    }

    /// From a record read without verifying it.
    pub fn unverified(rec: &UnverifiedRecord) -> Evidence {
        let signed_at = sceau_verify::record::signing_time(&rec.statement)
            .and_then(Result::ok)
            .map(|t| t.to_string());
        Evidence::new(
            rec.release.clone(),
            rec.payload_sha256,
            signed_at,
            RecordStatus::NotVerified,
            Parents::Unchecked,
        )
    }

    /// From a verification whose record verified; `sources` are where its ancestors were
    /// looked up (the parents' summary links are read from their records there).
    pub fn verified(v: &Verification, sources: Option<&dyn RecordSource>) -> Option<Evidence> {
        let rec = v.verified_record()?;
        let status = RecordStatus::Verified {
            trust: rec.trust_source().to_owned(),
            signers: rec.signers().iter().map(|s| s.to_string()).collect(),
        };
        let parents = match (&v.lineage, sources) {
            (Some(l), Some(src)) => walked(rec.release(), l, src),
            _ => Parents::NotWalked,
        };
        let mut e = Evidence::new(
            rec.release().clone(),
            *rec.digest(),
            rec.signed_at().map(|t| t.to_string()),
            status,
            parents,
        );
        if let Some(l) = &v.lineage {
            for f in l.fatal() {
                e.problems.push(format!("lineage: {}", f.detail));
                e.passed = false;
            }
        }
        Some(e)
    }

    /// Reads the configuration given (the bytes of the release folder's `config.json`) when
    /// the record signs exactly these bytes (spec/forms.md §4.2); otherwise says why not.
    pub fn with_config(&mut self, bytes: &[u8]) {
        let Some(a) = self.release.artifact(CONFIG_PATH) else {
            self.problems.push(format!(
                "the record lists no {CONFIG_PATH}: the one given was not used"
            ));
            return;
        };
        let got = sceau_scan::hash::sha256(bytes);
        if got != a.sha256 || bytes.len() as u64 != a.size {
            self.problems.push(format!(
                "{CONFIG_PATH} differs from the record (sha256:{got}, the record signs sha256:{}): it was not used",
                a.sha256
            ));
            self.passed = false;
            return;
        }
        match read_config(bytes) {
            Ok(f) => self.config = Some(f),
            Err(e) => self.problems.push(format!("{e}: its facts were not used")),
        }
    }
}

/// The root's parents as the walk found them, nearest first in the record's order.
fn walked(release: &Release, l: &Lineage, sources: &dyn RecordSource) -> Parents {
    let parents = release
        .parents
        .iter()
        .map(|p| {
            let node = l.nodes.get(&p.record);
            let unverified = match node.map(|n| &n.status) {
                Some(NodeStatus::Verified) => None,
                Some(NodeStatus::Unverified { reason }) => Some(format!("not verified: {reason}")),
                Some(NodeStatus::Missing) | None => Some("its record was not found".to_owned()),
                Some(NodeStatus::Rejected { reason }) => Some(format!("refused: {reason}")),
            };
            let summary = if unverified.is_none() {
                summary_link(sources, &p.record)
            } else {
                None
            };
            ParentView {
                name: node.map_or_else(|| p.name.clone(), |n| n.name.clone()),
                version: node.map_or_else(|| p.version.clone(), |n| n.version.clone()),
                relation: p.relation,
                digest: p.record,
                unverified,
                summary,
            }
        })
        .collect();
    Parents::Walked {
        parents,
        inherited: l.inherited_licences.clone(),
    }
}

/// The summary link a parent's record declares. The record is the one the walk verified:
/// a record source returns only a record whose payload hashes to the digest asked for.
fn summary_link(sources: &dyn RecordSource, digest: &Sha256Digest) -> Option<String> {
    let env = sources.get(digest).ok()??;
    if sceau_scan::hash::sha256(&env.payload) != *digest {
        return None;
    }
    let (_, _, release) = parse_payload(&env.payload).ok()?;
    let c = Claims::effective(&release);
    c.disclosure
        .documentation
        .and_then(|d| d.training_summary)
        .map(|l| l.as_str().to_owned())
}
