//! The key encodings sceau reads, and how a text is recognised as one of them
//! (spec/keys.md §2).

use std::fmt;

/// An encoding of an ed25519 key that sceau reads (spec/keys.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFormat {
    /// sceau's one-line public key: `sceau-ed25519 <keyid> <base64> [comment]` (spec/keys.md §3).
    SceauPublic,
    /// sceau's secret key file, starting `sceau-secret-key-v1` (spec/keys.md §4).
    SceauSecret,
    /// An OpenSSH public key line such as `ssh-ed25519 AAAA… comment` (spec/keys.md §5.1).
    OpenSshPublic,
    /// An OpenSSH private key, `-----BEGIN OPENSSH PRIVATE KEY-----` (spec/keys.md §5.2).
    OpenSshPrivate,
    /// A SubjectPublicKeyInfo PEM, `-----BEGIN PUBLIC KEY-----` (spec/keys.md §5.3).
    SpkiPem,
    /// An unencrypted PKCS#8 PEM, `-----BEGIN PRIVATE KEY-----` (spec/keys.md §5.4).
    Pkcs8Pem,
    /// An encrypted PKCS#8 PEM, `-----BEGIN ENCRYPTED PRIVATE KEY-----`: recognised so that it can
    /// be refused with a precise message, not read (spec/keys.md §5.4).
    EncryptedPkcs8Pem,
}

impl KeyFormat {
    /// Recognises the encoding of `text` from its first non-blank line (spec/keys.md §2).
    /// Returns `None` when the text is none of the [`KeyFormat`]s.
    ///
    /// This only looks at the opening; the parsers check everything else.
    pub fn sniff(text: &str) -> Option<KeyFormat> {
        let first = text.lines().map(str::trim).find(|l| !l.is_empty())?;
        let format = match first {
            "sceau-secret-key-v1" => KeyFormat::SceauSecret,
            "-----BEGIN OPENSSH PRIVATE KEY-----" => KeyFormat::OpenSshPrivate,
            "-----BEGIN PUBLIC KEY-----" => KeyFormat::SpkiPem,
            "-----BEGIN PRIVATE KEY-----" => KeyFormat::Pkcs8Pem,
            "-----BEGIN ENCRYPTED PRIVATE KEY-----" => KeyFormat::EncryptedPkcs8Pem,
            _ => {
                let tag = first.split_ascii_whitespace().next().unwrap_or_default();
                if tag == SCEAU_PUBLIC_TAG {
                    KeyFormat::SceauPublic
                } else if is_openssh_algorithm(tag) {
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
        })
    }
}

/// The algorithm tag that opens a sceau public key line (spec/keys.md §3).
pub(crate) const SCEAU_PUBLIC_TAG: &str = "sceau-ed25519";

/// A readable name for the algorithm OID of an SPKI or PKCS#8 key that is not ed25519.
pub(crate) fn algorithm_name(oid: &str) -> String {
    match oid {
        "1.3.101.113" => "Ed448".to_owned(),
        "1.3.101.110" => "X25519".to_owned(),
        "1.2.840.113549.1.1.1" => "RSA".to_owned(),
        "1.2.840.10045.2.1" => "ECDSA".to_owned(),
        _ => format!("OID {oid}"),
    }
}

/// OpenSSH public key algorithm names, so that an RSA or ECDSA key is reported as an
/// unsupported algorithm rather than as an unknown format (spec/keys.md §5.1).
fn is_openssh_algorithm(tag: &str) -> bool {
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
