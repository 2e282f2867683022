//! The key encodings sceau reads, and how a text is recognised as one of them
//! (spec/keys.md §2).

use std::fmt;

use crate::algorithm::KeyAlgorithm;

/// An encoding of a key that sceau reads (spec/keys.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFormat {
    /// sceau's one-line public key: `sceau-ed25519 <keyid> <base64> [comment]`, or `sceau-p256`,
    /// `sceau-p384`, `sceau-p521` (spec/keys.md §3).
    SceauPublic,
    /// sceau's secret key file, starting `sceau-secret-key-v1` (spec/keys.md §4).
    SceauSecret,
    /// An OpenSSH public key line such as `ssh-ed25519 AAAA… comment`, possibly after
    /// `authorized_keys` options, and files of such lines (spec/keys.md §5.1, §8).
    OpenSshPublic,
    /// An OpenSSH private key, `-----BEGIN OPENSSH PRIVATE KEY-----` (spec/keys.md §5.2).
    OpenSshPrivate,
    /// A SubjectPublicKeyInfo PEM, `-----BEGIN PUBLIC KEY-----` (spec/keys.md §5.3).
    SpkiPem,
    /// An unencrypted PKCS#8 PEM, `-----BEGIN PRIVATE KEY-----` (spec/keys.md §5.4).
    Pkcs8Pem,
    /// An encrypted PKCS#8 PEM, `-----BEGIN ENCRYPTED PRIVATE KEY-----`: PBES2 with PBKDF2 or
    /// scrypt and AES-CBC (spec/keys.md §5.6).
    EncryptedPkcs8Pem,
    /// A SEC1 EC private key PEM, `-----BEGIN EC PRIVATE KEY-----`, possibly after an
    /// `-----BEGIN EC PARAMETERS-----` block (spec/keys.md §5.5).
    Sec1Pem,
    /// A minisign public key (two lines: `untrusted comment:` and the base64 key, or the base64
    /// key alone). signify public keys have the same layout and are this format too
    /// (spec/keys.md §5.7).
    MinisignPublic,
    /// A minisign secret key, unencrypted or encrypted with scrypt (spec/keys.md §5.8).
    MinisignSecret,
    /// A signify secret key, unencrypted or encrypted with bcrypt-pbkdf (spec/keys.md §5.9).
    SignifySecret,
}

impl KeyFormat {
    /// Recognises the encoding of `text` from its first non-blank line (spec/keys.md §2).
    /// Returns `None` when the text is none of the [`KeyFormat`]s.
    ///
    /// This only looks at the opening; the parsers check everything else.
    pub fn sniff(text: &str) -> Option<KeyFormat> {
        // `#` lines are comments of authorized_keys files; no other format starts with one.
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let first = lines.next()?;
        let format = match first {
            "sceau-secret-key-v1" => KeyFormat::SceauSecret,
            "-----BEGIN OPENSSH PRIVATE KEY-----" => KeyFormat::OpenSshPrivate,
            "-----BEGIN PUBLIC KEY-----" => KeyFormat::SpkiPem,
            "-----BEGIN PRIVATE KEY-----" => KeyFormat::Pkcs8Pem,
            "-----BEGIN ENCRYPTED PRIVATE KEY-----" => KeyFormat::EncryptedPkcs8Pem,
            "-----BEGIN EC PRIVATE KEY-----" | "-----BEGIN EC PARAMETERS-----" => {
                KeyFormat::Sec1Pem
            }
            _ if first.starts_with(crate::signify::UNTRUSTED_COMMENT) => {
                return crate::signify::sniff(first, lines.next());
            }
            _ if crate::signify::is_bare_public_key(first) => KeyFormat::MinisignPublic,
            _ => {
                let tag = first.split_ascii_whitespace().next().unwrap_or_default();
                if KeyAlgorithm::from_sceau_tag(tag).is_some() {
                    KeyFormat::SceauPublic
                } else if is_openssh_algorithm(tag) || crate::openssh::has_options(first) {
                    KeyFormat::OpenSshPublic
                } else {
                    return None;
                }
            }
        };
        Some(format)
    }

    /// Whether this encoding holds a secret key.
    pub fn is_secret(self) -> bool {
        matches!(
            self,
            KeyFormat::SceauSecret
                | KeyFormat::OpenSshPrivate
                | KeyFormat::Pkcs8Pem
                | KeyFormat::EncryptedPkcs8Pem
                | KeyFormat::Sec1Pem
                | KeyFormat::MinisignSecret
                | KeyFormat::SignifySecret
        )
    }
}

impl fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyFormat::SceauPublic => "sceau public key",
            KeyFormat::SceauSecret => "sceau secret key",
            KeyFormat::OpenSshPublic => "OpenSSH public key",
            KeyFormat::OpenSshPrivate => "OpenSSH private key",
            KeyFormat::SpkiPem => "SPKI PEM public key",
            KeyFormat::Pkcs8Pem => "PKCS#8 PEM private key",
            KeyFormat::EncryptedPkcs8Pem => "encrypted PKCS#8 PEM private key",
            KeyFormat::Sec1Pem => "SEC1 PEM EC private key",
            KeyFormat::MinisignPublic => "minisign/signify public key",
            KeyFormat::MinisignSecret => "minisign secret key",
            KeyFormat::SignifySecret => "signify secret key",
        })
    }
}

/// A readable name for the algorithm OID of an SPKI or PKCS#8 key sceau does not use.
pub(crate) fn algorithm_name(oid: &str) -> String {
    match oid {
        "1.3.101.113" => "Ed448".to_owned(),
        "1.3.101.110" => "X25519".to_owned(),
        "1.3.101.111" => "X448".to_owned(),
        "1.2.840.113549.1.1.1" => "RSA".to_owned(),
        "1.2.840.113549.1.1.10" => "RSA-PSS".to_owned(),
        "1.2.840.10040.4.1" => "DSA".to_owned(),
        _ => format!("OID {oid}"),
    }
}

/// A readable name for a named-curve OID sceau does not use (spec/keys.md §5.3).
pub(crate) fn curve_name(oid: &str) -> String {
    match oid {
        "1.3.132.0.10" => "ECDSA secp256k1".to_owned(),
        "1.3.36.3.3.2.8.1.1.7" => "ECDSA brainpoolP256r1".to_owned(),
        "1.3.36.3.3.2.8.1.1.11" => "ECDSA brainpoolP384r1".to_owned(),
        "1.3.36.3.3.2.8.1.1.13" => "ECDSA brainpoolP512r1".to_owned(),
        "1.2.840.10045.3.1.1" => "ECDSA P-192".to_owned(),
        "1.3.132.0.33" => "ECDSA P-224".to_owned(),
        _ => format!("ECDSA on curve OID {oid}"),
    }
}

/// OpenSSH public key algorithm names, so that an RSA key is reported as an unsupported
/// algorithm rather than as an unknown format (spec/keys.md §5.1).
pub(crate) fn is_openssh_algorithm(tag: &str) -> bool {
    tag.starts_with("ssh-")
        || tag.starts_with("ecdsa-sha2-")
        || tag.starts_with("sk-ssh-")
        || tag.starts_with("sk-ecdsa-")
        || tag.starts_with("rsa-sha2-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_format_from_its_first_line() {
        let cases = [
            ("sceau-ed25519 0011 AAAA c", Some(KeyFormat::SceauPublic)),
            (
                "\n\nsceau-secret-key-v1\nalgorithm: ed25519",
                Some(KeyFormat::SceauSecret),
            ),
            ("ssh-ed25519 AAAAC3 me@host", Some(KeyFormat::OpenSshPublic)),
            ("ssh-rsa AAAAB3 me@host", Some(KeyFormat::OpenSshPublic)),
            (
                "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl",
                Some(KeyFormat::OpenSshPrivate),
            ),
            (
                "-----BEGIN PUBLIC KEY-----\r\nMCow",
                Some(KeyFormat::SpkiPem),
            ),
            (
                "-----BEGIN PRIVATE KEY-----\nMC4C",
                Some(KeyFormat::Pkcs8Pem),
            ),
            (
                "-----BEGIN ENCRYPTED PRIVATE KEY-----",
                Some(KeyFormat::EncryptedPkcs8Pem),
            ),
            ("-----BEGIN RSA PRIVATE KEY-----", None),
            ("", None),
            ("garbage", None),
        ];
        for (text, want) in cases {
            assert_eq!(KeyFormat::sniff(text), want, "{text:?}");
        }
    }
}
