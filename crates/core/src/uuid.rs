//! Identifiers derived from content: UUIDs of version 8 (RFC 9562 §5.8) whose 122 free bits are
//! the first bits of a SHA-256 (spec/bom.md §1.3, spec/spdx.md §2).
//!
//! The same input always gives the same UUID, so a document that sceau writes twice from the
//! same data carries the same identifiers; different inputs give different UUIDs with the
//! collision odds of a 122-bit hash. These are names, not integrity checks: what binds a BOM to
//! its files is the signed Statement (spec/record.md).
use std::fmt;

use sha2::{Digest, Sha256};

/// A version-8, variant-10 UUID computed from a domain string and a list of byte strings.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentUuid(pub [u8; 16]);

impl ContentUuid {
    /// The UUID of `parts` within `domain`.
    ///
    /// The SHA-256 input is `domain`, a zero byte, then each part as its length (8 bytes, big
    /// endian) followed by its bytes, so that no two different lists of parts hash the same
    /// input. The first 16 bytes of the digest become the UUID, with the version nibble set to
    /// 8 and the two variant bits to `10`, as RFC 9562 §5.8 requires.
    pub fn from_parts(domain: &str, parts: &[&[u8]]) -> ContentUuid {
        let mut h = Sha256::new();
        h.update(domain.as_bytes());
        h.update([0u8]);
        for p in parts {
            h.update((p.len() as u64).to_be_bytes());
            h.update(p);
        }
        let digest = h.finalize();
        let mut b = [0u8; 16];
        b.copy_from_slice(&digest[..16]);
        b[6] = (b[6] & 0x0f) | 0x80;
        b[8] = (b[8] & 0x3f) | 0x80;
        ContentUuid(b)
    }

    /// `urn:uuid:` followed by the UUID in its lower-case hyphenated form.
    pub fn urn(&self) -> String {
        format!("urn:uuid:{self}")
    }
}

impl fmt::Display for ContentUuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = hex::encode(self.0);
        write!(
            f,
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    }
}

impl fmt::Debug for ContentUuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentUuid({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_and_variant_bits_are_set() {
        for i in 0..64u8 {
            let u = ContentUuid::from_parts("test", &[&[i]]);
            let s = u.to_string();
            assert_eq!(s.len(), 36);
            assert_eq!(&s[14..15], "8", "version nibble of {s}");
            assert!(
                matches!(&s[19..20], "8" | "9" | "a" | "b"),
                "variant of {s}"
            );
            assert!(s
                .chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)));
        }
    }

    #[test]
    fn equal_inputs_give_equal_uuids_and_part_boundaries_count() {
        let a = ContentUuid::from_parts("d", &[b"ab", b"c"]);
        assert_eq!(a, ContentUuid::from_parts("d", &[b"ab", b"c"]));
        assert_ne!(a, ContentUuid::from_parts("d", &[b"a", b"bc"]));
        assert_ne!(a, ContentUuid::from_parts("e", &[b"ab", b"c"]));
        assert_ne!(a, ContentUuid::from_parts("d", &[b"abc"]));
        assert!(a.urn().starts_with("urn:uuid:"));
    }

    #[test]
    fn matches_the_sha256_it_is_made_from() {
        // Computed independently: SHA-256 of "d" 00 | 00 00 00 00 00 00 00 01 | "x".
        let mut input = b"d\0".to_vec();
        input.extend_from_slice(&1u64.to_be_bytes());
        input.push(b'x');
        let digest = Sha256::digest(&input);
        let u = ContentUuid::from_parts("d", &[b"x"]);
        assert_eq!(u.0[..6], digest[..6]);
        assert_eq!(u.0[6] & 0x0f, digest[6] & 0x0f);
        assert_eq!(u.0[7], digest[7]);
        assert_eq!(u.0[8] & 0x3f, digest[8] & 0x3f);
        assert_eq!(u.0[9..], digest[9..16]);
    }
}
