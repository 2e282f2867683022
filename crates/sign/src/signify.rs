//! signify keys (OpenBSD signify(1)) and the public key layout minisign shares with them:
//! an `untrusted comment:` line and one base64 line (spec/keys.md §5.7, §5.9). minisign secret
//! keys are in `minisign.rs`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha512};
use zeroize::Zeroizing;

use crate::algorithm::KeyAlgorithm;
use crate::error::{BoxError, KeyError};
use crate::format::KeyFormat;
use crate::public_key::{clean_comment, PublicKey};
use crate::secret_key::{SecretKey, MAX_OPENSSH_KDF_ROUNDS};

/// The opening of the first line of every minisign and signify file.
pub(crate) const UNTRUSTED_COMMENT: &str = "untrusted comment:";

/// A public key: `Ed`, an 8-byte key number, the 32-byte Ed25519 key.
const PUBLIC_LEN: usize = 42;
/// A signify secret key: `Ed`, `BK`, rounds (u32 big endian), 16-byte salt, 8-byte checksum,
/// 8-byte key number, 64-byte secret key (seed ‖ public key).
const SIGNIFY_SECRET_LEN: usize = 104;
/// A minisign secret key (spec/keys.md §5.8).
pub(crate) const MINISIGN_SECRET_LEN: usize = 158;

fn decode(line: &str) -> Option<Vec<u8>> {
    STANDARD.decode(line.trim()).ok()
}

/// Recognises a minisign or signify file from its `untrusted comment:` line and the line after
/// it (spec/keys.md §2): by the length and opening bytes of the decoded key, else by the
/// comment's words. Signature files (`.minisig`, `.sig`) are not keys: `None`.
pub(crate) fn sniff(first: &str, second: Option<&str>) -> Option<KeyFormat> {
    if let Some(bytes) = second.and_then(decode) {
        match (bytes.len(), bytes.get(..2), bytes.get(2..4)) {
            (PUBLIC_LEN, Some(b"Ed"), _) => return Some(KeyFormat::MinisignPublic),
            (SIGNIFY_SECRET_LEN, Some(b"Ed"), Some(b"BK")) => {
                return Some(KeyFormat::SignifySecret)
            }
            (MINISIGN_SECRET_LEN, Some(b"Ed"), _) => return Some(KeyFormat::MinisignSecret),
            _ => {}
        }
    }
    let comment = first.to_ascii_lowercase();
    if comment.contains("signature") || comment.contains("verify with") {
        None
    } else if comment.contains("secret key") && comment.contains("minisign") {
        Some(KeyFormat::MinisignSecret)
    } else if comment.contains("secret key") {
        Some(KeyFormat::SignifySecret)
    } else {
        Some(KeyFormat::MinisignPublic)
    }
}

/// Whether `line` is a bare minisign public key, as minisign prints it for `-P` (`RW…`, 56
/// base64 characters).
pub(crate) fn is_bare_public_key(line: &str) -> bool {
    line.len() == 56
        && line.starts_with("RW")
        && decode(line).is_some_and(|b| b.len() == PUBLIC_LEN && b.starts_with(b"Ed"))
}

/// The comment and decoded body of a two-line file: `untrusted comment: …` then base64,
/// nothing else but blank lines. `comment_required` is false for public keys, which may be
/// given as the bare base64 line.
pub(crate) fn read_armoured(
    text: &str,
    format: KeyFormat,
    comment_required: bool,
) -> Result<(Option<String>, Zeroizing<Vec<u8>>), KeyError> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let (comment, body) = match lines.as_slice() {
        [c, b] if c.starts_with(UNTRUSTED_COMMENT) => {
            (c.get(UNTRUSTED_COMMENT.len()..).and_then(clean_comment), *b)
        }
        [c] if c.starts_with(UNTRUSTED_COMMENT) => {
            return Err(KeyError::Truncated {
                format,
                missing: "the base64 line",
            })
        }
        [b] if !comment_required => (None, *b),
        _ => {
            return Err(KeyError::malformed(
                format,
                "expected an `untrusted comment:` line and one base64 line",
            ))
        }
    };
    let bytes = STANDARD
        .decode(body)
        .map_err(|e| KeyError::malformed_by(format, "the key line is not base64", e))?;
    Ok((comment, Zeroizing::new(bytes)))
}

/// spec/keys.md §5.7: a minisign or signify public key, `Ed` ‖ key number ‖ Ed25519 key.
/// The key number is the tool's random name for the key, not checked against anything.
pub(crate) fn parse_public(text: &str) -> Result<(PublicKey, Option<String>), KeyError> {
    let format = KeyFormat::MinisignPublic;
    let (comment, bytes) = read_armoured(text, format, false)?;
    if bytes.len() != PUBLIC_LEN {
        return Err(KeyError::malformed(
            format,
            format!("the key is {} bytes, not {PUBLIC_LEN}", bytes.len()),
        ));
    }
    check_ed(&bytes, format)?;
    let mut key = [0u8; 32];
    key.copy_from_slice(&bytes[10..PUBLIC_LEN]);
    Ok((PublicKey::from_bytes(&key)?, comment))
}

/// Refuses a key whose algorithm bytes are not `Ed` (the only one both tools have).
pub(crate) fn check_ed(bytes: &[u8], format: KeyFormat) -> Result<(), KeyError> {
    match bytes.get(..2) {
        Some(b"Ed") => Ok(()),
        other => Err(KeyError::UnsupportedAlgorithm {
            format,
            algorithm: format!("{:?}", String::from_utf8_lossy(other.unwrap_or_default())),
        }),
    }
}

/// Compares without stopping at the first difference.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// spec/keys.md §5.9: a signify secret key. Rounds 0 is unencrypted; otherwise the 64-byte
/// secret is XORed with bcrypt-pbkdf(passphrase, salt, rounds), at most
/// [`MAX_OPENSSH_KDF_ROUNDS`] rounds, checked before the passphrase is asked for. The checksum
/// (SHA-512 of the secret, first 8 bytes) tells a wrong passphrase.
pub(crate) fn parse_secret<F, E>(
    text: &str,
    passphrase: F,
) -> Result<(SecretKey, Option<String>), KeyError>
where
    F: FnOnce() -> Result<Zeroizing<Vec<u8>>, E>,
    E: Into<BoxError>,
{
    let format = KeyFormat::SignifySecret;
    let (comment, bytes) = read_armoured(text, format, true)?;
    if bytes.len() != SIGNIFY_SECRET_LEN {
        return Err(KeyError::malformed(
            format,
            format!("the key is {} bytes, not {SIGNIFY_SECRET_LEN}", bytes.len()),
        ));
    }
    check_ed(&bytes, format)?;
    if &bytes[2..4] != b"BK" {
        return Err(KeyError::malformed(
            format,
            "unknown key derivation (expected BK, bcrypt-pbkdf)",
        ));
    }
    let rounds = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
    let salt = &bytes[8..24];
    let checksum = &bytes[24..32];
    let mut secret = Zeroizing::new([0u8; 64]);
    secret.copy_from_slice(&bytes[40..104]);
    if rounds > MAX_OPENSSH_KDF_ROUNDS {
        return Err(KeyError::KdfTooCostly {
            format,
            what: "rounds",
            asked: format!("{rounds} bcrypt-pbkdf rounds"),
            limit: "1024 rounds",
        });
    }
    if rounds > 0 {
        let pass = passphrase().map_err(|e| KeyError::PassphraseUnavailable {
            format,
            source: e.into(),
        })?;
        let mut xor = Zeroizing::new([0u8; 64]);
        // bcrypt-pbkdf refuses an empty passphrase, which cannot be the right one.
        bcrypt_pbkdf::bcrypt_pbkdf(&*pass, salt, rounds, &mut xor[..])
            .map_err(|_| KeyError::WrongPassphrase { format })?;
        for (s, x) in secret.iter_mut().zip(xor.iter()) {
            *s ^= x;
        }
    }
    let digest = Sha512::digest(&secret[..]);
    if !constant_time_eq(&digest[..8], checksum) {
        return Err(if rounds > 0 {
            KeyError::WrongPassphrase { format }
        } else {
            KeyError::malformed(format, "the checksum does not match the secret key")
        });
    }
    let key = SecretKey::from_file_secret(KeyAlgorithm::Ed25519, &secret[..32], format)?;
    let mut stored = [0u8; 32];
    stored.copy_from_slice(&secret[32..]);
    key.check_stored_public(&PublicKey::from_bytes(&stored)?, format)?;
    Ok((key, comment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_decoded_length_then_by_comment() {
        let public =
            "untrusted comment: x\nRWR/854+MOxhz/uIaZqvYKIhrR8k1tLkfzzlu5Q99fcmj27n1Gun3a83\n";
        assert_eq!(KeyFormat::sniff(public), Some(KeyFormat::MinisignPublic));
        assert_eq!(
            KeyFormat::sniff("RWR/854+MOxhz/uIaZqvYKIhrR8k1tLkfzzlu5Q99fcmj27n1Gun3a83"),
            Some(KeyFormat::MinisignPublic)
        );
        assert_eq!(
            KeyFormat::sniff("untrusted comment: minisign encrypted secret key\nRWRT"),
            Some(KeyFormat::MinisignSecret)
        );
        assert_eq!(
            KeyFormat::sniff("untrusted comment: signify secret key\nRWRCSw"),
            Some(KeyFormat::SignifySecret)
        );
        assert_eq!(
            KeyFormat::sniff("untrusted comment: signature from minisign secret key\nRWQ"),
            None
        );
    }

    #[test]
    fn a_public_key_without_its_line_is_truncated_and_junk_is_malformed() {
        assert!(matches!(
            parse_public("untrusted comment: signify public key\n"),
            Err(KeyError::Truncated { .. })
        ));
        assert!(matches!(
            parse_public("untrusted comment: a\nRWQ=\n"),
            Err(KeyError::Malformed { .. })
        ));
        assert!(matches!(
            parse_public("untrusted comment: a\nAAAA\nAAAA\n"),
            Err(KeyError::Malformed { .. })
        ));
        // Right length, wrong algorithm bytes.
        let other = STANDARD.encode([b'X'; PUBLIC_LEN]);
        assert!(matches!(
            parse_public(&format!("untrusted comment: a\n{other}\n")),
            Err(KeyError::UnsupportedAlgorithm { .. })
        ));
    }
}
