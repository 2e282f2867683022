//! OpenSSF Model Signing bundles inside the one verification flow (spec/verify.md §6): an OMS
//! bundle given as the record, checked stage by stage into the same report as a sceau record,
//! and an OMS bundle given beside a sceau record (`--oms`), whose root the record must name
//! (spec/oms.md §11).
use std::collections::HashMap;
use std::path::Path;

use sceau_core::{IgnoreRules, Release, Timestamp};
use sceau_oms::{
    compare_tree, verify_certificate, verify_key, verify_keyless, Bundle, BundleError,
    BundleSummary, CaCertificates, CertificateTime, HashType, Identity, Layout, Method,
    OmsPublicKey, SigningMethod, TreeComparison, TreeOptions, TrustedRoot, VerifiedOmsStatement,
    VerifiedSigner,
};
use sceau_verify::record::{TreeCheck, MAX_FUTURE_SKEW};
use sceau_verify::report::{CheckId, Outcome, Report};
use sceau_verify::trust::KeyTrust;

/// The reason lineage and claims do not apply to an OMS bundle (spec/verify.md §6.2).
pub const NO_BOM: &str = "not applicable: an OMS signature carries no bill of materials";

/// The reason rollback and key pinning do not apply to an OMS bundle.
pub const NO_VERSION: &str =
    "not applicable: an OMS signature names no release and no version (no --state check)";

/// `--cert-chain`: CA certificates trusted for `certificate`-method bundles.
#[derive(Clone, Copy, Debug)]
pub struct CaTrust<'a> {
    /// The file they were read from, for the report.
    pub label: &'a str,
    /// The certificates (trust anchors).
    pub cas: &'a CaCertificates,
}

/// `--trusted-root` with `--identity` and `--issuer`: Sigstore keyless, offline.
#[derive(Clone, Copy, Debug)]
pub struct KeylessTrust<'a> {
    /// The trusted root file, for the report.
    pub label: &'a str,
    /// Fulcio CAs, Rekor and CT log keys, TSAs.
    pub root: &'a TrustedRoot,
    /// The SAN and OIDC issuer the certificate must carry, exactly.
    pub identity: &'a Identity,
}

/// Trust for OMS signatures besides `--key` (whose ECDSA keys verify `key`-method bundles).
#[derive(Clone, Copy, Debug, Default)]
pub struct OmsTrust<'a> {
    /// `--cert-chain`.
    pub cert_chain: Option<CaTrust<'a>>,
    /// `--trusted-root`, `--identity`, `--issuer`.
    pub keyless: Option<KeylessTrust<'a>>,
}

impl OmsTrust<'_> {
    /// Whether any is given.
    pub fn given(&self) -> bool {
        self.cert_chain.is_some() || self.keyless.is_some()
    }
}

/// What the verification of an OMS bundle found.
#[derive(Debug)]
pub struct OmsVerification {
    /// What the bundle claims (unverified), when it reads.
    pub summary: Option<BundleSummary>,
    /// The statement, when its signature verified under the trust given.
    pub verified: Option<VerifiedOmsStatement>,
    /// The folder compared with the signed manifest, when one was.
    pub tree: Option<TreeComparison>,
}

impl OmsVerification {
    /// The verified root digest, `sha256:HEX`.
    pub fn root(&self) -> Option<String> {
        self.verified
            .as_ref()
            .map(|v| v.statement().root.to_prefixed())
    }
}

/// The keys of `--key` an OMS bundle may be verified with: ECDSA keys not bound to release
/// names (an OMS bundle names none), each with its name. The others are named in `notes`.
fn oms_keys(keys: Option<&KeyTrust>) -> (Vec<(&str, OmsPublicKey)>, Vec<String>) {
    let mut usable = Vec::new();
    let mut notes = Vec::new();
    for k in keys.map(|t| t.keys.as_slice()).unwrap_or_default() {
        if k.scope.is_some() {
            notes.push(format!(
                "{} is bound to release names, and an OMS signature names no release",
                k.name
            ));
            continue;
        }
        match OmsPublicKey::from_spki_der(&k.key.to_spki_der()) {
            Ok(o) => usable.push((k.name.as_str(), o)),
            Err(_) => notes.push(format!(
                "{} is an {} key; OMS signs with ECDSA P-256, P-384 or P-521 only",
                k.name,
                k.key.algorithm().name()
            )),
        }
    }
    (usable, notes)
}

fn join_notes(notes: &[String]) -> String {
    if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    }
}

/// Verifies the bundle's signature under the trust its method calls for. `Ok`: the verified
/// statement and the `signature threshold` detail; `Err`: the failure detail.
fn verify_signature(
    bundle: &Bundle,
    keys: Option<&KeyTrust>,
    trust: &OmsTrust<'_>,
    now: Timestamp,
) -> Result<(VerifiedOmsStatement, String), String> {
    if let Some(t) = keys.filter(|t| t.threshold > 1) {
        return Err(format!(
            "an OMS bundle carries one signature: --threshold {} cannot be met",
            t.threshold
        ));
    }
    match bundle.method() {
        SigningMethod::Key => {
            let (usable, notes) = oms_keys(keys);
            if usable.is_empty() {
                return Err(format!(
                    "the bundle is signed with a key: give its ECDSA public key with --key{}",
                    join_notes(&notes)
                ));
            }
            let mut why = Vec::new();
            for (name, key) in &usable {
                match verify_key(bundle, key) {
                    Ok(v) => {
                        return Ok((
                            v,
                            format!(
                                "1 of 1 required signature verified: key {name} ({}, OMS key \
                                 hint {}); trust from --key",
                                key.curve().name(),
                                key.hint()
                            ),
                        ))
                    }
                    Err(e) => why.push(format!("{name}: {e}")),
                }
            }
            Err(format!(
                "no --key verifies the signature: {}{}",
                why.join("; "),
                join_notes(&notes)
            ))
        }
        SigningMethod::Certificate => {
            let Some(ca) = trust.cert_chain else {
                return Err(
                    "the bundle is signed with a certificate: give the CA certificates to \
                     trust with --cert-chain CA.pem"
                        .to_owned(),
                );
            };
            let v = verify_certificate(bundle, ca.cas, CertificateTime::At(now.unix()))
                .map_err(|e| format!("against {}: {e}", ca.label))?;
            let detail = match v.signer() {
                VerifiedSigner::Certificate {
                    subject,
                    chain,
                    curve,
                    ..
                } => format!(
                    "1 of 1 required signature verified: certificate {subject} ({}) chains to a \
                     CA of {} ({}), every certificate valid at {now}, and may sign",
                    curve.name(),
                    ca.label,
                    chain.join(" → ")
                ),
                other => format!("verified against {}: {other:?}", ca.label),
            };
            Ok((v, detail))
        }
        SigningMethod::Sigstore => {
            let Some(k) = trust.keyless else {
                return Err(
                    "the bundle is signed keyless through Sigstore: give --trusted-root \
                     trusted_root.json --identity ID --issuer URL"
                        .to_owned(),
                );
            };
            let v = verify_keyless(bundle, k.root, k.identity)
                .map_err(|e| format!("under {}: {e}", k.label))?;
            let detail = match v.signer() {
                VerifiedSigner::Sigstore {
                    identity, issuer, ..
                } => format!(
                    "1 of 1 required signature verified: Fulcio certificate for {identity} \
                     (OIDC issuer {issuer}) chains to a CA of {}, its SCT and the Rekor entry \
                     verify under the root's log keys, offline",
                    k.label
                ),
                other => format!("verified under {}: {other:?}", k.label),
            };
            Ok((v, detail))
        }
    }
}

fn unix_text(t: i64) -> String {
    Timestamp::from_unix(t).map_or_else(|_| format!("{t} (seconds since 1970)"), |t| t.to_string())
}

/// The statement's description for `parse statement`.
fn statement_detail(v: &VerifiedOmsStatement) -> String {
    let s = v.statement();
    let ser = s.serialization();
    let method = match ser.method {
        Method::Files => "files".to_owned(),
        Method::Shards { shard_size } => format!("shards of {shard_size} bytes"),
    };
    let layout = match s.layout {
        Layout::SignatureV1_0 => "OMS v1.0 statement",
        Layout::DigestsV0_1 => "model_signing 0.2 statement (one subject per file)",
    };
    format!(
        "{layout} read from the verified payload: model {}, {} resources ({method}, {}), root {} \
         = SHA-256 of the listed digests",
        s.model_name.as_deref().unwrap_or("(unnamed)"),
        s.resources().len(),
        ser.hash_type.name(),
        s.root.to_prefixed()
    )
}

/// Runs the checks of an OMS bundle given as the record (spec/verify.md §6.2): envelope,
/// payload type, signature, statement, signing time, then the folder.
pub(crate) fn verify_record(
    bytes: &[u8],
    keys: Option<&KeyTrust>,
    trust: &OmsTrust<'_>,
    now: Timestamp,
    tree: Option<TreeCheck<'_>>,
    report: &mut Report,
) -> OmsVerification {
    let mut out = OmsVerification {
        summary: None,
        verified: None,
        tree: None,
    };
    let bundle = match Bundle::from_json(bytes) {
        Ok(b) => b,
        Err(BundleError::PayloadType(t)) => {
            report.pass(CheckId::Envelope, "Sigstore bundle with a DSSE envelope");
            report.fail(
                CheckId::PayloadType,
                format!("payload type {t:?}, expected application/vnd.in-toto+json"),
            );
            return out;
        }
        Err(BundleError::Statement(e)) => {
            report.pass(CheckId::Envelope, "Sigstore bundle with a DSSE envelope");
            report.pass(CheckId::PayloadType, "application/vnd.in-toto+json");
            report.fail(
                CheckId::Statement,
                format!("the payload is not an OMS statement, so no signature was checked: {e}"),
            );
            return out;
        }
        Err(e) => {
            report.fail(CheckId::Envelope, format!("not an OMS bundle: {e}"));
            return out;
        }
    };
    let summary = bundle.describe();
    report.pass(
        CheckId::Envelope,
        format!(
            "OMS bundle: Sigstore bundle ({}) with a DSSE envelope holding one signature, {} \
             method",
            summary.media_type,
            summary.method.name()
        ),
    );
    report.pass(CheckId::PayloadType, "application/vnd.in-toto+json");
    out.summary = Some(summary);
    let verified = match verify_signature(&bundle, keys, trust, now) {
        Ok((v, detail)) => {
            report.pass(CheckId::Threshold, detail);
            v
        }
        Err(why) => {
            report.fail(CheckId::Threshold, why);
            return out;
        }
    };
    report.pass(CheckId::Statement, statement_detail(&verified));
    signing_time(&verified, now, report);
    if let Some(tc) = tree {
        out.tree = check_tree(&verified, &tc, report);
    }
    out.verified = Some(verified);
    out
}

/// `freshness signing-time`: only keyless signatures have a verified time (the Rekor entry's).
fn signing_time(v: &VerifiedOmsStatement, now: Timestamp, report: &mut Report) {
    match v.signer() {
        VerifiedSigner::Sigstore {
            integrated_time: Some(t),
            ..
        } => {
            let limit = now.saturating_add(MAX_FUTURE_SKEW).unix();
            if *t > limit {
                report.fail(
                    CheckId::SigningTime,
                    format!(
                        "logged at {}, after the verification time {now}",
                        unix_text(*t)
                    ),
                );
            } else {
                report.pass(
                    CheckId::SigningTime,
                    format!(
                        "logged in Rekor at {} (the verified integrated time), not after {now}",
                        unix_text(*t)
                    ),
                );
            }
        }
        VerifiedSigner::Sigstore { .. } => report.skip(
            CheckId::SigningTime,
            "the Rekor entry has no integrated time; the signature was dated by a timestamp \
             authority only",
        ),
        _ => report.skip(
            CheckId::SigningTime,
            "an OMS key or certificate signature carries no signing time",
        ),
    }
}

/// `tree files`, `modified`, `missing`, `extra` for an OMS manifest (spec/oms.md §5.4).
fn check_tree(
    v: &VerifiedOmsStatement,
    tc: &TreeCheck<'_>,
    report: &mut Report,
) -> Option<TreeComparison> {
    let opts = TreeOptions {
        exclude: (!tc.extra_ignores.is_empty()).then(|| IgnoreRules(tc.extra_ignores.clone())),
        threads: tc.threads,
        ..TreeOptions::default()
    };
    let cmp = match compare_tree(v, tc.root, &opts) {
        Ok(c) => c,
        Err(e) => {
            report.fail(CheckId::Files, format!("cannot check the folder: {e}"));
            return None;
        }
    };
    tree_checks(&cmp, tc.root, tc.allow_extra, report);
    Some(cmp)
}

fn tree_checks(cmp: &TreeComparison, root: &Path, allow_extra: bool, report: &mut Report) {
    let h = cmp.hash_type.name();
    let ignored = if cmp.ignored.is_empty() {
        "none".to_owned()
    } else {
        cmp.ignored.join(", ")
    };
    let same = cmp.root_computed == cmp.root_recorded;
    let order = if !same && cmp.is_match() {
        // Every file matches yet the roots differ: the signer listed the resources in another
        // order than model_signing's (spec/oms.md §5.3); its root was checked against its own
        // order when the statement was read.
        " (every file matches: the signer listed the resources in another order)"
    } else {
        ""
    };
    report.pass(
        CheckId::Files,
        format!(
            "{} walked and hashed with {h} as OMS enumerates a model (ignored: {ignored}); root of \
             the folder {} {} the signed root {}{order}",
            root.display(),
            cmp.root_computed.to_prefixed(),
            if same { "=" } else { "≠" },
            cmp.root_recorded.to_prefixed()
        ),
    );
    report.push(
        CheckId::Modified,
        if cmp.modified.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail
        },
        if cmp.modified.is_empty() {
            format!("{} resources match their signed {h}", cmp.matched)
        } else {
            cmp.modified
                .iter()
                .map(|m| {
                    format!(
                        "{} modified: signed {h} {} but file has {}",
                        m.name, m.expected, m.actual
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        },
    );
    report.push(
        CheckId::Missing,
        if cmp.missing.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail
        },
        if cmp.missing.is_empty() {
            "no signed file is missing".to_owned()
        } else {
            let listed: Vec<String> = cmp
                .missing
                .iter()
                .map(|m| format!("{} (signed {h} {})", m.name, m.digest))
                .collect();
            format!("missing: {}", listed.join(", "))
        },
    );
    let listed: Vec<String> = cmp
        .extra
        .iter()
        .map(|m| format!("{} (on disk {h} {})", m.name, m.digest))
        .collect();
    let (outcome, detail) = match (cmp.extra.is_empty(), allow_extra) {
        (true, _) => (
            Outcome::Pass,
            format!("no unsigned file (ignored: {ignored})"),
        ),
        (false, true) => (
            Outcome::Skipped,
            format!(
                "extra files allowed by --allow-extra, not signed: {}",
                listed.join(", ")
            ),
        ),
        (false, false) => (Outcome::Fail, format!("extra: {}", listed.join(", "))),
    };
    report.push(CheckId::Extra, outcome, detail);
}

/// `signature oms-root` for a verified sceau record (spec/oms.md §11): with `--oms`, the OMS
/// bundle must verify under the trust given and sign the root the record names, and every
/// file of its manifest (files, SHA-256) must be in the record with the same digest. Without
/// `--oms`, a record naming a root lists the check as skipped, saying how to run it.
pub(crate) fn check_companion(
    companion: Option<&[u8]>,
    release: &Release,
    keys: Option<&KeyTrust>,
    trust: &OmsTrust<'_>,
    now: Timestamp,
    report: &mut Report,
) -> Option<OmsVerification> {
    let named = release.oms_root.map(|d| format!("sha256:{}", d.to_hex()));
    let Some(bytes) = companion else {
        if let Some(root) = named {
            report.skip(
                CheckId::OmsRoot,
                format!(
                    "the record names the model's OMS root {root}; give the OMS signature \
                     with --oms model.sig to check it"
                ),
            );
        }
        return None;
    };
    let mut out = OmsVerification {
        summary: None,
        verified: None,
        tree: None,
    };
    let bundle = match Bundle::from_json(bytes) {
        Ok(b) => b,
        Err(e) => {
            report.fail(CheckId::OmsRoot, format!("--oms: not an OMS bundle: {e}"));
            return Some(out);
        }
    };
    out.summary = Some(bundle.describe());
    let Some(root) = named else {
        report.fail(
            CheckId::OmsRoot,
            "the record names no OMS root (it was not signed with --oms): nothing ties it to \
             the OMS signature given",
        );
        return Some(out);
    };
    let verified = match verify_signature(&bundle, keys, trust, now) {
        Ok((v, _)) => v,
        Err(why) => {
            report.fail(
                CheckId::OmsRoot,
                format!("the OMS signature does not verify: {why}"),
            );
            return Some(out);
        }
    };
    let signed = verified.statement().root.to_prefixed();
    if signed != root {
        report.fail(
            CheckId::OmsRoot,
            format!("the record names OMS root {root}, the OMS signature signs {signed}"),
        );
        out.verified = Some(verified);
        return Some(out);
    }
    // The manifest's files are the record's: same path, same SHA-256 (files/sha256 only; other
    // serializations hash differently and are compared by root alone).
    let ser = verified.statement().serialization();
    let detail = if ser.method == Method::Files && ser.hash_type == HashType::Sha256 {
        let recorded: HashMap<&str, String> = release
            .artifacts
            .iter()
            .map(|a| (a.path.as_str(), a.sha256.to_hex()))
            .collect();
        let mut conflicts = Vec::new();
        for r in verified.statement().resources() {
            let name = r.name.to_string();
            let digest = hex::encode(&r.digest);
            match recorded.get(name.as_str()) {
                Some(d) if *d == digest => {}
                Some(d) => {
                    conflicts.push(format!("{name}: OMS signs sha256 {digest}, the record {d}"))
                }
                None => conflicts.push(format!("{name}: signed by OMS, not in the record")),
            }
        }
        if !conflicts.is_empty() {
            report.fail(
                CheckId::OmsRoot,
                format!(
                    "the OMS signature signs root {root}, but its files are not the record's: {}",
                    conflicts.join("; ")
                ),
            );
            out.verified = Some(verified);
            return Some(out);
        }
        format!(
            "; its {} files are in the record with the same SHA-256",
            verified.statement().resources().len()
        )
    } else {
        String::new()
    };
    report.pass(
        CheckId::OmsRoot,
        format!(
            "the OMS signature verifies ({} method) and signs root {root}, the root the record \
             names{detail}: the record's BOM, lineage and claims are about that model",
            bundle.method().name()
        ),
    );
    out.verified = Some(verified);
    Some(out)
}
