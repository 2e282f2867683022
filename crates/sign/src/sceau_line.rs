//! sceau's one-line public key, `<tag> <keyid> <base64> [comment]` (spec/keys.md §3).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::algorithm::KeyAlgorithm;
use crate::error::KeyError;
use crate::format::KeyFormat;
use crate::key_id::KeyId;
use crate::public_key::{clean_comment, PublicKey};

/// Splits off the first whitespace-separated token.
pub(crate) fn token(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    s.split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((s, ""))
}

/// spec/keys.md §3: the tag names the algorithm, the key must be its canonical bytes, and the
/// key id is compared before the key is checked.
pub(crate) fn parse(line: &str) -> Result<(PublicKey, Option<String>), KeyError> {
    let format = KeyFormat::SceauPublic;
    let (tag, rest) = token(line.trim());
    let Some(algorithm) = KeyAlgorithm::from_sceau_tag(tag) else {
        return Err(KeyError::UnsupportedAlgorithm {
            format,
            algorithm: tag.chars().take(40).collect(),
        });
    };
    let (stated, rest) = token(rest);
    let (b64, rest) = token(rest);
    if b64.is_empty() {
        return Err(KeyError::Truncated {
            format,
            missing: "the base64 key",
        });
    }
    let bytes = STANDARD
        .decode(b64)
        .map_err(|e| KeyError::malformed_by(format, "the key is not base64", e))?;
    let want = algorithm.public_key_len();
    if bytes.len() != want {
        return Err(KeyError::malformed(
            format,
            format!("the key is {} bytes, not {want}", bytes.len()),
        ));
    }
    let actual = KeyId::of_canonical(&bytes);
    if stated.parse::<KeyId>() != Ok(actual) {
        return Err(KeyError::KeyIdMismatch {
            format,
            stated: stated.chars().take(40).collect(),
            actual,
        });
    }
    // For ECDSA the length admits only the compressed form, the canonical one.
    let key = PublicKey::from_key_bytes(algorithm, &bytes)?;
    Ok((key, clean_comment(rest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc8032_key() -> PublicKey {
        let bytes = hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
            .unwrap();
        PublicKey::from_bytes(&bytes.try_into().unwrap()).unwrap()
    }

    #[test]
    fn sceau_line_round_trips_and_checks_the_key_id() {
        let key = rfc8032_key();
        let line = key.to_sceau_line(Some("alice\nlaptop "));
        assert_eq!(
            line,
            "sceau-ed25519 21fe31dfa154a261 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo= alice laptop"
        );
        let (back, comment) = PublicKey::parse(&format!("{line}\n")).unwrap();
        assert_eq!(back, key);
        assert_eq!(comment.as_deref(), Some("alice laptop"));

        let wrong = line.replace("21fe31dfa154a261", "0011223344556677");
        let err = PublicKey::parse(&wrong).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("0011223344556677") && msg.contains("21fe31dfa154a261"),
            "{msg}"
        );
        assert!(matches!(err, KeyError::KeyIdMismatch { .. }));
        assert!(matches!(
            PublicKey::parse("sceau-ed25519 21fe31dfa154a261"),
            Err(KeyError::Truncated { .. })
        ));
    }

    #[test]
    fn weak_key_in_a_sceau_line_is_refused() {
        let zero = [0u8; 32];
        let line = format!(
            "sceau-ed25519 {} {}",
            KeyId::of_bytes(&zero),
            STANDARD.encode(zero)
        );
        assert!(matches!(
            PublicKey::parse(&line),
            Err(KeyError::WeakKey { .. })
        ));
    }

    #[test]
    fn ecdsa_lines_round_trip_and_hold_only_the_compressed_point() {
        let mut rng = rand::rngs::OsRng;
        for alg in [
            KeyAlgorithm::EcdsaP256,
            KeyAlgorithm::EcdsaP384,
            KeyAlgorithm::EcdsaP521,
        ] {
            let key = crate::SecretKey::generate_with(alg, &mut rng).public();
            let line = key.to_sceau_line(Some("ci"));
            assert!(line.starts_with(&format!("sceau-{} {} ", alg.name(), key.key_id())));
            assert_eq!(parse(&line).unwrap(), (key, Some("ci".to_owned())));
            // The uncompressed point, with the key id of those bytes: refused by length.
            let u = key.to_sec1_uncompressed().unwrap();
            let long = format!(
                "{} {} {}",
                alg.sceau_tag(),
                KeyId::of_canonical(&u),
                STANDARD.encode(&u)
            );
            assert!(matches!(parse(&long), Err(KeyError::Malformed { .. })));
            // Another curve's tag on this key: refused by length too.
            let other = line.replacen(alg.sceau_tag(), "sceau-ed25519", 1);
            assert!(parse(&other).is_err());
        }
        // A compressed x with no point (x = 1 on P-256), with its own key id, is refused at
        // load.
        let mut bytes = vec![2u8];
        bytes.extend([0u8; 31]);
        bytes.push(1);
        let line = format!(
            "sceau-p256 {} {}",
            KeyId::of_canonical(&bytes),
            STANDARD.encode(&bytes)
        );
        assert!(matches!(parse(&line), Err(KeyError::NotOnCurve)));
    }
}
