//! `sceau keygen`: a new key pair, ed25519 unless `--type` says otherwise.

use std::path::PathBuf;

use anyhow::anyhow;
use sceau_sign::{KeyAlgorithm, SecretKey};

use crate::args::KeygenArgs;
use crate::error::{CliError, CliResult};
use crate::keys::PassphraseSource;
use crate::output::{check_writable, write_atomic};

fn with_ext(base: &std::path::Path, ext: &str) -> PathBuf {
    let mut s = base.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

/// Runs `sceau keygen`.
pub fn run(args: &KeygenArgs) -> CliResult {
    if args.output.as_os_str().is_empty() {
        return Err(CliError::input(anyhow!("-o NAME is empty")));
    }
    let key_path = with_ext(&args.output, "key");
    let pub_path = with_ext(&args.output, "pub");
    check_writable(&key_path, args.force)?;
    check_writable(&pub_path, args.force)?;
    let comment = args.comment.as_deref().and_then(sceau_sign::clean_comment);
    let algorithm = KeyAlgorithm::from_name(&args.key_type)
        .ok_or_else(|| CliError::input(anyhow!("--type {}: unknown key type", args.key_type)))?;
    let key = SecretKey::generate_with(algorithm, &mut rand::rngs::OsRng);
    let pass = if args.no_passphrase {
        None
    } else {
        let src = PassphraseSource {
            file: args.pass.passphrase_file.clone(),
        };
        Some(src.new_passphrase(&key_path.display().to_string())?)
    };
    let text = key
        .to_file_text(pass.as_ref().map(|p| p.as_slice()), comment.as_deref())
        .map_err(|e| CliError::input(anyhow::Error::new(e)))?;
    let public_line = key.public().to_sceau_line(comment.as_deref());
    write_atomic(&key_path, text.as_bytes(), args.force, Some(0o600))?;
    if let Err(e) = write_atomic(
        &pub_path,
        format!("{public_line}\n").as_bytes(),
        args.force,
        None,
    ) {
        let _ = std::fs::remove_file(&key_path);
        return Err(e);
    }
    outln!("key id {} ({algorithm})", key.key_id());
    outln!(
        "secret key: {}{}",
        key_path.display(),
        if pass.is_some() {
            " (encrypted)"
        } else {
            " (NOT encrypted)"
        }
    );
    outln!("public key: {}", pub_path.display());
    Ok(0)
}
