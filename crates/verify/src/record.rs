//! Verifying a release record: signatures first, then the verified payload, then the tree
//! (spec/verify.md §2–§4). Every check lands in the [`Report`]; the clock is passed in.
use std::path::Path;

use sceau_core::cyclonedx::Bom;
use sceau_core::dsse::{Envelope, PAYLOAD_TYPE_INTOTO};
use sceau_core::statement::{FileSubject, Statement, PREDICATE_CYCLONEDX};
use sceau_core::{
    IgnoreRules, RecordId, RelPath, Release, Sha256Digest, Timestamp, TimestampError,
};
use sceau_scan::Progress;

use crate::report::{CheckId, Outcome, Report, Stage};
use crate::signer::Signer;
use crate::threshold::{count_signers, SignerCount, MAX_LISTED_HINTS};
use crate::tree::{compare_manifest_tree, compare_tree, ManifestCheckError, TreeDiff, TreeHashing};
use crate::trust::{Claimed, Exclusion, Role, Trust, TrustResolver};

/// How far in the future a signing time may lie before it is refused (clock skew).
pub const MAX_FUTURE_SKEW: time::Duration = time::Duration::minutes(5);

/// What to compare on disk.
pub struct TreeCheck<'a> {
    /// The release folder.
    pub root: &'a Path,
    /// Paths to leave out besides the recorded rules (the record file when it is inside).
    pub extra_ignores: Vec<String>,
    /// Extra files do not fail verification.
    pub allow_extra: bool,
    /// Hashing threads.
    pub threads: usize,
    /// Hashing progress.
    pub progress: &'a dyn Progress,
    /// Check files by SHA-256 even when the record carries BLAKE3 (spec/hashing.md §2.5).
    pub full_sha256: bool,
    /// Digest cache (spec/hashing.md §4).
    pub cache: Option<&'a sceau_scan::DigestCache>,
    /// The manifest of a record in the manifest form (spec/manifest.md §7).
    pub manifest: Option<&'a Path>,
    /// Part manifests whose digests are taken instead of hashing (`--parts`).
    pub parts: &'a [std::path::PathBuf],
    /// Compare only the files below this folder (`--only`).
    pub only: Option<&'a RelPath>,
}

/// A record whose signatures met the threshold, with its payload parsed from the verified
/// bytes. Sealed: only [`verify_record`] makes one, so holding one proves the verification.
#[derive(Clone, Debug)]
pub struct VerifiedRecord {
    statement: Statement,
    subjects: Vec<FileSubject>,
    release: Release,
    id: RecordId,
    signers: SignerCount,
    signed_at: Option<Timestamp>,
    trust_source: String,
}

impl VerifiedRecord {
    /// The Statement.
    pub fn statement(&self) -> &Statement {
        &self.statement
    }

    /// Its subjects as checked paths and digests.
    pub fn subjects(&self) -> &[FileSubject] {
        &self.subjects
    }

    /// The release the BOM describes.
    pub fn release(&self) -> &Release {
        &self.release
    }

    /// The release, taken out.
    pub fn into_release(self) -> Release {
        self.release
    }

    /// The record's identity: SHA-256 of the payload bytes (lineage, rollback state).
    pub fn id(&self) -> RecordId {
        self.id
    }

    /// The payload digest (the id's digest).
    pub fn digest(&self) -> &Sha256Digest {
        self.id.digest()
    }

    /// The distinct trusted keys that signed, in the order of the trust.
    pub fn signers(&self) -> &[Signer] {
        &self.signers.valid
    }

    /// The whole signature count (repeated, untrusted and invalid signatures too).
    pub fn signer_count(&self) -> &SignerCount {
        &self.signers
    }

    /// The signing time (the BOM's `metadata.timestamp`), if the record carries a valid one.
    pub fn signed_at(&self) -> Option<Timestamp> {
        self.signed_at
    }

    /// Where the trust that verified it came from (`--key`, `policy v2 for release "x"`).
    pub fn trust_source(&self) -> &str {
        &self.trust_source
    }
}

/// Everything a verification of one record found.
#[derive(Debug)]
pub struct RecordCheck {
    /// Every check.
    pub report: Report,
    /// Set once signatures and payload passed.
    pub record: Option<VerifiedRecord>,
    /// Set when a tree was compared.
    pub tree: Option<TreeDiff>,
}

/// A record parsed without any signature check, for `sceau inspect`. NOT VERIFIED.
#[derive(Clone, Debug)]
pub struct UnverifiedRecord {
    /// The envelope.
    pub envelope: Envelope,
    /// The Statement, if the payload parses.
    pub statement: Statement,
    /// The release, if the BOM reads back.
    pub release: Release,
    /// SHA-256 of the payload.
    pub payload_sha256: Sha256Digest,
}

/// Why a record cannot even be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// Not a DSSE envelope.
    #[error(transparent)]
    Envelope(#[from] sceau_core::dsse::EnvelopeError),
    /// The payload type is not in-toto.
    #[error("payloadType is {0:?}, expected {PAYLOAD_TYPE_INTOTO:?}")]
    PayloadType(String),
    /// The payload is not a Statement with file subjects.
    #[error(transparent)]
    Statement(#[from] sceau_core::statement::StatementError),
    /// The predicate is not CycloneDX JSON of the shape sceau writes.
    #[error("predicate: {0}")]
    BomJson(serde_json::Error),
    /// The BOM does not read back into a release.
    #[error("predicate: {0}")]
    Bom(#[from] sceau_core::cyclonedx::BomError),
    /// The BOM and the Statement's subjects disagree (spec/verify.md §2.3).
    #[error("predicate: {0}")]
    Inconsistent(Inconsistency),
}

/// How a BOM and its Statement's subjects can disagree (spec/verify.md §2.3).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Inconsistency {
    /// Not as many artifacts as subjects.
    #[error("BOM lists {bom} artifacts, the Statement {subjects} subjects")]
    Count {
        /// Artifacts in the BOM.
        bom: usize,
        /// Subjects in the Statement.
        subjects: usize,
    },
    /// The BOM's BLAKE3 differs from the subject's.
    #[error("{0}: BOM BLAKE3 hash differs from the subject's blake3 digest")]
    Blake3(RelPath),
    /// The BOM's SHA-256 differs from the subject's.
    #[error("{path}: BOM hash {bom} differs from subject digest {subject}")]
    Sha256 {
        /// The file.
        path: RelPath,
        /// The BOM's hash.
        bom: Sha256Digest,
        /// The subject's digest.
        subject: Sha256Digest,
    },
    /// A subject with no BOM component.
    #[error("{0}: subject missing from the BOM")]
    NotInBom(RelPath),
    /// A folder subject whose component is a file, or the reverse (spec/manifest.md §6).
    #[error("{0}: a folder on one side, a file on the other")]
    FolderMismatch(RelPath),
}

/// Parses the verified payload bytes into a Statement, subjects and release, checking that
/// the BOM's hashes agree with the subjects (spec/verify.md §2.3).
pub fn parse_payload(
    payload: &[u8],
) -> Result<(Statement, Vec<FileSubject>, Release), RecordError> {
    let statement = Statement::from_slice(payload)?;
    statement.expect_predicate(PREDICATE_CYCLONEDX)?;
    let subjects = statement.file_subjects()?;
    let bom: Bom =
        serde::Deserialize::deserialize(&statement.predicate).map_err(RecordError::BomJson)?;
    let release = Release::from_bom(&bom)?;
    let bad = |i| Err(RecordError::Inconsistent(i));
    if release.artifacts.len() != subjects.len() {
        return bad(Inconsistency::Count {
            bom: release.artifacts.len(),
            subjects: subjects.len(),
        });
    }
    for s in &subjects {
        if release
            .artifact(s.path.as_str())
            .is_some_and(|a| a.folder.is_some() != s.folder)
        {
            return bad(Inconsistency::FolderMismatch(s.path.clone()));
        }
        match release.artifact(s.path.as_str()) {
            // The BOM's BLAKE3, if any, is the subject's too (spec/hashing.md §2.4).
            Some(a) if a.sha256 == s.sha256 && a.blake3 != s.blake3 => {
                return bad(Inconsistency::Blake3(s.path.clone()))
            }
            Some(a) if a.sha256 == s.sha256 => {}
            Some(a) => {
                return bad(Inconsistency::Sha256 {
                    path: s.path.clone(),
                    bom: a.sha256,
                    subject: s.sha256,
                })
            }
            None => return bad(Inconsistency::NotInBom(s.path.clone())),
        }
    }
    Ok((statement, subjects, release))
}

/// Reads a record without checking any signature (`sceau inspect`).
pub fn read_unverified(bytes: &[u8]) -> Result<UnverifiedRecord, RecordError> {
    let envelope = Envelope::from_json(bytes)?;
    if envelope.payload_type != PAYLOAD_TYPE_INTOTO {
        return Err(RecordError::PayloadType(envelope.payload_type));
    }
    let (statement, _, release) = parse_payload(&envelope.payload)?;
    let payload_sha256 = sceau_scan::hash::sha256(&envelope.payload);
    Ok(UnverifiedRecord {
        envelope,
        statement,
        release,
        payload_sha256,
    })
}

/// The signing time a record carries (the BOM's `metadata.timestamp`, spec/record.md §3):
/// `None` when absent, `Some(Err(_))` when it is not RFC 3339.
pub fn signing_time(statement: &Statement) -> Option<Result<Timestamp, TimestampError>> {
    let text = statement
        .predicate
        .pointer("/metadata/timestamp")
        .and_then(|v| v.as_str())?;
    Some(Timestamp::parse_rfc3339(text))
}

/// Verifies a record file's bytes, in `role`, under the trust `resolver` gives it at `now`,
/// then (optionally) a tree (spec/verify.md §2). Signatures are checked over the envelope's PAE
/// against every key that could count in the role before anything in the payload is read; the
/// payload is parsed only once one of them signed, and then gives the name and signing time
/// that choose the keys that count (§2.2). Nothing beyond the envelope of a record no trusted
/// key signed is ever parsed.
pub fn verify_record(
    bytes: &[u8],
    resolver: &dyn TrustResolver,
    role: Role,
    now: Timestamp,
    tree: Option<TreeCheck<'_>>,
) -> RecordCheck {
    let mut report = Report::default();
    let has_tree = tree.is_some();
    // After an early stop every later check is listed, naming the failure (spec/verify.md §1).
    let stop = |mut report: Report| {
        let why = report.not_checked();
        skip_rest(&mut report, has_tree, &why);
        RecordCheck {
            report,
            record: None,
            tree: None,
        }
    };

    let env = match Envelope::from_json(bytes) {
        Ok(e) => {
            report.pass(
                CheckId::Envelope,
                format!("DSSE envelope with {} signature(s)", e.signatures.len()),
            );
            e
        }
        Err(e) => {
            report.fail(CheckId::Envelope, e.to_string());
            return stop(report);
        }
    };
    if env.payload_type != PAYLOAD_TYPE_INTOTO {
        report.fail(
            CheckId::PayloadType,
            format!(
                "payloadType is {:?}, expected {PAYLOAD_TYPE_INTOTO:?}",
                env.payload_type
            ),
        );
        return stop(report);
    }
    report.pass(CheckId::PayloadType, PAYLOAD_TYPE_INTOTO);

    // Signatures before anything in the payload is read (spec/verify.md §2.1): against every
    // key that could count in this role, whatever the record's name.
    let candidates = resolver.candidates(role);
    if candidates.is_empty() {
        report.fail(
            CheckId::Threshold,
            match role {
                Role::Release => "no key is trusted: nothing can verify".to_owned(),
                Role::Ancestor => "no key is bound to any ancestor's name (bare --key files vouch \
                                   for the release being verified only: give --key 'ORG/*=PUB' \
                                   or a policy release scope)"
                    .to_owned(),
            },
        );
        return stop(report);
    }
    let all = count_signers(&env, &candidates);
    if all.distinct() == 0 {
        let source = match role {
            Role::Release => "the keys given for this release".to_owned(),
            Role::Ancestor => "the keys bound to ancestors' names".to_owned(),
        };
        let mut trust = Trust::keys(candidates, 1, &source);
        trust.excluded = resolver.set_aside();
        let excluded = report_excluded(&env, &trust, &mut report);
        report.fail(
            CheckId::Threshold,
            format!(
                "below threshold: no trusted key signed: {}",
                threshold_detail(&all, &trust, excluded)
            ),
        );
        return stop(report);
    }

    // A candidate signed: the payload says which name, hence which keys count (§2.2).
    let (statement, subjects, release) = match parse_payload(&env.payload) {
        Ok(p) => p,
        Err(e) => {
            report.fail(CheckId::Statement, e.to_string());
            return stop(report);
        }
    };
    let claimed = Claimed {
        name: &release.name,
        signed_at: signing_time(&statement).and_then(Result::ok),
        role,
    };
    let Some(trust) = resolver.trust_for(&claimed) else {
        report.fail(
            CheckId::Threshold,
            format!(
                "nobody is trusted to sign releases named {:?}{}",
                claimed.name,
                match role {
                    Role::Release => "",
                    Role::Ancestor =>
                        " as an ancestor (bare --key files vouch for the \
                                       release being verified only: give --key 'ORG/*=PUB' or \
                                       a policy release scope)",
                }
            ),
        );
        return stop(report);
    };
    let signers = all.restrict(&trust.keys);
    let excluded = report_excluded(&env, &trust, &mut report);
    let detail = threshold_detail(&signers, &trust, excluded);
    if !signers.meets(trust.threshold) {
        report.fail(CheckId::Threshold, format!("below threshold: {detail}"));
        return stop(report);
    }
    report.pass(CheckId::Threshold, detail);
    report.pass(
        CheckId::Statement,
        format!(
            "in-toto Statement v1, CycloneDX 1.6 predicate, {} subjects; release {} {}",
            subjects.len(),
            release.name,
            release.version
        ),
    );

    let signed_at = match signing_time(&statement) {
        None => {
            report.skip(CheckId::SigningTime, "record carries no signing time");
            None
        }
        Some(Err(e)) => {
            let text = match &e {
                TimestampError::Syntax { text, .. } => text.as_str(),
                _ => "",
            };
            report.fail(
                CheckId::SigningTime,
                format!("signing time {text:?} is {e}"),
            );
            None
        }
        Some(Ok(at)) if at > now.saturating_add(MAX_FUTURE_SKEW) => {
            report.fail(
                CheckId::SigningTime,
                format!("signing time {at} is in the future (now {now})"),
            );
            Some(at)
        }
        Some(Ok(at)) => {
            report.pass(CheckId::SigningTime, format!("signed at {at}"));
            Some(at)
        }
    };

    let record = VerifiedRecord {
        statement,
        subjects,
        release,
        id: RecordId(sceau_scan::hash::sha256(&env.payload)),
        signers,
        signed_at,
        trust_source: trust.source,
    };

    let diff = match tree {
        None => {
            report.skip(
                CheckId::Files,
                "no folder given: no file was checked against the record",
            );
            None
        }
        Some(tc) => check_tree(&mut report, &record, tc),
    };
    RecordCheck {
        report,
        record: Some(record),
        tree: diff,
    }
}

fn check_tree(report: &mut Report, record: &VerifiedRecord, tc: TreeCheck<'_>) -> Option<TreeDiff> {
    let mut ignore: IgnoreRules = record.release.ignore.clone();
    if ignore.0.is_empty() {
        ignore = IgnoreRules::default();
    }
    for extra in &tc.extra_ignores {
        ignore.add(extra.clone());
    }
    let how = TreeHashing {
        threads: tc.threads,
        full_sha256: tc.full_sha256,
        cache: tc.cache,
        parts: tc.parts,
        only: tc.only,
    };
    let compared = if record.release.manifest.is_some() {
        match compare_manifest_tree(
            tc.root,
            &record.release,
            tc.manifest,
            &ignore,
            &how,
            tc.progress,
        ) {
            Ok((diff, m)) => {
                report.pass(
                    CheckId::Manifest,
                    format!(
                        "{} is the manifest the record signed (sha256:{}): {} files, {} bytes, \
                         root {}; the record's {} artifacts agree with it",
                        m.path.display(),
                        m.reference.sha256.to_hex(),
                        m.reference.files,
                        m.reference.bytes,
                        m.reference.root.to_hex(),
                        m.artifacts
                    ),
                );
                Ok(diff)
            }
            Err(ManifestCheckError::Scan(e)) => Err(e.to_string()),
            Err(e) => {
                let detail = match e.hint() {
                    Some(h) => format!("{e} ({h})"),
                    None => e.to_string(),
                };
                report.fail(CheckId::Manifest, detail);
                // Said, never passed silently: no file was compared.
                for id in [CheckId::Modified, CheckId::Missing, CheckId::Extra] {
                    report.skip(id, "no file was compared: the tree manifest check failed");
                }
                return None;
            }
        }
    } else {
        compare_tree(tc.root, &record.subjects, &ignore, &how, tc.progress)
            .map_err(|e| e.to_string())
    };
    match compared {
        Err(e) => {
            report.fail(CheckId::Files, format!("cannot check the folder: {e}"));
            None
        }
        Ok(diff) => {
            report.push(
                CheckId::Modified,
                if diff.modified.is_empty() {
                    Outcome::Pass
                } else {
                    Outcome::Fail
                },
                if diff.modified.is_empty() {
                    matched_detail(&diff)
                } else {
                    diff.modified
                        .iter()
                        .map(|m| {
                            format!(
                                "{} modified: recorded {} {} but file has {}",
                                m.path, m.algorithm, m.expected, m.actual
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                        + &more(diff.omitted.modified)
                },
            );
            report.push(
                CheckId::Missing,
                if diff.missing.is_empty() {
                    Outcome::Pass
                } else {
                    Outcome::Fail
                },
                if diff.missing.is_empty() {
                    "no recorded file is missing".to_owned()
                } else {
                    let digests: std::collections::HashMap<&RelPath, &Sha256Digest> = record
                        .subjects
                        .iter()
                        .map(|s| (&s.path, &s.sha256))
                        .collect();
                    let recorded = |p: &RelPath| match digests.get(p) {
                        Some(d) => format!("{p} (recorded sha256:{d})"),
                        None => p.to_string(),
                    };
                    let listed: Vec<String> = diff.missing.iter().map(recorded).collect();
                    format!(
                        "missing: {}{}",
                        listed.join(", "),
                        more(diff.omitted.missing)
                    )
                },
            );
            let extra_outcome = match (diff.extra.is_empty(), tc.allow_extra) {
                (true, _) => Outcome::Pass,
                (false, true) => Outcome::Skipped,
                (false, false) => Outcome::Fail,
            };
            report.push(
                CheckId::Extra,
                extra_outcome,
                if diff.extra.is_empty() {
                    format!("no unrecorded file (ignore rules: {})", ignore.0.join(" "))
                } else if tc.allow_extra {
                    format!(
                        "extra files allowed by --allow-extra, not checked: {}{}",
                        join(&diff.extra),
                        more(diff.omitted.extra)
                    )
                } else {
                    format!("extra: {}{}", join(&diff.extra), more(diff.omitted.extra))
                },
            );
            Some(diff)
        }
    }
}

/// Says which files were checked by BLAKE3 instead of SHA-256, and how many came from the
/// digest cache (spec/hashing.md §2.5, §4).
fn matched_detail(diff: &TreeDiff) -> String {
    let mut s = if diff.by_blake3.is_empty() {
        format!("{} files match their recorded SHA-256", diff.matched)
    } else {
        format!(
            "{} files match their recorded digests: {} by SHA-256, {} by BLAKE3 instead of SHA-256 ({})",
            diff.matched,
            diff.matched - diff.by_blake3.len(),
            diff.by_blake3.len(),
            join(&diff.by_blake3)
        )
    };
    if diff.from_cache > 0 {
        s.push_str(&format!(
            "; {} taken from the digest cache without reading the file",
            diff.from_cache
        ));
    }
    if diff.from_parts > 0 {
        s.push_str(&format!(
            "; {} digests taken from the part manifests (--parts) without reading the file",
            diff.from_parts
        ));
    }
    if let Some(o) = &diff.only {
        s.push_str(&format!(
            "; only the files below {o}/ were compared (--only): the rest of the tree was not checked"
        ));
    }
    s
}

/// ", and N more" for lists cut at [`crate::tree::MAX_NAMED`].
fn more(n: u64) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(", and {n} more")
    }
}

fn join(paths: &[sceau_core::RelPath]) -> String {
    paths
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Lists, as skipped with `why`, the checks of a record verification that are not listed
/// yet (spec/verify.md §1): after an early stop, every later check still appears.
pub fn skip_rest(report: &mut Report, tree: bool, why: &str) {
    for id in CheckId::ALWAYS_LISTED {
        if id.is_record_check() {
            report.skip_unlisted(id, why);
        }
    }
    if !report.has_stage(Stage::Tree) {
        if tree {
            report.skip(CheckId::Files, why);
        } else {
            report.skip(
                CheckId::Files,
                "no folder given: no file was checked against the record",
            );
        }
    }
}

/// The detail of `signature threshold`: who counted, and what did not.
fn threshold_detail(signers: &SignerCount, trust: &Trust, excluded: usize) -> String {
    let names: Vec<String> = signers.valid.iter().map(Signer::to_string).collect();
    let mut detail = format!(
        "{} of {} required distinct trusted keys signed ({}); trust from {}",
        signers.distinct(),
        trust.threshold,
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        },
        trust.source
    );
    if signers.repeated_signatures > 0 {
        detail.push_str(&format!(
            "; {} repeated signature(s) by an already counted key not counted again",
            signers.repeated_signatures
        ));
    }
    if excluded > 0 {
        detail.push_str(&format!(
            "; {excluded} signature(s) by keys the policy sets aside (revoked or outside their \
             validity window, named above)"
        ));
    }
    let untrusted = signers.untrusted_signatures.saturating_sub(excluded);
    if untrusted > 0 {
        detail.push_str(&format!("; {untrusted} signature(s) by untrusted keys"));
        if !signers.untrusted_key_ids.is_empty() {
            let ids: Vec<String> = signers
                .untrusted_key_ids
                .iter()
                .map(|h| format!("{h:?}"))
                .collect();
            detail.push_str(&format!(" (key ids {})", ids.join(", ")));
        }
    }
    if signers.invalid_signatures > 0 {
        detail.push_str(&format!(
            "; {} invalid signature(s)",
            signers.invalid_signatures
        ));
    }
    if signers.unchecked_signatures > 0 {
        detail.push_str(&format!(
            "; {} signature(s) without a key id not checked (over the budget of one trial per \
             signature and per key)",
            signers.unchecked_signatures
        ));
    }
    if !signers.meets(trust.threshold) {
        let ids: Vec<String> = trust
            .keys
            .iter()
            .take(MAX_LISTED_HINTS)
            .map(|(n, k)| format!("{n} ({})", k.key_id()))
            .collect();
        let more = trust.keys.len().saturating_sub(MAX_LISTED_HINTS);
        detail.push_str(&format!(
            "; trusted key(s): {}{}",
            ids.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    detail
}

/// Names the signatures by keys the trust left out (spec/policy.md §2.6, §2.9): listed as
/// skipped checks (`policy revoked`, `policy key-window`), never counted. Returns how many
/// valid signatures such keys made.
fn report_excluded(env: &Envelope, trust: &Trust, report: &mut Report) -> usize {
    let mut total = 0;
    for (id, revoked) in [(CheckId::Revoked, true), (CheckId::KeyWindow, false)] {
        let keys: Vec<(String, sceau_sign::PublicKey)> = trust
            .excluded
            .iter()
            .filter(|e| (e.reason == Exclusion::Revoked) == revoked)
            .map(|e| (e.name.clone(), e.key))
            .collect();
        if keys.is_empty() {
            continue;
        }
        let found = count_signers(env, &keys);
        if found.distinct() == 0 {
            continue;
        }
        total += found.distinct() + found.repeated_signatures;
        let who: Vec<String> = found
            .valid
            .iter()
            .filter_map(|s| {
                let e = trust.excluded.iter().find(|e| e.name == s.name)?;
                Some(if revoked {
                    s.to_string()
                } else {
                    format!("{s}: {}", e.reason)
                })
            })
            .collect();
        let detail = if revoked {
            format!(
                "signature(s) by revoked key(s) not counted: {}",
                who.join(", ")
            )
        } else {
            format!(
                "signature(s) by keys outside their validity window not counted: {}",
                who.join("; ")
            )
        };
        report.skip(id, detail);
    }
    total
}
