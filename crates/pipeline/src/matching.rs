//! `sceau match` end to end: the signed releases of a record store whose weights a release
//! derives from without declaring it (spec/lineage.md §8.3). One library call,
//! [`find_ancestors`]; `sceau verify --store` runs the same search as its
//! `lineage undeclared-ancestor` check ([`check_store`]).
//!
//! Only store records that verify under the trust given count, each verified by the one
//! verification flow ([`crate::verify::verify`]). When the release examined verified too, the
//! earlier signing time is the ancestor: a store record signed later that shares its weights
//! is reported, not failed.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sceau_core::{IgnoreRules, Sha256Digest, Timestamp};
use sceau_lineage::weights::{
    declared_closure, find_matches, Candidate, ReleasePrints, Subject, WeightMatch,
};
use sceau_scan::ScanError;
use sceau_verify::record::{read_unverified, RecordError};
use sceau_verify::report::{CheckId, Report};
use sceau_verify::store::{RecordSource, Store, StoreError};
use serde::Serialize;

use crate::verify::{verify, Request, TrustRoot};

/// Most ancestors followed for one release's declared ancestry (the closure of its parents
/// through the store's records).
pub const MAX_DECLARED_ANCESTORS: usize = 4096;

/// What to search for.
#[derive(Clone, Copy, Debug)]
pub enum MatchSubject<'a> {
    /// A record's bytes: its recorded fingerprints are compared, its declared ancestry
    /// honoured, and its signing time used when it verifies under the trust.
    Record(&'a [u8]),
    /// A release folder: its weight files are fingerprinted now (nothing is hashed); it
    /// declares nothing and has no trusted time.
    Folder(&'a Path),
}

/// What [`find_ancestors`] needs.
pub struct MatchRequest<'a> {
    /// The release examined.
    pub subject: MatchSubject<'a>,
    /// The store searched.
    pub store: &'a Store,
    /// Whom to trust: only store records that verify under it count.
    pub trust: TrustRoot<'a>,
    /// The verification time.
    pub now: Timestamp,
}

/// The release examined, as the report shows it.
#[derive(Clone, Debug, Serialize)]
pub struct SubjectInfo {
    /// Its release name (a folder: none).
    pub name: Option<String>,
    /// Its release version.
    pub version: Option<String>,
    /// Its record's digest.
    pub record: Option<Sha256Digest>,
    /// Whether its record verified under the trust given.
    pub verified: bool,
    /// Why it did not verify, when it is a record that did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_verified: Option<String>,
    /// Its signing time when it verified.
    pub signed_at: Option<Timestamp>,
    /// The ancestors its record declares (directly or through the store), by digest.
    pub declared_ancestors: Vec<Sha256Digest>,
    /// Weight files with a usable fingerprint.
    pub fingerprinted: Vec<String>,
    /// Weight files without one, and why.
    pub not_fingerprinted: Vec<(String, String)>,
}

/// What the store held.
#[derive(Clone, Debug, Default, Serialize)]
pub struct StoreSummary {
    /// Records in the store.
    pub records: usize,
    /// Records that verified under the trust: the candidates.
    pub trusted: usize,
    /// Trusted records with a usable fingerprint: the ones compared.
    pub compared: usize,
    /// Records that did not verify (they do not count), by digest, with the first reason.
    pub untrusted: Vec<(Sha256Digest, String)>,
    /// Store entries that could not be read, with the error.
    pub unreadable: Vec<String>,
}

/// What the search found.
#[derive(Clone, Debug, Serialize)]
pub struct MatchReport {
    /// The release examined.
    pub subject: SubjectInfo,
    /// The store.
    pub store: StoreSummary,
    /// The trusted store records whose weights share values with the subject's, strongest
    /// evidence first, each with where it stands.
    pub matches: Vec<WeightMatch>,
}

impl MatchReport {
    /// The undeclared ancestors: what fails.
    pub fn undeclared(&self) -> impl Iterator<Item = &WeightMatch> {
        self.matches.iter().filter(|m| m.fails())
    }

    /// Whether an undeclared ancestor was found.
    pub fn found_undeclared(&self) -> bool {
        self.undeclared().next().is_some()
    }
}

/// Why nothing was searched: input errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MatchError {
    /// The record examined is not a sceau record.
    #[error("not a sceau record: {0}")]
    Record(#[from] RecordError),
    /// The folder examined could not be walked.
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// The store could not be listed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The release examined has no usable weight fingerprint: nothing to compare.
    #[error("nothing to compare: {why}")]
    NoFingerprints {
        /// Why.
        why: String,
    },
}

/// The trusted records of a store, and every readable record's declared parents.
struct Trusted {
    candidates: Vec<Candidate>,
    summary: StoreSummary,
    parents: BTreeMap<Sha256Digest, Vec<Sha256Digest>>,
}

impl Trusted {
    /// Reads and verifies every record of the store (spec/lineage.md §8.3).
    fn load(store: &Store, trust: TrustRoot<'_>, now: Timestamp) -> Result<Trusted, StoreError> {
        let digests = store.digests()?;
        let mut t = Trusted {
            candidates: Vec::new(),
            summary: StoreSummary {
                records: digests.len(),
                ..StoreSummary::default()
            },
            parents: BTreeMap::new(),
        };
        let mut pending = Vec::new();
        for d in digests {
            let env = match store.get(&d) {
                Ok(Some(env)) => env,
                Ok(None) => continue,
                Err(e) => {
                    t.summary.unreadable.push(e.to_string());
                    continue;
                }
            };
            let bytes = env.to_json();
            let v = verify(Request::new(&bytes, trust, now));
            let release = match v.verified_record() {
                Some(rec) => {
                    pending.push((d, rec.signed_at(), rec.release().clone()));
                    rec.release().clone()
                }
                None => {
                    let why = v
                        .record_failures()
                        .next()
                        .map(|c| format!("{}: {}", c.label(), c.detail))
                        .unwrap_or_else(|| "not verified".into());
                    t.summary.untrusted.push((d, why));
                    match read_unverified(&bytes) {
                        Ok(u) => u.release,
                        Err(e) => {
                            t.summary.unreadable.push(format!("sha256:{d}: {e}"));
                            continue;
                        }
                    }
                }
            };
            t.parents
                .insert(d, release.parents.iter().map(|p| p.record).collect());
        }
        t.summary.trusted = pending.len();
        for (digest, signed_at, release) in pending {
            let prints = ReleasePrints::of(&release);
            if prints.is_empty() {
                continue;
            }
            t.summary.compared += 1;
            let ancestors = t.closure(release.parents.iter().map(|p| p.record));
            t.candidates.push(Candidate {
                digest,
                name: release.name,
                version: release.version,
                signed_at,
                ancestors,
                prints,
            });
        }
        Ok(t)
    }

    /// Every ancestor the parents lead to through the store's records.
    fn closure(&self, parents: impl IntoIterator<Item = Sha256Digest>) -> BTreeSet<Sha256Digest> {
        let of = |d: &Sha256Digest| self.parents.get(d).cloned().unwrap_or_default();
        declared_closure(parents, &of, MAX_DECLARED_ANCESTORS)
    }
}

/// Searches the store for the trusted releases whose weights the subject's derive from
/// (spec/lineage.md §8.3): `sceau match`.
pub fn find_ancestors(req: MatchRequest<'_>) -> Result<MatchReport, MatchError> {
    // The subject first: a malformed one is an input error before any store record is read.
    let subject = match req.subject {
        MatchSubject::Record(bytes) => {
            let v = verify(Request::new(bytes, req.trust, req.now));
            match v.verified_record() {
                Some(rec) => SubjectParts {
                    release: Some(rec.release().clone()),
                    digest: Some(*rec.digest()),
                    signed_at: rec.signed_at(),
                    not_verified: None,
                    prints: ReleasePrints::of(rec.release()),
                },
                None => {
                    let u = read_unverified(bytes)?;
                    let why = v
                        .record_failures()
                        .next()
                        .map(|c| format!("{}: {}", c.label(), c.detail))
                        .unwrap_or_else(|| "not verified".into());
                    SubjectParts {
                        prints: ReleasePrints::of(&u.release),
                        release: Some(u.release),
                        digest: Some(u.payload_sha256),
                        signed_at: None,
                        not_verified: Some(why),
                    }
                }
            }
        }
        MatchSubject::Folder(dir) => {
            let files = sceau_scan::fingerprint::fingerprint_folder(dir, &IgnoreRules::default())?;
            SubjectParts {
                prints: ReleasePrints::from_files(files.iter().map(|(p, f)| (p.as_str(), f))),
                release: None,
                digest: None,
                signed_at: None,
                not_verified: Some("a folder: no record, no signing time".into()),
            }
        }
    };
    if subject.prints.is_empty() {
        return Err(MatchError::NoFingerprints {
            why: subject.prints.why_empty(),
        });
    }
    let trusted = Trusted::load(req.store, req.trust, req.now)?;
    let ancestors = trusted.closure(
        subject
            .release
            .iter()
            .flat_map(|r| r.parents.iter().map(|p| p.record)),
    );
    let s = Subject {
        name: subject.release.as_ref().map(|r| r.name.as_str()),
        digest: subject.digest,
        signed_at: subject.signed_at,
        ancestors: ancestors.clone(),
        prints: &subject.prints,
    };
    let matches = find_matches(&s, &trusted.candidates);
    Ok(MatchReport {
        subject: SubjectInfo {
            name: subject.release.as_ref().map(|r| r.name.clone()),
            version: subject.release.as_ref().map(|r| r.version.clone()),
            record: subject.digest,
            verified: subject.not_verified.is_none(),
            not_verified: subject.not_verified,
            signed_at: subject.signed_at,
            declared_ancestors: ancestors.into_iter().collect(),
            fingerprinted: subject
                .prints
                .models
                .iter()
                .flat_map(|m| m.files.iter().cloned())
                .collect(),
            not_fingerprinted: subject.prints.missing.clone(),
        },
        store: trusted.summary,
        matches,
    })
}

/// The parts of the subject the search needs.
struct SubjectParts {
    release: Option<sceau_core::Release>,
    digest: Option<Sha256Digest>,
    signed_at: Option<Timestamp>,
    not_verified: Option<String>,
    prints: ReleasePrints,
}

/// `verify --store`: the same search for a verified record, as the check
/// `lineage undeclared-ancestor` (spec/lineage.md §8.3, spec/verify.md §1). `ancestors` are the
/// digests the lineage walk reached (the record's declared family). Returns the matches.
pub fn check_store(
    rec: &sceau_verify::record::VerifiedRecord,
    walked: &BTreeSet<Sha256Digest>,
    store: &Store,
    trust: TrustRoot<'_>,
    now: Timestamp,
    report: &mut Report,
) -> Vec<WeightMatch> {
    let prints = ReleasePrints::of(rec.release());
    if prints.is_empty() {
        report.skip(
            CheckId::UndeclaredAncestor,
            format!(
                "the weights were not compared with the store: {}",
                prints.why_empty()
            ),
        );
        return Vec::new();
    }
    let trusted = match Trusted::load(store, trust, now) {
        Ok(t) => t,
        Err(e) => {
            report.fail(
                CheckId::UndeclaredAncestor,
                format!("the record store could not be read: {e}"),
            );
            return Vec::new();
        }
    };
    let mut ancestors = trusted.closure(rec.release().parents.iter().map(|p| p.record));
    ancestors.extend(walked.iter().filter(|d| *d != rec.digest()));
    let s = Subject {
        name: Some(&rec.release().name),
        digest: Some(*rec.digest()),
        signed_at: rec.signed_at(),
        ancestors,
        prints: &prints,
    };
    let matches = find_matches(&s, &trusted.candidates);
    let undeclared: Vec<String> = matches
        .iter()
        .filter(|m| m.fails())
        .map(WeightMatch::describe)
        .collect();
    let others: Vec<String> = matches
        .iter()
        .filter(|m| !m.fails())
        .map(WeightMatch::describe)
        .collect();
    let counts = format!(
        "{} of {} store record(s) trusted, {} with fingerprints compared",
        trusted.summary.trusted, trusted.summary.records, trusted.summary.compared
    );
    if undeclared.is_empty() {
        let mut detail = format!("no undeclared ancestor: {counts}");
        if !others.is_empty() {
            detail.push_str(&format!("; related: {}", others.join("; ")));
        }
        report.pass(CheckId::UndeclaredAncestor, detail);
    } else {
        report.fail(
            CheckId::UndeclaredAncestor,
            format!(
                "the weights derive from {} release(s) the record does not declare: {} ({counts})",
                undeclared.len(),
                undeclared.join("; ")
            ),
        );
    }
    matches
}
