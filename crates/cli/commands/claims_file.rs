//! `sceau sign --claims`: reading the claims file and merging it with the card's front matter
//! (spec/claims.md §2).
use std::path::Path;

use anyhow::anyhow;
use sceau_core::claims::{Claims, MAX_CLAIMS_BYTES};

use crate::error::CliError;

/// Reads and parses a claims file. Any error is an input error (exit 2) naming the line and
/// the field; the caller has written nothing yet.
pub fn read(path: &Path) -> Result<Claims, CliError> {
    let bytes = crate::input::read_capped(path, MAX_CLAIMS_BYTES, "claims file")?;
    Claims::from_toml(&bytes).map_err(|e| {
        CliError::input(anyhow!("claims file {}: {e}", path.display())).hint(
            "fix the field named above (spec/claims.md lists every field); nothing was written",
        )
    })
}

/// The claims to record for a scanned release: the file's over the card's claim fields. The
/// card's Hugging Face fields (datasets, model-index) stay in the record's card, so they are
/// only compared here, for the warnings. Returns the claims (`None` when neither source
/// claims anything) and warnings for people.
pub fn merge(
    file: Option<Claims>,
    root: &Path,
    release: &sceau_core::Release,
) -> Result<(Option<Claims>, Vec<String>), CliError> {
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
fn release_has(release: &sceau_core::Release, p: &str) -> bool {
    let arts = &release.artifacts;
    if release.artifact(p).is_some() {
        return true;
    }
    let folder = format!("{p}/");
    let i = arts.partition_point(|a| a.path.as_str() < folder.as_str());
    arts.get(i)
        .is_some_and(|a| a.path.as_str().starts_with(&folder))
}
