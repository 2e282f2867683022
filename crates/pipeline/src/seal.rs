//! `sceau sign` end to end: scan the folder, add what the maintainers declare (parents,
//! claims), check that the card and the declared lineage agree, build the in-toto Statement,
//! sign it, and verify the signed bytes before handing them back (spec/record.md, spec/claims.md
//! §2, spec/lineage.md §1). The caller reads the files, unlocks the key and writes the record.
use std::path::Path;

use sceau_core::claims::Claims;
use sceau_core::dsse::{MAX_ENVELOPE_BYTES, PAYLOAD_TYPE_INTOTO};
use sceau_core::lineage::{check_card_lineage, CardLineageMismatch, MAX_PARENTS};
use sceau_core::{Parent, RecordId, Relation, Release, Timestamp};
use sceau_scan::{Progress, Scan, ScanError, ScanOptions};
use sceau_sign::{SecretKey, SignError};
use sceau_verify::record::{read_unverified, verify_record, RecordError};
use sceau_verify::trust::{FixedTrust, Role, Trust};

use crate::record_size::envelope_min_bytes;

/// A parent record given to `sign --parent`, as read by the caller.
pub struct ParentInput<'a> {
    /// How the parent file was named, for errors.
    pub label: &'a str,
    /// The parent record's bytes.
    pub record: &'a [u8],
    /// How the release derives from it.
    pub relation: Relation,
}

/// What to seal.
pub struct SealRequest<'a> {
    /// The release folder.
    pub dir: &'a Path,
    /// How to scan it.
    pub scan: &'a ScanOptions,
    /// The parents ([`read_parents`]), read but not verified: verifiers check them under their
    /// own trust (spec/lineage.md §1.1).
    pub parents: Vec<Parent>,
    /// The claims file (`--claims`), already parsed.
    pub claims: Option<Claims>,
    /// `--tokenizer-changed`.
    pub tokenizer_changed: bool,
    /// The signing key, unlocked.
    pub key: &'a SecretKey,
    /// The signing time (the caller reads the clock, or `SOURCE_DATE_EPOCH`).
    pub now: Timestamp,
    /// Hashing progress.
    pub progress: &'a dyn Progress,
}

/// A signed record, checked.
pub struct Sealed {
    /// The DSSE envelope, as the bytes to write.
    pub record: Vec<u8>,
    /// The record's id.
    pub id: RecordId,
    /// The scan behind it (the release as signed, its warnings).
    pub scan: Scan,
    /// What people should know about the claims (conflicts between the file and the card,
    /// paths that are not in the release, card fields that could not be read).
    pub claim_warnings: Vec<String>,
}

/// Why nothing was sealed. Nothing was written either way.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// More `--parent` than a record may carry.
    #[error("{given} --parent given, over the limit of {MAX_PARENTS}")]
    TooManyParents {
        /// How many were given.
        given: usize,
    },
    /// A parent is not a sceau record.
    #[error("--parent {label}")]
    Parent {
        /// The parent as named.
        label: String,
        /// Why it is refused.
        #[source]
        source: RecordError,
    },
    /// The same parent twice.
    #[error("--parent {label}: the same parent twice")]
    DuplicateParent {
        /// The parent as named.
        label: String,
    },
    /// The folder could not be scanned.
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// The card's `base_model` and the declared parents disagree.
    #[error(transparent)]
    CardLineage(#[from] CardLineageMismatch),
    /// Signing failed.
    #[error(transparent)]
    Sign(#[from] SignError),
    /// The signed record passes the envelope limit (the bound of [`record_size`] was under
    /// it): nothing is handed back.
    ///
    /// [`record_size`]: crate::record_size
    #[error(
        "the record of these {files} files is {} ({bytes} bytes), over the {} limit of a \
         record (spec/record.md §1.4)",
        mib(*.bytes as u64),
        mib(MAX_ENVELOPE_BYTES as u64)
    )]
    RecordTooLarge {
        /// Files recorded.
        files: usize,
        /// Size of the signed envelope, in bytes.
        bytes: usize,
    },
    /// The bytes about to be handed back do not verify under the signing key, or do not read
    /// back into the release that was scanned: a bug, never a user error.
    #[error("internal error: the record does not verify before writing; nothing written")]
    SelfCheck,
}

impl SealError {
    /// A line for people saying what to do about it, when there is one beyond the message.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            SealError::RecordTooLarge { .. } => Some(
                "sign it in the manifest form (--always-manifest): the record then lists folders \
                 by their roots, and a manifest beside it lists every file (spec/manifest.md)",
            ),
            SealError::Scan(s) => s.hint(),
            _ => None,
        }
    }
}

/// Bytes as MiB with one decimal, for messages.
fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1u32 << 20))
}

/// Reads the `--parent` records: each must be a well-formed sceau record; it is named by
/// the digest of its payload (spec/lineage.md §1.1).
pub fn read_parents(inputs: &[ParentInput<'_>]) -> Result<Vec<Parent>, SealError> {
    if inputs.len() > MAX_PARENTS {
        return Err(SealError::TooManyParents {
            given: inputs.len(),
        });
    }
    let mut out: Vec<Parent> = Vec::new();
    for p in inputs {
        let rec = read_unverified(p.record).map_err(|source| SealError::Parent {
            label: p.label.to_owned(),
            source,
        })?;
        if out.iter().any(|q| q.record == rec.payload_sha256) {
            return Err(SealError::DuplicateParent {
                label: p.label.to_owned(),
            });
        }
        out.push(Parent {
            record: rec.payload_sha256,
            name: rec.release.name,
            version: rec.release.version,
            relation: p.relation,
        });
    }
    Ok(out)
}

/// Scans, signs and checks (spec/record.md §2): the record handed back verifies under the key
/// and parses back into the release that was scanned, or nothing is handed back.
pub fn seal(req: SealRequest<'_>) -> Result<Sealed, SealError> {
    // The walk first: a release whose per-file record could never be signed is recorded in
    // the manifest form, decided before any file is hashed (spec/record.md §2.6); a record in
    // the manifest form is bounded whatever the tree's size (spec/manifest.md §6).
    let mut tree = sceau_scan::walk_tree(req.dir, req.scan)?;
    let mut manifest_opts = None;
    if let sceau_scan::Tree::Listed(walk) = &tree {
        let at_least = envelope_min_bytes(&walk.files, req.scan);
        if at_least > MAX_ENVELOPE_BYTES as u64 {
            // One subject per file would pass the envelope limit: the automatic form turns
            // to the manifest form, whose record is bounded (spec/manifest.md §6.1).
            let mut opts = req.scan.clone();
            opts.form = sceau_scan::Form::Manifest;
            tree = sceau_scan::walk_tree(req.dir, &opts)?;
            manifest_opts = Some(opts);
        }
    }
    let scan_opts = manifest_opts.as_ref().unwrap_or(req.scan);
    let mut scan = sceau_scan::scan_tree(tree, scan_opts, req.progress)?;
    scan.release.parents = req.parents;
    scan.release.tokenizer_changed = req.tokenizer_changed;
    let (claims, claim_warnings) = merge_claims(req.claims, &scan.root, &scan.release)?;
    scan.release.claims = claims;
    check_card_lineage(scan.release.card.as_ref(), &scan.release.parents)?;

    let payload = scan.release.to_statement(&req.now.to_string()).to_payload();
    let env = sceau_sign::sign_envelope(PAYLOAD_TYPE_INTOTO, payload, req.key)?;
    let record = env.to_json();
    if record.len() > MAX_ENVELOPE_BYTES {
        return Err(SealError::RecordTooLarge {
            files: scan.release.artifacts.len(),
            bytes: record.len(),
        });
    }

    // Self-check, as minisign does: the bytes about to be handed back verify under the key
    // and parse back into the same release.
    let trust = FixedTrust(Trust::keys(
        vec![("signer".into(), req.key.public())],
        1,
        "the signing key",
    ));
    let check = verify_record(&record, &trust, Role::Release, req.now, None);
    let id = match &check.record {
        Some(r) if check.report.passed() && *r.release() == scan.release => r.id(),
        _ => return Err(SealError::SelfCheck),
    };
    Ok(Sealed {
        record,
        id,
        scan,
        claim_warnings,
    })
}

/// The claims to record for a scanned release: the file's over the card's claim fields
/// (spec/claims.md §2). The card's Hugging Face fields (datasets, model-index) stay in the
/// record's card, so they are only compared here, for the warnings. Returns the claims
/// (`None` when neither source claims anything) and warnings for people.
pub fn merge_claims(
    file: Option<Claims>,
    root: &Path,
    release: &Release,
) -> Result<(Option<Claims>, Vec<String>), ScanError> {
    let mut warnings = Vec::new();
    let card_claims = match sceau_scan::card_read::read_card_claims(root, release)? {
        Some((c, ws)) => {
            warnings.extend(ws.into_iter().map(|w| format!("model card: {w}")));
            c
        }
        None => Claims::default(),
    };
    let claims = match file {
        None if card_claims.is_empty() => return Ok((None, warnings)),
        None => card_claims,
        Some(f) => {
            let card_all = match &release.card {
                Some(meta) => card_claims.merge_over(&Claims::from_card(meta)).0,
                None => card_claims.clone(),
            };
            let (_, conflicts) = f.merge_over(&card_all);
            warnings.extend(conflicts.iter().map(ToString::to_string));
            f.merge_over(&card_claims).0
        }
    };
    // Paths the claims name that are not in the release are kept (they are claims) but said.
    let has = |p: &str| release_has(release, p);
    for (id, c) in &claims.components {
        for p in c.paths.iter().filter(|p| !has(p.as_str())) {
            warnings.push(format!(
                "claims: components.{id}.paths: no file {p} in the release"
            ));
        }
    }
    for d in &claims.datasets {
        for p in d.paths.iter().filter(|p| !has(p.as_str())) {
            warnings.push(format!(
                "claims: dataset {:?}: no file {p} in the release",
                d.name
            ));
        }
    }
    Ok((Some(claims), warnings))
}

/// True when the release has the file `p` or a file under the folder `p` (artifacts are
/// sorted by path: two binary searches).
fn release_has(release: &Release, p: &str) -> bool {
    let arts = &release.artifacts;
    if release.artifact(p).is_some() {
        return true;
    }
    let folder = format!("{p}/");
    let i = arts.partition_point(|a| a.path.as_str() < folder.as_str());
    arts.get(i)
        .is_some_and(|a| a.path.as_str().starts_with(&folder))
}
