//! What every command that verifies loads before calling the pipeline: the trust (`--key`
//! files or a policy chain, `--at`), where ancestors come from (`--store`, `--with`,
//! `--grant`), and `--require` / `--attestation`. Unreadable or malformed inputs are input
//! errors (exit 2); a policy that reads but does not verify is kept for the report (exit 1).
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use sceau_attest::document::MAX_ATTESTATION_BYTES;
use sceau_attest::{AttestationInput, Required, MAX_ATTESTATION_FILES, MAX_REQUIRED};
use sceau_core::Timestamp;
use sceau_lineage::grant::GrantFile;
use sceau_lineage::WalkOptions;
use sceau_oms::{CaCertificates, Identity, TrustedRoot, MAX_TRUSTED_ROOT_BYTES};
use sceau_pipeline::form::RecordForm;
use sceau_pipeline::oms::{CaTrust, KeylessTrust, OmsTrust};
use sceau_pipeline::verify::{TrustRoot, Verification};
use sceau_verify::policy::{
    read_policy_envelope, verify_chain, PolicyError, ReleasePattern, VerifiedPolicy,
};
use sceau_verify::record::VerifiedRecord;
use sceau_verify::store::{Loose, RecordSource, Sources, Store};
use sceau_verify::trust::{KeyTrust, TrustedKey};

use crate::args::{AncestryArgs, OmsVerifyArgs, TrustArgs};
use crate::error::{CliError, EXIT_FAILED};
use crate::input::{clean, read_capped};
use crate::keys::load_public_all;
use crate::settings::parse_at;

/// The trust the user gave, loaded, and the verification time.
pub struct LoadedTrust {
    trust: Loaded,
    /// The verification time (`--at`, else the clock), read once.
    pub now: Timestamp,
    at_least: usize,
}

enum Loaded {
    Keys(KeyTrust),
    Policy(Box<VerifiedPolicy>, usize),
    PolicyFailed { file: String, error: String },
}

fn read_policy(p: &Path) -> Result<sceau_core::dsse::Envelope, CliError> {
    let bytes = read_capped(p, sceau_verify::policy::MAX_POLICY_ENVELOPE_BYTES, "policy")?;
    read_policy_envelope(&bytes)
        .map_err(|e| CliError::input(anyhow::Error::new(e).context(p.display().to_string())))
}

impl LoadedTrust {
    /// Whether `--key` or `--policy` was given.
    pub fn given(args: &TrustArgs) -> bool {
        !args.key.is_empty() || args.policy.is_some()
    }

    /// Loads like [`LoadedTrust::load`]; with `other_trust` (OMS trust given: `--cert-chain`,
    /// `--trusted-root`), neither `--key` nor `--policy` is needed, and without them no key
    /// is trusted.
    pub fn load_or_none(args: &TrustArgs, other_trust: bool) -> Result<LoadedTrust, CliError> {
        if other_trust && !Self::given(args) {
            if args.threshold.is_some() {
                return Err(CliError::input(anyhow!(
                    "--threshold counts --key or --policy keys, and none is given"
                )));
            }
            return Ok(LoadedTrust {
                trust: Loaded::Keys(KeyTrust {
                    keys: Vec::new(),
                    threshold: 1,
                }),
                now: parse_at(args.at.as_deref())?,
                at_least: 0,
            });
        }
        Self::load(args)
    }

    /// Loads `--key` or `--policy` (with its updates) at `--at`. Without either it is an
    /// input error.
    pub fn load(args: &TrustArgs) -> Result<LoadedTrust, CliError> {
        let now = parse_at(args.at.as_deref())?;
        if args.threshold == Some(0) {
            return Err(CliError::input(anyhow!(
                "--threshold 0 would accept an unsigned record"
            )));
        }
        let at_least = args.threshold.unwrap_or(0);
        if let Some(p) = &args.policy {
            let pinned = read_policy(p)?;
            let ups = args
                .policy_update
                .iter()
                .map(|u| read_policy(u))
                .collect::<Result<Vec<_>, _>>()?;
            let trust = match verify_chain(&pinned, &ups, now) {
                Ok(vp) => Loaded::Policy(Box::new(vp), ups.len()),
                // A policy that is well formed but does not verify is a verification failure
                // (exit 1); one that is not a policy at all is an input error (exit 2).
                Err(e) if verification_failure(&e) => {
                    let named = match &e {
                        PolicyError::Update { position, .. } => {
                            args.policy_update.get(position - 1).cloned()
                        }
                        _ => None,
                    };
                    Loaded::PolicyFailed {
                        file: named.unwrap_or_else(|| p.clone()).display().to_string(),
                        error: e.to_string(),
                    }
                }
                Err(e) => {
                    return Err(CliError::input(
                        anyhow::Error::new(e).context(p.display().to_string()),
                    )
                    .hint("--policy takes a policy written by `sceau policy init` or `update`"))
                }
            };
            return Ok(LoadedTrust {
                trust,
                now,
                at_least,
            });
        }
        if args.key.is_empty() {
            return Err(CliError::input(anyhow!("no trust given"))
                .hint("pass --key MAINTAINER.pub (repeatable) or --policy POLICY"));
        }
        let mut keys = Vec::new();
        for k in &args.key {
            let (scope, path) = key_scope(k)?;
            // A file may hold several keys (a GitHub USER.keys, an authorized_keys file,
            // spec/keys.md §8): each is a candidate, and all of one file are one party, named
            // by the file, so that they count once toward a threshold (spec/verify.md §2.1).
            let found = load_public_all(&path)?;
            let several = found.len() > 1;
            for (key, comment) in found {
                let name = match comment {
                    Some(c) if !several => c,
                    _ => path.display().to_string(),
                };
                keys.push(TrustedKey {
                    name,
                    key,
                    scope: scope.clone(),
                });
            }
        }
        let threshold = args.threshold.unwrap_or(1);
        if threshold > keys.len() {
            return Err(CliError::input(anyhow!(
                "--threshold {threshold} is more than the {} key(s) given",
                keys.len()
            )));
        }
        Ok(LoadedTrust {
            trust: Loaded::Keys(KeyTrust { keys, threshold }),
            now,
            at_least,
        })
    }

    /// The trust, for the pipeline.
    pub fn root(&self) -> TrustRoot<'_> {
        match &self.trust {
            Loaded::Keys(t) => TrustRoot::Keys(t),
            Loaded::Policy(policy, updates) => TrustRoot::Policy {
                policy,
                updates: *updates,
                at_least: self.at_least,
            },
            Loaded::PolicyFailed { file, error } => TrustRoot::PolicyFailed { file, error },
        }
    }

    /// For the commands that need a verified record before they can say anything: the
    /// policy that did not verify, as a failure (exit 1).
    pub fn policy_failure(&self) -> Option<CliError> {
        match &self.trust {
            Loaded::PolicyFailed { file, error } => Some(CliError {
                code: EXIT_FAILED,
                error: anyhow!("policy {file} does not verify: {error}"),
                hint: None,
            }),
            _ => None,
        }
    }
}

/// `--key PUB` (a file: bare, for the release being verified) or `--key 'PATTERN=PUB'` (bound
/// to the release names PATTERN matches: `org/name` or `org/*`, spec/verify.md §2.2). A value
/// that names an existing file is a file, whatever it holds.
fn key_scope(arg: &Path) -> Result<(Option<ReleasePattern>, PathBuf), CliError> {
    if arg.exists() {
        return Ok((None, arg.to_owned()));
    }
    let text = arg.to_string_lossy();
    let Some((pattern, file)) = text.split_once('=') else {
        return Ok((None, arg.to_owned()));
    };
    let pattern = ReleasePattern::parse(pattern).map_err(|e| {
        CliError::input(anyhow::Error::new(e).context(format!("--key {text:?}"))).hint(
            "bind a key to release names as --key 'ORG/*=KEY.pub' or --key 'ORG/NAME=KEY.pub'",
        )
    })?;
    Ok((Some(pattern), PathBuf::from(file)))
}

/// Largest CA certificate file read (`--cert-chain`).
const MAX_CA_FILE_BYTES: usize = 4 * 1024 * 1024;

/// `--cert-chain` and `--trusted-root` / `--identity` / `--issuer`, read.
pub struct LoadedOmsTrust {
    cert_chain: Option<(String, CaCertificates)>,
    keyless: Option<(String, TrustedRoot, Identity)>,
}

impl LoadedOmsTrust {
    /// Reads the files (exit 2 when one is unreadable or malformed).
    pub fn load(args: &OmsVerifyArgs) -> Result<LoadedOmsTrust, CliError> {
        let cert_chain = match &args.cert_chain {
            None => None,
            Some(p) => {
                let bytes = read_capped(p, MAX_CA_FILE_BYTES, "CA certificate file")?;
                let cas = CaCertificates::from_pem(&bytes).map_err(|e| {
                    CliError::input(anyhow::Error::new(e).context(p.display().to_string()))
                        .hint("--cert-chain takes PEM certificates (-----BEGIN CERTIFICATE-----)")
                })?;
                Some((p.display().to_string(), cas))
            }
        };
        let keyless = match (&args.trusted_root, &args.identity, &args.issuer) {
            (Some(p), Some(san), Some(issuer)) => {
                let bytes = read_capped(p, MAX_TRUSTED_ROOT_BYTES, "trusted root")?;
                let root = TrustedRoot::from_json(&bytes).map_err(|e| {
                    CliError::input(anyhow::Error::new(e).context(p.display().to_string())).hint(
                        "--trusted-root takes a Sigstore trusted_root.json (media type \
                         application/vnd.dev.sigstore.trustedroot+json;version=0.1)",
                    )
                })?;
                let identity = Identity {
                    san: san.clone(),
                    issuer: issuer.clone(),
                };
                Some((p.display().to_string(), root, identity))
            }
            _ => None,
        };
        Ok(LoadedOmsTrust {
            cert_chain,
            keyless,
        })
    }

    /// Whether any was given.
    pub fn given(&self) -> bool {
        self.cert_chain.is_some() || self.keyless.is_some()
    }

    /// The trust, for the pipeline.
    pub fn trust(&self) -> OmsTrust<'_> {
        OmsTrust {
            cert_chain: self
                .cert_chain
                .as_ref()
                .map(|(label, cas)| CaTrust { label, cas }),
            keyless: self
                .keyless
                .as_ref()
                .map(|(label, root, identity)| KeylessTrust {
                    label,
                    root,
                    identity,
                }),
        }
    }
}

/// The record of a verification, when its own checks passed; otherwise a failure (exit 1)
/// naming the record, what failed, and `hint`. An OMS bundle is an input error (exit 2): it
/// carries no bill of materials for lineage, openness or a card check to read.
pub fn require_verified<'a>(
    v: &'a Verification,
    record: &Path,
    hint: &str,
) -> Result<&'a VerifiedRecord, CliError> {
    if v.form == RecordForm::Oms {
        return Err(CliError::input(anyhow!(
            "{} is an OpenSSF Model Signing bundle: it signs the model's files but carries no \
             bill of materials, so there is no lineage, claim or card to read",
            record.display()
        ))
        .hint("verify it with `sceau verify DIR --record model.sig`; give the sceau record here"));
    }
    v.verified_record().ok_or_else(|| {
        let why: Vec<String> = v.record_failures().map(|c| c.detail.clone()).collect();
        CliError {
            code: EXIT_FAILED,
            error: anyhow!("{} does not verify: {}", record.display(), why.join("; ")),
            hint: Some(hint.to_owned()),
        }
    })
}

/// Where parent records come from and the licence grants given: `--store`, `--with`,
/// `--grant`, `--allow-unverified-ancestors`.
pub struct Ancestry {
    store: Option<Store>,
    loose: Loose,
    /// The `--grant` files, read (format only: whether a grant counts is decided when it is
    /// verified, spec/lineage.md §5.6).
    pub grants: Vec<GrantFile>,
    allow_unverified: bool,
    given: bool,
}

impl Ancestry {
    /// Opens the store and reads the `--with` and `--grant` files.
    pub fn load(args: &AncestryArgs) -> Result<Ancestry, CliError> {
        let store = match &args.store {
            Some(d) => Some(Store::open(d).map_err(|e| {
                CliError::input(anyhow::Error::new(e))
                    .hint("create it with `sceau store add RECORD… --store DIR`")
            })?),
            None => None,
        };
        let mut loose = Loose::default();
        for w in &args.with {
            let bytes = crate::input::read_record(w)?;
            // A record packaged as a Sigstore bundle is stored as its envelope.
            let record = sceau_pipeline::form::sceau_record_bytes(&bytes).map_err(|e| {
                CliError::input(anyhow::Error::new(e).context(format!("--with {}", w.display())))
            })?;
            loose.add(&record.envelope).map_err(|e| {
                CliError::input(anyhow::Error::new(e).context(format!("--with {}", w.display())))
            })?;
        }
        let grants = args
            .grants
            .iter()
            .map(|p| {
                let bytes = read_capped(p, sceau_core::grant::MAX_GRANT_FILE_BYTES, "grant")?;
                let label = p.display().to_string();
                GrantFile::read(&label, &bytes).map_err(|e| {
                    CliError::input(anyhow::Error::new(e).context(label))
                        .hint("--grant takes a file written by `sceau grant`")
                })
            })
            .collect::<Result<Vec<_>, CliError>>()?;
        Ok(Ancestry {
            store,
            loose,
            grants,
            allow_unverified: args.allow_unverified_ancestors,
            given: args.store.is_some() || !args.with.is_empty(),
        })
    }

    /// The `--store`, when given.
    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    /// Whether `--store` or `--with` was given.
    pub fn given(&self) -> bool {
        self.given
    }

    /// Where parent records are looked up: the store first, then the `--with` records.
    pub fn sources(&self) -> Sources<'_> {
        let mut srcs: Vec<&dyn RecordSource> = Vec::new();
        if let Some(s) = &self.store {
            srcs.push(s);
        }
        srcs.push(&self.loose);
        Sources(srcs)
    }

    /// How to walk.
    pub fn walk_options(&self) -> WalkOptions {
        WalkOptions {
            allow_unverified_ancestors: self.allow_unverified,
            ..WalkOptions::default()
        }
    }
}

/// Prints, as warnings, the `--grant` files a walk did not count or use (`lineage grant`
/// checks), for the commands that show no report.
pub fn warn_grants(v: &Verification) {
    for c in v
        .report
        .checks
        .iter()
        .filter(|c| c.id == sceau_verify::report::CheckId::Grant)
    {
        errln!("warning: {}", clean(&c.detail));
    }
}

/// `--require` and `--attestation`, read before anything is verified.
pub struct Requirements {
    /// `--require`, parsed.
    pub required: Vec<Required>,
    files: Vec<(String, Vec<u8>)>,
}

impl Requirements {
    /// Parses `--require` and reads every `--attestation` file (exit 2 when one is
    /// unreadable or a `--require` is malformed).
    pub fn load(require: &[String], attestations: &[PathBuf]) -> Result<Requirements, CliError> {
        if require.len() > MAX_REQUIRED {
            return Err(CliError::input(anyhow!(
                "{} --require, over the limit of {MAX_REQUIRED}",
                require.len()
            )));
        }
        if attestations.len() > MAX_ATTESTATION_FILES {
            return Err(CliError::input(anyhow!(
                "{} --attestation files, over the limit of {MAX_ATTESTATION_FILES}",
                attestations.len()
            )));
        }
        let required = require
            .iter()
            .map(|r| {
                Required::parse(r).map_err(|e| {
                    CliError::input(anyhow::Error::new(e).context(format!("--require {r:?}")))
                        .hint("use STD or STD:REQUIREMENT, e.g. mof-openness:class-iii")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let files = attestations
            .iter()
            .map(|p| {
                Ok((
                    p.display().to_string(),
                    read_capped(p, MAX_ATTESTATION_BYTES, "attestation")?,
                ))
            })
            .collect::<Result<Vec<_>, CliError>>()?;
        Ok(Requirements { required, files })
    }

    /// The attestation files, for the verifier.
    pub fn inputs(&self) -> Vec<AttestationInput<'_>> {
        self.files
            .iter()
            .map(|(label, bytes)| AttestationInput { label, bytes })
            .collect()
    }
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
