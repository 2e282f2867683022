//! Reading a scanned release's model card again for its claims (spec/claims.md §2).
use std::io::Read;
use std::path::Path;

use sceau_core::card::{parse_card_claims, CardWarning, MAX_FRONT_MATTER};
use sceau_core::claims::Claims;
use sceau_core::{ArtifactKind, Release};

use crate::error::ScanError;

/// Largest model card read again for its claims; a larger one claims nothing (a warning).
pub const MAX_CARD_BYTES: u64 = 16 << 20;

/// Why the card could not be read again for its claims.
fn changed(path: &Path, what: &str) -> ScanError {
    ScanError::ChangedWhileHashing {
        path: path.to_owned(),
        what: what.into(),
    }
}

/// Reads the claim fields of the model card of a scanned release (`root` as scanned), checking
/// that the bytes read are the ones the scan hashed. `Ok(None)`: the release has no model card.
pub fn read_card_claims(
    root: &Path,
    release: &Release,
) -> Result<Option<(Claims, Vec<CardWarning>)>, ScanError> {
    let Some(card) = release
        .artifacts
        .iter()
        .find(|a| a.kind == ArtifactKind::ModelCard)
    else {
        return Ok(None);
    };
    if card.size > MAX_CARD_BYTES {
        return Ok(Some((Claims::default(), vec![CardWarning::TooLarge])));
    }
    let path = root.join(card.path.as_str());
    let f = crate::hash::open_regular(&path)?;
    let cap = MAX_FRONT_MATTER + 64 * 1024;
    let mut buf = Vec::new();
    f.take(card.size.max(1) + 1)
        .read_to_end(&mut buf)
        .map_err(|e| ScanError::Io {
            path: path.clone(),
            source: e,
        })?;
    if buf.len() as u64 != card.size || crate::hash::sha256(&buf) != card.sha256 {
        return Err(changed(&path, "the model card differs from the one hashed"));
    }
    buf.truncate(cap);
    let text = String::from_utf8_lossy(&buf);
    Ok(Some(parse_card_claims(&text)))
}
