//! Reading input files that may be hostile: regular files only (a FIFO or device is refused
//! without blocking), and never more than a size cap.
use std::io::Read;
use std::path::Path;

use anyhow::anyhow;

use crate::error::CliError;

/// Reads `path` (a `what`, for messages) if it is a regular file of at most `cap` bytes.
pub fn read_capped(path: &Path, cap: usize, what: &str) -> Result<Vec<u8>, CliError> {
    let f = sceau_scan::hash::open_regular(path).map_err(|e| match e {
        // open_regular words this for a file swapped during a scan; here the input simply is
        // a FIFO, socket or device, opened without blocking and never read.
        sceau_scan::ScanError::ChangedWhileHashing { .. } => CliError::input(anyhow!(
            "cannot read {what} {}: not a regular file (FIFOs, sockets and devices are not read)",
            path.display()
        )),
        e => CliError::input(anyhow!("cannot read {what} {}: {e}", path.display())),
    })?;
    let mut buf = Vec::new();
    f.take(cap as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| CliError::input(anyhow!("cannot read {what} {}: {e}", path.display())))?;
    if buf.len() > cap {
        return Err(CliError::input(anyhow!(
            "{what} {} is over the size limit of {cap} bytes",
            path.display()
        )));
    }
    Ok(buf)
}

/// Reads a record file, refusing it unread when it is over the envelope size limit
/// (spec/record.md §1.4).
pub fn read_record(path: &Path) -> Result<Vec<u8>, CliError> {
    read_capped(path, sceau_core::dsse::MAX_ENVELOPE_BYTES, "record")
}

/// Reads a sceau record given in either form (a DSSE envelope, or packaged as a Sigstore
/// bundle by `sign --bundle`) and returns its DSSE envelope bytes. An OpenSSF Model Signing
/// bundle is an input error: it carries no bill of materials to read (spec/verify.md §6.1).
pub fn read_sceau_record(path: &Path) -> Result<Vec<u8>, CliError> {
    let bytes = read_record(path)?;
    let envelope = sceau_pipeline::form::sceau_record_bytes(&bytes).map_err(|e| {
        let hint = match e {
            sceau_pipeline::form::FormError::OmsBundle => {
                "verify an OMS signature with `sceau verify DIR --record model.sig`; give a \
                 record written by `sceau sign` here"
            }
            _ => "give a record written by `sceau sign`",
        };
        CliError::input(anyhow::Error::new(e).context(path.display().to_string())).hint(hint)
    })?;
    Ok(envelope.envelope.into_owned())
}

/// Makes text from a record, key or policy safe to print on a terminal: control characters
/// (escape sequences included) are shown escaped.
pub fn clean(s: &str) -> String {
    let hidden = |c: char| c.is_control() || sceau_core::name::is_invisible(c);
    if !s.chars().any(hidden) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| {
            if hidden(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Shortens `s` to `n` characters for a table cell.
pub fn cell(s: &str, n: usize) -> String {
    let s = clean(s);
    if s.chars().count() <= n {
        s
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Reads and parses a claims file. Any error is an input error (exit 2) naming the line and
/// the field; nothing is written yet.
pub fn read_claims(path: &Path) -> Result<sceau_core::claims::Claims, CliError> {
    let bytes = read_capped(path, sceau_core::claims::MAX_CLAIMS_BYTES, "claims file")?;
    sceau_core::claims::Claims::from_toml(&bytes).map_err(|e| {
        CliError::input(anyhow!("claims file {}: {e}", path.display())).hint(
            "fix the field named above (spec/claims.md lists every field); nothing was written",
        )
    })
}
