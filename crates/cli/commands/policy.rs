//! `sceau policy init|update|sign|show`: signed, versioned trust policies (spec/policy.md).
use sceau_core::Timestamp;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use sceau_sign::{KeyId, PublicKey, SecretKey};
use sceau_verify::policy::{
    add_policy_signature, read_policy_envelope, sign_policy, Certifier, KeyWindow, Maintainer,
    PolicyDocument, PolicyError, PolicyParts, ReleasePattern, ReleaseScope,
};

use crate::args::{
    PolicyContentArgs, PolicyInitArgs, PolicyShowArgs, PolicySignArgs, PolicyUpdateArgs,
};
use crate::error::{CliError, CliResult};
use crate::keys::{load_public, load_secret, PassphraseSource};
use crate::output::{check_writable, write_atomic};
use crate::{render, settings};

fn policy_err(e: PolicyError) -> CliError {
    CliError::input(anyhow::Error::new(e))
}

/// A policy error about the file `path`, naming it.
fn policy_err_in(path: &Path, e: PolicyError) -> CliError {
    CliError::input(anyhow::Error::new(e).context(path.display().to_string()))
}

/// `[NAME=]PUB` → maintainer.
fn maintainer(spec: &str) -> Result<Maintainer, CliError> {
    let (name, path) = match spec.split_once('=') {
        Some((n, p)) if !n.is_empty() => (Some(n.to_owned()), PathBuf::from(p)),
        _ => (None, PathBuf::from(spec)),
    };
    let (key, comment) = load_public(&path)?;
    // The default name is the key file's stem (`alice.pub` → `alice`): short and stable, what
    // --validity, --remove-maintainer and release scopes then name; the comment stays beside.
    let name = name
        .or_else(|| path.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
        .or_else(|| comment.clone())
        .unwrap_or_else(|| key.key_id().to_string());
    Ok(Maintainer {
        name,
        key,
        comment,
        window: KeyWindow::default(),
    })
}

/// `NAME=PUB:STD[,STD…]` → certifier.
fn certifier(spec: &str) -> Result<Certifier, CliError> {
    let bad = || {
        CliError::input(anyhow!(
            "--certifier {spec:?}: expected NAME=PUB:STD[,STD…]"
        ))
        .hint("e.g. --certifier auditor=auditor.pub:mof-openness,eu-ai-act-gpai")
    };
    let (name, rest) = spec.split_once('=').ok_or_else(bad)?;
    let (path, stds) = rest.rsplit_once(':').ok_or_else(bad)?;
    let (key, comment) = load_public(Path::new(path))?;
    let standards: Vec<String> = stds
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if name.is_empty() || standards.is_empty() {
        return Err(bad());
    }
    Ok(Certifier {
        name: name.to_owned(),
        key,
        comment,
        standards,
        window: KeyWindow::default(),
    })
}

/// `NAME=[FROM]..[UNTIL]` → (name, window).
fn validity(spec: &str) -> Result<(String, KeyWindow), CliError> {
    let bad = |why: String| {
        CliError::input(anyhow!("--validity {spec:?}: {why}"))
            .hint("e.g. --validity bob=2026-01-01..2027-01-01, or bob=..2027-01-01 to retire a key")
    };
    let (name, range) = spec
        .split_once('=')
        .ok_or_else(|| bad("expected NAME=[FROM]..[UNTIL]".into()))?;
    let (from, until) = range
        .split_once("..")
        .ok_or_else(|| bad("expected NAME=[FROM]..[UNTIL]".into()))?;
    let when = |s: &str| -> Result<Option<Timestamp>, CliError> {
        if s.is_empty() {
            return Ok(None);
        }
        Timestamp::parse_user(s)
            .map(Some)
            .map_err(|e| bad(format!("{s:?}: {e}")))
    };
    let window = KeyWindow {
        from: when(from)?,
        until: when(until)?,
    };
    if let (Some(f), Some(u)) = (window.from, window.until) {
        if f >= u {
            return Err(bad(format!("{from:?} is not before {until:?}")));
        }
    }
    Ok((name.to_owned(), window))
}

/// `PATTERN=NAME[,NAME…]:K` → release scope.
fn scope(spec: &str) -> Result<ReleaseScope, CliError> {
    let bad = || {
        CliError::input(anyhow!(
            "--release {spec:?}: expected PATTERN=NAME[,NAME…]:K"
        ))
    };
    let (pat, rest) = spec.split_once('=').ok_or_else(bad)?;
    let (names, k) = rest.rsplit_once(':').ok_or_else(bad)?;
    Ok(ReleaseScope {
        pattern: ReleasePattern::parse(pat).map_err(policy_err)?,
        maintainers: names
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        threshold: k.parse().map_err(|_| bad())?,
    })
}

fn expires(s: &str) -> Result<Timestamp, CliError> {
    settings::parse_time("--expires", s)
}

fn apply_content(parts: &mut PolicyParts, c: &PolicyContentArgs) -> Result<(), CliError> {
    if let Some(t) = c.threshold {
        parts.threshold = t;
    }
    if let Some(e) = &c.expires {
        parts.expires = expires(e)?;
    }
    for spec in &c.certifiers {
        let cert = certifier(spec)?;
        parts.certifiers.retain(|x| x.name != cert.name);
        parts.certifiers.push(cert);
    }
    let mut given: Vec<String> = Vec::new();
    for spec in &c.releases {
        let sc = scope(spec)?;
        let key = sc.pattern.as_str().to_ascii_lowercase();
        if given.contains(&key) {
            return Err(CliError::input(anyhow!(
                "--release {spec:?}: pattern {} given twice",
                sc.pattern.as_str()
            )));
        }
        given.push(key);
        // An update may replace a scope of the previous version.
        parts.releases.retain(|x| x.pattern != sc.pattern);
        parts.releases.push(sc);
    }
    for spec in &c.validity {
        let (name, window) = validity(spec)?;
        let mut found = false;
        for m in parts.maintainers.iter_mut().filter(|m| m.name == name) {
            m.window = window;
            found = true;
        }
        for x in parts.certifiers.iter_mut().filter(|x| x.name == name) {
            x.window = window;
            found = true;
        }
        if !found {
            return Err(CliError::input(anyhow!(
                "--validity {spec:?}: no maintainer or certifier is named {name:?}"
            ))
            .hint(format!("the policy names: {}", known_names(parts))));
        }
    }
    Ok(())
}

fn signing_keys(paths: &[PathBuf], pass: &PassphraseSource) -> Result<Vec<SecretKey>, CliError> {
    paths.iter().map(|p| load_secret(p, pass)).collect()
}

fn write_signed(doc: &PolicyDocument, keys: &[SecretKey], out: &Path, force: bool) -> CliResult {
    let refs: Vec<&SecretKey> = keys.iter().collect();
    let env = sign_policy(doc, &refs).map_err(policy_err)?;
    write_atomic(out, &env.to_json(), force, None)?;
    let ids: Vec<String> = keys.iter().map(|k| k.key_id().to_string()).collect();
    outln!(
        "policy v{} written to {} (threshold {} of {} maintainers, expires {}), signed by {}",
        doc.version(),
        out.display(),
        doc.threshold(),
        doc.active_maintainers().len(),
        doc.expires(),
        ids.join(", ")
    );
    Ok(0)
}

/// Runs `sceau policy init`.
pub fn init(args: &PolicyInitArgs) -> CliResult {
    check_writable(&args.output, args.force)?;
    let maintainers = args
        .maintainers
        .iter()
        .map(|m| maintainer(m))
        .collect::<Result<Vec<_>, _>>()?;
    let exp = args.content.expires.as_deref().ok_or_else(|| {
        CliError::input(anyhow!("--expires is required")).hint("e.g. --expires 2027-12-31")
    })?;
    let mut parts = PolicyParts {
        version: 1,
        expires: expires(exp)?,
        threshold: args.content.threshold.unwrap_or(1),
        maintainers,
        revoked: Vec::new(),
        certifiers: Vec::new(),
        releases: Vec::new(),
    };
    apply_content(&mut parts, &args.content)?;
    let doc = PolicyDocument::new(parts).map_err(policy_err)?;
    let keys = signing_keys(
        &args.keys,
        &PassphraseSource {
            file: args.pass.passphrase_file.clone(),
        },
    )?;
    write_signed(&doc, &keys, &args.output, args.force)
}

/// The maintainers and certifiers a policy names, for hints.
fn known_names(parts: &PolicyParts) -> String {
    let mut names: Vec<String> = parts
        .maintainers
        .iter()
        .map(|m| format!("{} ({})", m.name, m.key.key_id()))
        .chain(
            parts
                .certifiers
                .iter()
                .map(|c| format!("{} ({}, certifier)", c.name, c.key.key_id())),
        )
        .collect();
    names.sort();
    names.join(", ")
}

/// `--revoke`: a key id, a public key file, or the name of a maintainer or certifier.
fn key_id_of(spec: &str, parts: &PolicyParts) -> Result<KeyId, CliError> {
    if let Ok(id) = spec.parse::<KeyId>() {
        return Ok(id);
    }
    if let Some(m) = parts.maintainers.iter().find(|m| m.name == spec) {
        return Ok(m.key.key_id());
    }
    if let Some(c) = parts.certifiers.iter().find(|c| c.name == spec) {
        return Ok(c.key.key_id());
    }
    if !Path::new(spec).exists() {
        return Err(CliError::input(anyhow!(
            "--revoke {spec:?}: not a key id, a key file, or a name in the policy"
        ))
        .hint(format!("the policy names: {}", known_names(parts))));
    }
    let (k, _): (PublicKey, _) = load_public(Path::new(spec))?;
    Ok(k.key_id())
}

/// Reads a policy file: a regular file of at most `MAX_POLICY_ENVELOPE_BYTES`, refused unread
/// otherwise (spec/policy.md §1.2), so that a FIFO or a device never blocks.
fn read_policy_file(path: &Path) -> Result<Vec<u8>, CliError> {
    crate::input::read_capped(
        path,
        sceau_verify::policy::MAX_POLICY_ENVELOPE_BYTES,
        "policy",
    )
}

/// Runs `sceau policy update`.
pub fn update(args: &PolicyUpdateArgs) -> CliResult {
    check_writable(&args.output, args.force)?;
    let bytes = read_policy_file(&args.policy)?;
    let env = read_policy_envelope(&bytes).map_err(|e| policy_err_in(&args.policy, e))?;
    let old =
        PolicyDocument::from_payload(&env.payload).map_err(|e| policy_err_in(&args.policy, e))?;
    let mut parts = old.into_parts();
    parts.version = parts
        .version
        .checked_add(1)
        .ok_or_else(|| CliError::input(anyhow!("policy version cannot be increased")))?;
    for r in &args.remove {
        let before = parts.maintainers.len();
        parts
            .maintainers
            .retain(|m| m.name != *r && m.key.key_id().to_string() != *r);
        if parts.maintainers.len() == before {
            return Err(
                CliError::input(anyhow!("--remove-maintainer {r:?}: no such maintainer"))
                    .hint(format!("the policy names: {}", known_names(&parts))),
            );
        }
        parts
            .releases
            .iter_mut()
            .for_each(|s| s.maintainers.retain(|n| n != r));
    }
    for a in &args.add {
        parts.maintainers.push(maintainer(a)?);
    }
    for r in &args.revoke {
        let id = key_id_of(r, &parts)?;
        if !parts.revoked.contains(&id) {
            parts.revoked.push(id);
        }
    }
    for c in &args.remove_certifiers {
        parts.certifiers.retain(|x| x.name != *c);
    }
    apply_content(&mut parts, &args.content)?;
    let doc = PolicyDocument::new(parts).map_err(policy_err)?;
    let keys = signing_keys(
        &args.keys,
        &PassphraseSource {
            file: args.pass.passphrase_file.clone(),
        },
    )?;
    write_signed(&doc, &keys, &args.output, args.force)
}

/// Runs `sceau policy sign`.
pub fn sign(args: &PolicySignArgs) -> CliResult {
    match &args.output {
        Some(o) => check_writable(o, args.force)?,
        // Rewritten in place: refuse what is not a regular file now.
        None => check_writable(&args.policy, true)?,
    }
    let bytes = read_policy_file(&args.policy)?;
    let mut env = read_policy_envelope(&bytes).map_err(|e| policy_err_in(&args.policy, e))?;
    let key = load_secret(
        &args.key,
        &PassphraseSource {
            file: args.pass.passphrase_file.clone(),
        },
    )?;
    add_policy_signature(&mut env, &key).map_err(policy_err)?;
    let out = args.output.as_ref().unwrap_or(&args.policy);
    write_atomic(
        out,
        &env.to_json(),
        args.output.is_none() || args.force,
        None,
    )?;
    outln!(
        "added signature by {} to {} ({} signatures)",
        key.key_id(),
        out.display(),
        env.signatures.len()
    );
    Ok(0)
}

/// Runs `sceau policy show` (content only; `sceau verify --policy` verifies).
pub fn show(args: &PolicyShowArgs) -> CliResult {
    let bytes = read_policy_file(&args.policy)?;
    let env = read_policy_envelope(&bytes).map_err(|e| policy_err_in(&args.policy, e))?;
    let doc =
        PolicyDocument::from_payload(&env.payload).map_err(|e| policy_err_in(&args.policy, e))?;
    if args.json {
        let v: serde_json::Value =
            serde_json::from_slice(&doc.to_payload()).map_err(anyhow::Error::from)?;
        render::print_json(
            &serde_json::json!({"verified": false, "signatures": env.signatures.len(), "policy": v}),
        )?;
        return Ok(0);
    }
    outln!(
        "policy v{} (content shown NOT verified; `sceau verify --policy` verifies it)",
        doc.version()
    );
    outln!("expires:   {}", doc.expires());
    outln!(
        "threshold: {} of {}",
        doc.threshold(),
        doc.active_maintainers().len()
    );
    for m in &doc.parts().maintainers {
        let revoked = if doc.is_revoked(&m.key) {
            " REVOKED"
        } else {
            ""
        };
        let window = if m.window.is_unbounded() {
            String::new()
        } else {
            format!(", valid {}", m.window)
        };
        outln!(
            "  maintainer {} ({}){revoked}{window}",
            m.name,
            m.key.key_id()
        );
    }
    for c in &doc.parts().certifiers {
        let window = if c.window.is_unbounded() {
            String::new()
        } else {
            format!(", valid {}", c.window)
        };
        outln!(
            "  certifier {} ({}) for {}{window}",
            c.name,
            c.key.key_id(),
            c.standards.join(", ")
        );
    }
    for s in &doc.parts().releases {
        outln!(
            "  releases {}: {} of {}",
            s.pattern.as_str(),
            s.threshold,
            s.maintainers.join(", ")
        );
    }
    outln!("signatures: {}", env.signatures.len());
    Ok(0)
}
