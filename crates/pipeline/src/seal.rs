//! `sceau sign` end to end: scan the folder, add what the maintainers declare (parents,
//! claims), check that the card and the declared lineage agree, build the in-toto Statement,
//! sign it, and verify the signed bytes before handing them back (spec/record.md, spec/claims.md
//! §2, spec/lineage.md §1). The caller reads the files, unlocks the key and writes the record.
use std::path::Path;

use sceau_core::claims::Claims;
use sceau_core::dsse::{MAX_ENVELOPE_BYTES, PAYLOAD_TYPE_INTOTO};
use sceau_core::lineage::{check_card_lineage, CardLineageMismatch, MAX_PARENTS};
use sceau_core::{Parent, RecordId, Relation, Release, Sha256Digest, Timestamp};
use sceau_oms::{
    write_key_bundle, PaeSigner, TreeOptions, WriteError, WriteOptions, WrittenBundle,
};
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
    /// `--oms FILE`: also sign an OpenSSF Model Signing bundle over the same files, and record
    /// its root in the release (spec/oms.md §9, §11). `FILE` is where the caller will write it,
    /// left out of the OMS manifest when inside the folder; the caller leaves it (and the
    /// record) out of `scan` as well.
    pub oms: Option<&'a Path>,
    /// `--bundle`: hand the record back as a Sigstore bundle v0.3 (spec/oms.md §10) instead of
    /// a bare DSSE envelope.
    pub sigstore_bundle: bool,
}

/// A signed record, checked.
pub struct Sealed {
    /// The record, as the bytes to write: a DSSE envelope, or with `sigstore_bundle` the same
    /// envelope packaged as a Sigstore bundle.
    pub record: Vec<u8>,
    /// The OMS bundle (`--oms`), signed by the same key over the same files, checked.
    pub oms: Option<WrittenBundle>,
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
    /// A parent that is an OMS bundle, or a Sigstore bundle that does not read.
    #[error("--parent {label}")]
    ParentForm {
        /// The parent as named.
        label: String,
        /// Why it is refused.
        #[source]
        source: crate::form::FormError,
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
    /// `--oms` with a key OMS cannot use: `model_signing` verifies ECDSA P-256, P-384 and
    /// P-521 signatures only (spec/oms.md §6.1). Refused before anything is read.
    #[error(
        "--oms needs an ECDSA key: OpenSSF Model Signing (model_signing) verifies ECDSA P-256, \
         P-384 and P-521 signatures only, and this key is {algorithm}"
    )]
    OmsKeyType {
        /// The key's algorithm.
        algorithm: &'static str,
    },
    /// `--oms` for a tree in the manifest form: an OMS bundle lists every file in its signed
    /// statement, which is what the manifest form exists to avoid (spec/manifest.md §8).
    #[error(
        "--oms: this tree of {files} files is recorded in the manifest form, and an OMS \
         signature lists every file in its signed statement; nothing was written"
    )]
    OmsManifestForm {
        /// Files in the tree.
        files: u64,
    },
    /// The OMS bundle could not be written.
    #[error("--oms: {0}")]
    Oms(#[from] WriteError),
    /// The OMS manifest and the record disagree on a file (it changed between the two
    /// walks, or OMS names it otherwise): nothing is handed back.
    #[error(
        "--oms: {path} is not the same file in the OMS manifest and in the record (changed \
         while signing, or named differently); nothing written"
    )]
    OmsMismatch {
        /// The file, as OMS names it.
        path: String,
    },
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
            SealError::OmsManifestForm { .. } => Some(
                "sign the dataset without --oms (verifiers check it against the manifest), or \
                 write the OMS bundle with model_signing itself",
            ),
            SealError::OmsKeyType { .. } => Some(
                "make a P-256 key with `sceau keygen --type p256 -o NAME` and sign with it; \
                 without --oms, ed25519 keys sign sceau records as before",
            ),
            SealError::Oms(WriteError::Tree(sceau_oms::TreeError::Symlink(_))) => Some(
                "OMS bundles are written without symbolic links (model_signing refuses them \
                 unless told otherwise): sign a folder of regular files, or leave out --oms",
            ),
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
        // A parent packaged as a Sigstore bundle is read as the envelope inside.
        let envelope =
            crate::form::sceau_record_bytes(p.record).map_err(|source| SealError::ParentForm {
                label: p.label.to_owned(),
                source,
            })?;
        let rec = read_unverified(&envelope.envelope).map_err(|source| SealError::Parent {
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
    if req.oms.is_some() && !req.key.algorithm().is_ecdsa() {
        return Err(SealError::OmsKeyType {
            algorithm: req.key.algorithm().name(),
        });
    }
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
    let oms = match req.oms {
        Some(_) if scan.manifest.is_some() => {
            return Err(SealError::OmsManifestForm {
                files: scan.release.manifest.map_or(0, |m| m.files),
            })
        }
        Some(path) => {
            let written = write_oms(req.key, req.scan, &scan, path)?;
            scan.release.oms_root = Some(Sha256Digest(written.root.0));
            Some(written)
        }
        None => None,
    };

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
    let record = if req.sigstore_bundle {
        // The same envelope, packaged (spec/oms.md §10); it must read back to the same bytes.
        let bundle = sceau_oms::to_sigstore_bundle(&env, &req.key.public().dsse_keyid())
            .map_err(|_| SealError::SelfCheck)?;
        match crate::form::sceau_record_bytes(&bundle) {
            Ok(u) if u.bundle.is_some() && *u.envelope == *record => {}
            _ => return Err(SealError::SelfCheck),
        }
        if bundle.len() > MAX_ENVELOPE_BYTES {
            return Err(SealError::RecordTooLarge {
                files: scan.release.artifacts.len(),
                bytes: bundle.len(),
            });
        }
        bundle
    } else {
        record
    };
    Ok(Sealed {
        record,
        oms,
        id,
        scan,
        claim_warnings,
    })
}

/// A sceau key signing OMS statements: its ECDSA signature over the PAE (DER, the curve's
/// hash, low s), which is what `model_signing` verifies.
struct KeySigner<'a>(&'a SecretKey);

impl PaeSigner for KeySigner<'_> {
    fn public_key_pem(&self) -> String {
        self.0.public().to_spki_pem()
    }

    fn sign(&self, pae: &[u8]) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
        Ok(self.0.sign(pae))
    }
}

/// Signs the OMS bundle over the folder just scanned (spec/oms.md §9, §11): the same files
/// (sceau's ignore rules, which leave out the record and the bundle, are applied and recorded
/// as OMS ignore paths), each file's SHA-256 taken from the scan when its size is the one
/// scanned, so the folder is read once. Every file the OMS manifest lists must then be in the
/// release with the same digest.
fn write_oms(
    key: &SecretKey,
    opts: &ScanOptions,
    scan: &Scan,
    path: &Path,
) -> Result<WrittenBundle, SealError> {
    let known = scan
        .release
        .artifacts
        .iter()
        .map(|a| (a.path.as_str().to_owned(), (a.size, a.sha256.0)))
        .collect();
    let write = WriteOptions {
        model_name: None,
        tree: TreeOptions {
            signature: Some(path.to_owned()),
            ignore_paths: absent_exact_paths(&opts.ignore, &scan.root),
            exclude: Some(opts.ignore.clone()),
            threads: opts.threads,
            ..TreeOptions::default()
        },
        known_sha256: known,
    };
    let written = write_key_bundle(&scan.root, &KeySigner(key), &write)?;
    let bundle = sceau_oms::Bundle::from_json(&written.json).map_err(|_| SealError::SelfCheck)?;
    for r in bundle.unverified_statement().resources() {
        let name = r.name.to_string();
        match scan.release.artifact(&name) {
            Some(a) if a.sha256.0[..] == r.digest[..] => {}
            _ => return Err(SealError::OmsMismatch { path: name }),
        }
    }
    Ok(written)
}

/// The exact-path rules of `rules` (`=PATH`, or a plain relative path) naming nothing in
/// `root` yet: above all the record about to be written beside the model. The walk cannot
/// see them, so they are recorded as OMS ignore paths here, so that `model_signing`, which
/// knows no sceau rule, leaves them out when they appear (spec/oms.md §9). Paths that exist
/// are recorded by the walk as it excludes them.
fn absent_exact_paths(rules: &sceau_core::IgnoreRules, root: &Path) -> Vec<String> {
    rules
        .0
        .iter()
        .filter_map(|r| match r.strip_prefix('=') {
            Some(exact) => Some(exact),
            None if r.starts_with('*') || r.ends_with('/') => None,
            None => Some(r.as_str()),
        })
        .filter(|p| {
            !p.is_empty()
                && !p.starts_with('/')
                && p.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
                && std::fs::symlink_metadata(root.join(p)).is_err()
        })
        .map(str::to_owned)
        .collect()
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
