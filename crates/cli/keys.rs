//! Loading keys for the CLI: files, passphrases from a file, the environment or a prompt.
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use sceau_sign::{KeyError, PublicKey, SecretKey};
use zeroize::Zeroizing;

use crate::error::CliError;

/// Environment variable holding a passphrase for CI.
pub const PASSPHRASE_ENV: &str = "SCEAU_PASSPHRASE";

/// Where a passphrase comes from, in order: `--passphrase-file`, `SCEAU_PASSPHRASE`, a prompt.
#[derive(Clone, Debug, Default)]
pub struct PassphraseSource {
    /// `--passphrase-file`.
    pub file: Option<PathBuf>,
}

impl PassphraseSource {
    /// Reads the passphrase (for decrypting), prompting once on a terminal.
    pub fn get(&self, what: &str) -> Result<Zeroizing<Vec<u8>>, CliError> {
        if let Some(f) = &self.file {
            return read_passphrase_file(f);
        }
        if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
            return Ok(Zeroizing::new(p.into_bytes()));
        }
        if std::io::stdin().is_terminal() {
            let p = rpassword::prompt_password(format!("passphrase for {what}: "))
                .context("cannot read the passphrase from the terminal")?;
            return Ok(Zeroizing::new(p.into_bytes()));
        }
        Err(
            CliError::input(anyhow!("{what} is encrypted and no passphrase was given")).hint(
                format!("set {PASSPHRASE_ENV}, pass --passphrase-file FILE, or run in a terminal"),
            ),
        )
    }

    /// Reads a new passphrase (for encrypting), asking twice on a terminal.
    pub fn new_passphrase(&self, what: &str) -> Result<Zeroizing<Vec<u8>>, CliError> {
        if self.file.is_some() || std::env::var_os(PASSPHRASE_ENV).is_some() {
            return self.get(what);
        }
        if !std::io::stdin().is_terminal() {
            return Err(CliError::input(anyhow!(
                "no passphrase to encrypt {what} with: not a terminal, and neither \
                 {PASSPHRASE_ENV} nor --passphrase-file is given"
            ))
            .hint(format!(
                "set {PASSPHRASE_ENV}, pass --passphrase-file FILE, run in a terminal, or \
                 --no-passphrase for an unencrypted key"
            )));
        }
        let a = Zeroizing::new(
            rpassword::prompt_password(format!("new passphrase for {what}: "))
                .context("cannot read the passphrase")?,
        );
        let b = Zeroizing::new(
            rpassword::prompt_password("repeat it: ").context("cannot read the passphrase")?,
        );
        if *a != *b {
            return Err(CliError::input(anyhow!("the two passphrases differ")));
        }
        Ok(Zeroizing::new(a.as_bytes().to_vec()))
    }
}

/// Longest passphrase file read. It may be a pipe (`<(pass show key)`), so its size is not
/// known beforehand: reading stops one byte past the limit.
const MAX_PASSPHRASE_FILE: u64 = 64 * 1024;

/// The first line of a passphrase file (without `\n` or `\r\n`), read to at most
/// `MAX_PASSPHRASE_FILE` bytes.
fn read_passphrase_file(f: &Path) -> Result<Zeroizing<Vec<u8>>, CliError> {
    use std::io::Read as _;
    let err = || format!("cannot read passphrase file {}", f.display());
    let mut text = Zeroizing::new(Vec::new());
    std::fs::File::open(f)
        .with_context(err)?
        .take(MAX_PASSPHRASE_FILE + 1)
        .read_to_end(&mut text)
        .with_context(err)?;
    if text.len() as u64 > MAX_PASSPHRASE_FILE {
        return Err(CliError::input(anyhow!(
            "passphrase file {} is over {MAX_PASSPHRASE_FILE} bytes",
            f.display()
        ))
        .hint("--passphrase-file takes a file whose first line is the passphrase"));
    }
    let line = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Ok(Zeroizing::new(line.to_vec()))
}

/// Hint for a key error.
pub fn key_hint(e: &KeyError) -> Option<&'static str> {
    Some(match e {
        KeyError::WrongPassphrase { .. } => {
            "check SCEAU_PASSPHRASE / --passphrase-file, or type it again"
        }
        KeyError::WeakKey { .. } | KeyError::NonCanonical { .. } | KeyError::NotOnCurve => {
            "this key cannot be trusted by anyone: generate a new one with `sceau keygen`"
        }
        KeyError::WrongKind { .. } => {
            "a .pub file goes to --maintainer/--key of verify; a .key file to --key of sign"
        }
        KeyError::KeyIdMismatch { .. } => {
            "the key line was edited: get the key again from its owner"
        }
        KeyError::Truncated { .. }
        | KeyError::Malformed { .. }
        | KeyError::Unrecognised { .. }
        | KeyError::AtLine { .. } => {
            "sceau reads ed25519 and ECDSA P-256/P-384/P-521 keys: its own key files, OpenSSH \
             keys (and authorized_keys / GitHub .keys files), PKCS#8, SEC1 and SPKI PEM, \
             minisign and signify keys"
        }
        KeyError::SeveralKeys { .. } => "keep only the line of the key you mean in the file",
        _ => return None,
    })
}

fn key_error(path: &Path, e: KeyError) -> CliError {
    let hint = key_hint(&e);
    CliError::input(anyhow::Error::new(e).context(format!("{}", path.display()))).maybe_hint(hint)
}

fn read_key_text(path: &Path) -> Result<String, CliError> {
    let bytes = crate::input::read_capped(path, sceau_sign::MAX_KEY_TEXT_BYTES, "key")?;
    String::from_utf8(bytes)
        .map_err(|_| CliError::input(anyhow!("{}: key file is not UTF-8 text", path.display())))
}

/// Reads a public key file in any supported encoding; it must hold one key.
pub fn load_public(path: &Path) -> Result<(PublicKey, Option<String>), CliError> {
    let text = read_key_text(path)?;
    PublicKey::parse(&text).map_err(|e| key_error(path, e))
}

/// Reads every public key of a file that may hold several (an `authorized_keys` or GitHub
/// `USER.keys` file; spec/keys.md §8), each distinct key once; a note on stderr names the
/// lines skipped because sceau does not use their algorithm.
#[allow(clippy::print_stderr)]
pub fn load_public_all(path: &Path) -> Result<Vec<(PublicKey, Option<String>)>, CliError> {
    let text = read_key_text(path)?;
    let list = PublicKey::parse_list(&text).map_err(|e| key_error(path, e))?;
    for skipped in &list.skipped {
        eprintln!(
            "note: {}: {}",
            path.display(),
            crate::input::clean(&skipped.to_string())
        );
    }
    Ok(list.keys)
}

/// Reads a secret key file, asking for a passphrase only when it is encrypted. Warns when a
/// secret key file is readable by others.
pub fn load_secret(path: &Path, pass: &PassphraseSource) -> Result<SecretKey, CliError> {
    let text = Zeroizing::new(read_key_text(path)?);
    let what = path.display().to_string();
    let mut prompt_err = None;
    let res = SecretKey::parse(&text, || match pass.get(&what) {
        Ok(p) => Ok(p),
        Err(e) => {
            let msg = e.error.to_string();
            prompt_err = Some(e);
            Err(msg)
        }
    });
    match res {
        Ok((k, _)) => {
            warn_if_world_readable(path);
            Ok(k)
        }
        Err(e) => Err(prompt_err.unwrap_or_else(|| key_error(path, e))),
    }
}

fn warn_if_world_readable(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path) {
            if m.permissions().mode() & 0o077 != 0 {
                errln!(
                    "warning: {} is readable by other users (mode {:o}); run: chmod 600 {}",
                    path.display(),
                    m.permissions().mode() & 0o777,
                    path.display()
                );
            }
        }
    }
}
