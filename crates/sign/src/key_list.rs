//! Files of several public keys: GitHub `https://github.com/USER.keys` files, `authorized_keys`
//! files, and any mix of OpenSSH and sceau key lines (spec/keys.md §8).

use std::fmt;

use crate::error::KeyError;
use crate::format::KeyFormat;
use crate::openssh::{self, Line};
use crate::public_key::PublicKey;
use crate::sceau_line;
use crate::KeyAlgorithm;

/// The keys read from a public key text that may hold several (spec/keys.md §8).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PublicKeyList {
    /// Each distinct key once, in file order, with the comment of its first line.
    pub keys: Vec<(PublicKey, Option<String>)>,
    /// Key lines of algorithms sceau does not use, skipped (not an error).
    pub skipped: Vec<SkippedLine>,
    /// Lines that repeat a key already listed (under any encoding or comment).
    pub repeated: usize,
}

/// A key line of a multi-key file that sceau skipped (spec/keys.md §8).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SkippedLine {
    /// 1-based line number.
    pub line: usize,
    /// The key type as written (`ssh-rsa`, `sk-ssh-ed25519@openssh.com`, …), at most 60
    /// characters.
    pub algorithm: String,
    /// Why the line was skipped.
    pub reason: &'static str,
}

impl fmt::Display for SkippedLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: {} key skipped ({})",
            self.line, self.algorithm, self.reason
        )
    }
}

/// Reads a text of key lines (spec/keys.md §8): OpenSSH lines, with or without
/// `authorized_keys` options, and sceau lines; blank lines and `#` comments are ignored.
///
/// - A line of a type sceau does not use (`ssh-rsa`, `sk-…`, certificates, `cert-authority`
///   lines) is skipped and listed in [`PublicKeyList::skipped`].
/// - A line of a type sceau uses that does not read (bad base64, a point off the curve, a weak
///   key, a wrong key id) fails the whole text, naming its line: a damaged trusted key is never
///   silently dropped.
/// - A key listed twice is kept once.
/// - A text with no usable key is an error. When it holds a single key line, that line's own
///   error is returned as is.
pub(crate) fn parse_lines(text: &str, format: KeyFormat) -> Result<PublicKeyList, KeyError> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(i, l)| (i + 1, l))
        .collect();
    let single = lines.len() == 1;
    let mut list = PublicKeyList::default();
    for (number, line) in lines {
        let at = |e: KeyError| {
            if single {
                e
            } else {
                KeyError::AtLine {
                    line: number,
                    source: Box::new(e),
                }
            }
        };
        let tag = sceau_line::token(line).0;
        let parsed = if KeyAlgorithm::from_sceau_tag(tag).is_some() {
            sceau_line::parse(line).map(|(k, c)| Line::Key(k, c))
        } else {
            openssh::parse_line(line)
        };
        match parsed.map_err(at)? {
            Line::Key(key, comment) => {
                if list.keys.iter().any(|(k, _)| *k == key) {
                    list.repeated += 1;
                } else {
                    list.keys.push((key, comment));
                }
            }
            Line::Skipped { algorithm, reason } => list.skipped.push(SkippedLine {
                line: number,
                algorithm,
                reason,
            }),
        }
    }
    if list.keys.is_empty() {
        return Err(match (single, list.skipped.first()) {
            (true, Some(s)) => KeyError::UnsupportedAlgorithm {
                format,
                algorithm: s.algorithm.clone(),
            },
            (_, first) => KeyError::NoUsableKey {
                skipped: list.skipped.len(),
                first: first.map(|s| s.algorithm.clone()),
            },
        });
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SecretKey;

    #[test]
    fn reads_every_usable_line_once_and_skips_the_others() {
        let mut rng = rand::rngs::OsRng;
        let a = SecretKey::generate_with(KeyAlgorithm::Ed25519, &mut rng).public();
        let b = SecretKey::generate_with(KeyAlgorithm::EcdsaP256, &mut rng).public();
        let text = format!(
            "# keys\n{} a@x\n\nssh-rsa AAAAB3NzaC1yc2E rsa@x\n\
             no-pty,from=\"1.2.3.4\" {} b@x\n{}\n{} again\n",
            a.to_openssh(),
            b.to_openssh(),
            b.to_sceau_line(None),
            a.to_openssh()
        );
        let list = PublicKey::parse_list(&text).unwrap();
        assert_eq!(
            list.keys,
            vec![(a, Some("a@x".to_owned())), (b, Some("b@x".to_owned()))]
        );
        assert_eq!(list.repeated, 2);
        assert_eq!(list.skipped.len(), 1);
        assert_eq!(
            list.skipped[0].to_string(),
            "line 4: ssh-rsa key skipped (sceau uses ed25519 and ECDSA P-256, P-384 and P-521 keys)"
        );
        assert_eq!(PublicKey::parse_all(&text).unwrap(), list.keys);
        // One key is needed: several are refused naming the count.
        assert!(matches!(
            PublicKey::parse(&text),
            Err(KeyError::SeveralKeys { count: 2, .. })
        ));
    }

    #[test]
    fn a_bad_usable_line_fails_the_file_naming_its_line() {
        let a = SecretKey::from_seed(&[1; 32]).public();
        let text = format!("{}\nssh-ed25519 AAAA!!\n", a.to_openssh());
        let err = PublicKey::parse_list(&text).unwrap_err();
        assert!(matches!(err, KeyError::AtLine { line: 2, .. }), "{err}");
        assert!(err.to_string().starts_with("line 2: "), "{err}");
    }

    #[test]
    fn no_usable_key_is_an_error() {
        let err = PublicKey::parse_list("ssh-rsa AAAA a\nssh-dss AAAA b\n").unwrap_err();
        assert!(
            matches!(err, KeyError::NoUsableKey { skipped: 2, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("ssh-rsa"), "{err}");
        let err = PublicKey::parse_list("ssh-rsa AAAA a\n").unwrap_err();
        assert!(
            matches!(err, KeyError::UnsupportedAlgorithm { .. }),
            "{err}"
        );
        assert!(PublicKey::parse_list("# nothing\n\n").is_err());
    }

    #[test]
    fn a_key_given_in_two_encodings_is_one_key() {
        let key =
            SecretKey::generate_with(KeyAlgorithm::EcdsaP384, &mut rand::rngs::OsRng).public();
        let text = format!("{}\n{}\n", key.to_sceau_line(None), key.to_openssh());
        let list = PublicKey::parse_list(&text).unwrap();
        assert_eq!(list.keys.len(), 1);
        assert_eq!(list.repeated, 1);
        assert_eq!(PublicKey::parse(&text).unwrap().0, key);
    }
}
