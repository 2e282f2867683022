//! Reading a public key text in any encoding of spec/keys.md §2: one key, or a list of keys
//! (spec/keys.md §8).

use crate::error::{KeyError, MAX_KEY_TEXT_BYTES};
use crate::format::KeyFormat;
use crate::key_list::{self, PublicKeyList};
use crate::public_key::PublicKey;
use crate::{signify, spki};

/// What a public key text may be, for error messages.
const EXPECTED_PUBLIC: &str = "a public key: a `sceau-ed25519 …` or `sceau-p256 …` line, an \
                               OpenSSH line (`ssh-ed25519 …`, `ecdsa-sha2-nistp256 …`), a \
                               -----BEGIN PUBLIC KEY----- PEM, or a minisign or signify public key";

impl PublicKey {
    /// Reads one public key in any encoding of spec/keys.md §2, returning it with its comment
    /// (the untrusted text after the key, if any). Every key passes the load checks of
    /// spec/keys.md §1.2.
    ///
    /// A text of key lines (§8) must hold exactly one usable key, however many times it is
    /// repeated; lines of algorithms sceau does not use are ignored. A text holding several
    /// keys is [`KeyError::SeveralKeys`]: read it with [`PublicKey::parse_list`].
    pub fn parse(text: &str) -> Result<(PublicKey, Option<String>), KeyError> {
        let list = PublicKey::parse_list(text)?;
        let count = list.keys.len();
        match <[_; 1]>::try_from(list.keys) {
            Ok([key]) => Ok(key),
            Err(_) => Err(KeyError::SeveralKeys {
                format: KeyFormat::sniff(text).unwrap_or(KeyFormat::OpenSshPublic),
                count,
            }),
        }
    }

    /// Reads every public key of a text (spec/keys.md §8): a file of OpenSSH or sceau key
    /// lines — a GitHub `USER.keys` file, an `authorized_keys` file with options — gives each
    /// distinct key once, with its comment; any other encoding gives its one key. Lines of
    /// algorithms sceau does not use are skipped (see [`PublicKey::parse_list`] to know which).
    pub fn parse_all(text: &str) -> Result<Vec<(PublicKey, Option<String>)>, KeyError> {
        PublicKey::parse_list(text).map(|list| list.keys)
    }

    /// As [`PublicKey::parse_all`], also telling which lines were skipped and how many
    /// repeated a key (spec/keys.md §8), so that a caller can say so.
    pub fn parse_list(text: &str) -> Result<PublicKeyList, KeyError> {
        if text.len() > MAX_KEY_TEXT_BYTES {
            return Err(KeyError::TooLarge { len: text.len() });
        }
        let one = |key: PublicKey, comment: Option<String>| PublicKeyList {
            keys: vec![(key, comment)],
            ..PublicKeyList::default()
        };
        match KeyFormat::sniff(text) {
            Some(format @ (KeyFormat::SceauPublic | KeyFormat::OpenSshPublic)) => {
                key_list::parse_lines(text, format)
            }
            Some(KeyFormat::SpkiPem) => spki::parse_pem(text).map(|k| one(k, None)),
            Some(KeyFormat::MinisignPublic) => signify::parse_public(text).map(|(k, c)| one(k, c)),
            Some(found) => Err(KeyError::WrongKind {
                found,
                expected: "a public key",
            }),
            None => match spki_after_text(text) {
                // RFC 7468 §2: text before the PEM block is allowed (spec/keys.md §2).
                Some(block) => spki::parse_pem(block).map(|k| one(k, None)),
                None => Err(KeyError::Unrecognised {
                    expected: EXPECTED_PUBLIC,
                }),
            },
        }
    }
}

/// The `-----BEGIN PUBLIC KEY-----` block of a text that opens with something else, such as
/// the description GnuTLS's `certtool --pubkey-info` writes before it: from that line on.
/// RFC 7468 §2 allows explanatory text before the encapsulation boundary, and OpenSSL and
/// Python's `cryptography` read such files. Only SPKI public keys are read this way.
fn spki_after_text(text: &str) -> Option<&str> {
    const BEGIN: &str = "\n-----BEGIN PUBLIC KEY-----";
    let at = text.find(BEGIN)?;
    text.get(at + 1..)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// spec/keys.md §2: a description before an SPKI PEM block (RFC 7468 §2) is skipped; the
    /// block is then read as strictly as ever, and other texts are still unrecognised.
    #[test]
    fn text_before_an_spki_pem_block_is_skipped() {
        let key =
            crate::SecretKey::generate_with(crate::KeyAlgorithm::EcdsaP256, &mut rand::rngs::OsRng)
                .public();
        let pem = key.to_spki_pem();
        let described = format!("Public Key Information:\n\tCurve: SECP256R1\n\n{pem}");
        assert_eq!(PublicKey::parse(&described).unwrap().0, key);
        let broken = described.replace("-----END PUBLIC KEY-----", "");
        assert!(PublicKey::parse(&broken).is_err());
        assert!(matches!(
            PublicKey::parse("Public Key Information:\nnothing else\n"),
            Err(KeyError::Unrecognised { .. })
        ));
    }

    #[test]
    fn openssh_and_spki_round_trip_for_every_algorithm() {
        let mut rng = rand::rngs::OsRng;
        for alg in crate::KeyAlgorithm::ALL {
            let key = crate::SecretKey::generate_with(alg, &mut rng).public();
            let ssh = key.to_openssh();
            assert!(ssh.starts_with(alg.openssh_name()));
            assert_eq!(PublicKey::parse(&ssh).unwrap(), (key, None));
            let (k, c) = PublicKey::parse(&format!("{ssh} me@host\n")).unwrap();
            assert_eq!((k, c.as_deref()), (key, Some("me@host")));
            let pem = key.to_spki_pem();
            assert_eq!(PublicKey::parse(&pem).unwrap(), (key, None));
            let line = key.to_sceau_line(None);
            assert_eq!(PublicKey::parse(&line).unwrap(), (key, None));
        }
    }

    #[test]
    fn names_other_algorithms_and_wrong_kinds() {
        assert!(matches!(
            PublicKey::parse("ssh-rsa AAAAB3NzaC1yc2E me"),
            Err(KeyError::UnsupportedAlgorithm { .. })
        ));
        // `openssl genpkey -algorithm ed448 | openssl pkey -pubout`
        let ed448 = "-----BEGIN PUBLIC KEY-----\n\
            MEMwBQYDK2VxAzoARHyP5Vp+0T9uWTr2bQ5Jc6ECjhWtAOCUo82vHpwON9Z2drWu\n\
            x0mm666cve2mgdc8nGqZn9v9iP2A\n-----END PUBLIC KEY-----\n";
        let err = PublicKey::parse(ed448).unwrap_err();
        assert!(err.to_string().contains("Ed448"), "{err}");
        // `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 | openssl pkey
        // -pubout`
        let k1 = "-----BEGIN PUBLIC KEY-----\n\
            MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAExMEhBKUP63P+TI66aeG6ygvoU84pkln3\n\
            1vFkfY2M3itfA+ATBiP0gdMvQKgcLP+9On788dhKyZ/LiUQh8D71iQ==\n\
            -----END PUBLIC KEY-----\n";
        let err = PublicKey::parse(k1).unwrap_err();
        assert!(err.to_string().contains("secp256k1"), "{err}");
        assert!(matches!(
            PublicKey::parse("-----BEGIN PRIVATE KEY-----\n"),
            Err(KeyError::WrongKind { .. })
        ));
        assert!(matches!(
            PublicKey::parse("hello"),
            Err(KeyError::Unrecognised { .. })
        ));
        assert!(matches!(
            PublicKey::parse(&"a".repeat(MAX_KEY_TEXT_BYTES + 1)),
            Err(KeyError::TooLarge { .. })
        ));
    }
}
