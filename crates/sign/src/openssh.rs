//! OpenSSH keys: public key lines (RFC 4253 §6.6 blobs; Ed25519 RFC 8709, ECDSA RFC 5656),
//! with the options an `authorized_keys` line may start with (sshd(8) "AUTHORIZED_KEYS FILE
//! FORMAT"), and private keys (OpenSSH `PROTOCOL.key`) — spec/keys.md §5.1, §5.2, §8.

use zeroize::Zeroizing;

use crate::algorithm::KeyAlgorithm;
use crate::error::{BoxError, KeyError};
use crate::format::{is_openssh_algorithm, KeyFormat};
use crate::public_key::{clean_comment, PublicKey};
use crate::secret_key::{SecretKey, MAX_OPENSSH_KDF_ROUNDS};

/// What one OpenSSH public key line holds (spec/keys.md §8).
pub(crate) enum Line {
    /// A key sceau uses, with its comment.
    Key(PublicKey, Option<String>),
    /// A key sceau does not use, skipped: its algorithm and why.
    Skipped {
        /// The key type as written (`ssh-rsa`, …).
        algorithm: String,
        /// Why it is skipped.
        reason: &'static str,
    },
}

/// Splits the options off an `authorized_keys` line: everything up to the first blank outside
/// double quotes (a `\"` inside quotes does not end them). `None` when a quote is left open.
fn split_options(line: &str) -> Option<(&str, &str)> {
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            ' ' | '\t' if !in_quotes => return Some((&line[..i], line[i..].trim_start())),
            _ => {}
        }
    }
    None
}

/// Whether `line` is an `authorized_keys` line that starts with options and then a key type
/// (used to recognise the format, spec/keys.md §2).
pub(crate) fn has_options(line: &str) -> bool {
    split_options(line).is_some_and(|(_, rest)| {
        is_openssh_algorithm(rest.split_ascii_whitespace().next().unwrap_or_default())
    })
}

/// The option names of an options string (`name` or `name="value"`, comma-separated, commas
/// inside quotes not separating).
fn option_names(options: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut in_quotes = false;
    let mut escaped = false;
    let mut start = 0;
    for (i, c) in options.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                names.push(&options[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    names.push(&options[start..]);
    names
        .into_iter()
        .map(|o| o.split('=').next().unwrap_or_default().trim())
        .collect()
}

/// One OpenSSH public key line, with or without `authorized_keys` options (spec/keys.md §5.1,
/// §8). The key type is read from the first field before anything is decoded: a type sceau
/// does not use is skipped, not decoded. Options are not interpreted (they restrict SSH logins,
/// not signatures), except that a `cert-authority` line is skipped.
pub(crate) fn parse_line(line: &str) -> Result<Line, KeyError> {
    let format = KeyFormat::OpenSshPublic;
    let line = line.trim();
    let first = line.split_ascii_whitespace().next().unwrap_or_default();
    let (options, key_part) = if is_openssh_algorithm(first) {
        ("", line)
    } else {
        match split_options(line) {
            Some((options, rest))
                if is_openssh_algorithm(
                    rest.split_ascii_whitespace().next().unwrap_or_default(),
                ) =>
            {
                (options, rest)
            }
            _ => {
                return Err(KeyError::malformed(
                    format,
                    "not an OpenSSH public key line (`[options] type base64 [comment]`)",
                ))
            }
        }
    };
    let key_type = key_part.split_ascii_whitespace().next().unwrap_or_default();
    let key_type_shown = || key_type.chars().take(60).collect::<String>();
    if option_names(options)
        .iter()
        .any(|o| o.eq_ignore_ascii_case("cert-authority"))
    {
        return Ok(Line::Skipped {
            algorithm: key_type_shown(),
            reason: "a cert-authority key signs SSH certificates, not releases",
        });
    }
    let Some(algorithm) = KeyAlgorithm::from_openssh_name(key_type) else {
        return Ok(Line::Skipped {
            algorithm: key_type_shown(),
            reason: "sceau uses ed25519 and ECDSA P-256, P-384 and P-521 keys",
        });
    };
    let key = ssh_key::PublicKey::from_openssh(key_part)
        .map_err(|e| KeyError::malformed_by(format, "not a valid OpenSSH public key", e))?;
    if key.algorithm().as_str() != algorithm.openssh_name() {
        return Err(KeyError::malformed(
            format,
            "the key blob is of another type than the line says",
        ));
    }
    let public = from_key_data(key.key_data(), algorithm, format)?;
    Ok(Line::Key(public, clean_comment(key.comment())))
}

/// The sceau key of an OpenSSH public key blob of `algorithm`.
fn from_key_data(
    data: &ssh_key::public::KeyData,
    algorithm: KeyAlgorithm,
    format: KeyFormat,
) -> Result<PublicKey, KeyError> {
    use ssh_key::public::KeyData;
    match data {
        KeyData::Ed25519(ed) if algorithm == KeyAlgorithm::Ed25519 => PublicKey::from_bytes(&ed.0),
        KeyData::Ecdsa(ec) if ec.algorithm().as_str() == algorithm.openssh_name() => {
            PublicKey::from_sec1(algorithm, ec.as_sec1_bytes())
        }
        _ => Err(KeyError::malformed(
            format,
            "the key blob does not hold a key of its type",
        )),
    }
}

/// spec/keys.md §5.2: an OpenSSH private key, Ed25519 or ECDSA, checked for its algorithm
/// and its KDF rounds before the passphrase is asked for.
pub(crate) fn parse_private<F, E>(
    text: &str,
    passphrase: F,
) -> Result<(SecretKey, Option<String>), KeyError>
where
    F: FnOnce() -> Result<Zeroizing<Vec<u8>>, E>,
    E: Into<BoxError>,
{
    let format = KeyFormat::OpenSshPrivate;
    if !text.contains("-----END OPENSSH PRIVATE KEY-----") {
        return Err(KeyError::Truncated {
            format,
            missing: "the -----END OPENSSH PRIVATE KEY----- line",
        });
    }
    let parsed = ssh_key::PrivateKey::from_openssh(text.trim())
        .map_err(|e| KeyError::malformed_by(format, "not a valid OpenSSH private key", e))?;
    let named = parsed.algorithm();
    let Some(algorithm) = KeyAlgorithm::from_openssh_name(named.as_str()) else {
        return Err(KeyError::UnsupportedAlgorithm {
            format,
            algorithm: named.to_string(),
        });
    };
    let decrypted;
    let key = if parsed.is_encrypted() {
        if let ssh_key::Kdf::Bcrypt { rounds, .. } = parsed.kdf() {
            if *rounds > MAX_OPENSSH_KDF_ROUNDS {
                return Err(KeyError::KdfTooCostly {
                    format,
                    what: "rounds",
                    asked: format!("{rounds} bcrypt-pbkdf rounds"),
                    limit: "1024 rounds",
                });
            }
        }
        let pass = passphrase().map_err(|e| KeyError::PassphraseUnavailable {
            format,
            source: e.into(),
        })?;
        decrypted = parsed.decrypt(&*pass).map_err(|e| match e {
            // A wrong passphrase fails the check integers (or the AEAD tag).
            ssh_key::Error::Crypto => KeyError::WrongPassphrase { format },
            e => KeyError::malformed_by(format, "could not decrypt", e),
        })?;
        &decrypted
    } else {
        &parsed
    };
    use ssh_key::private::KeypairData;
    let (secret, stored) = match key.key_data() {
        KeypairData::Ed25519(pair) if algorithm == KeyAlgorithm::Ed25519 => {
            let seed = Zeroizing::new(pair.private.to_bytes());
            let secret = SecretKey::from_file_secret(algorithm, &*seed, format)?;
            (secret, PublicKey::from_bytes(&pair.public.0)?)
        }
        KeypairData::Ecdsa(pair) if pair.algorithm().as_str() == algorithm.openssh_name() => {
            let secret = SecretKey::from_file_secret(algorithm, pair.private_key_bytes(), format)?;
            (
                secret,
                PublicKey::from_sec1(algorithm, pair.public_key_bytes())?,
            )
        }
        _ => {
            return Err(KeyError::malformed(
                format,
                "the key pair inside is not of the key's algorithm",
            ))
        }
    };
    secret.check_stored_public(&stored, format)?;
    Ok((secret, clean_comment(key.comment())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_end_at_the_first_blank_outside_quotes() {
        let line =
            r#"no-pty,from="10.0.0.1, 192.168.1.*",command="echo \"a b\"" ssh-ed25519 AAAA c"#;
        let (options, rest) = split_options(line).unwrap();
        assert_eq!(
            options,
            r#"no-pty,from="10.0.0.1, 192.168.1.*",command="echo \"a b\"""#
        );
        assert_eq!(rest, "ssh-ed25519 AAAA c");
        assert_eq!(option_names(options), ["no-pty", "from", "command"]);
        assert!(has_options(line));
        assert!(split_options(r#"from="open ssh-ed25519 AAAA"#).is_none());
        assert!(!has_options("restrict garbage AAAA"));
    }

    #[test]
    fn cert_authority_and_unknown_types_are_skipped_unread() {
        let ca = "cert-authority,principals=\"a\" ssh-ed25519 not-base64";
        assert!(matches!(parse_line(ca), Ok(Line::Skipped { .. })));
        assert!(matches!(
            parse_line("ssh-rsa not-base64 me"),
            Ok(Line::Skipped { .. })
        ));
        assert!(matches!(
            parse_line("sk-ssh-ed25519@openssh.com AAAA me"),
            Ok(Line::Skipped { .. })
        ));
        assert!(matches!(
            parse_line("ssh-ed25519 not-base64"),
            Err(KeyError::Malformed { .. })
        ));
        assert!(matches!(
            parse_line("hello world"),
            Err(KeyError::Malformed { .. })
        ));
    }

    #[test]
    fn a_blob_of_another_type_than_the_line_is_refused() {
        let key = SecretKey::generate_with(KeyAlgorithm::EcdsaP256, &mut rand::rngs::OsRng)
            .public()
            .to_openssh();
        let relabelled = key.replacen("ecdsa-sha2-nistp256", "ssh-ed25519", 1);
        assert!(parse_line(&relabelled).is_err());
        let relabelled = key.replacen("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", 1);
        assert!(parse_line(&relabelled).is_err());
    }
}
