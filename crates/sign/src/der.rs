//! A minimal DER writer for the one structure sceau builds by hand: an ECDSA private key in
//! PKCS#8, as `openssl genpkey` writes it (RFC 5208 with RFC 5915 inside; spec/keys.md §5.4).
//! Reading DER is left to the `der`, `spki`, `pkcs8` and `sec1` crates.

use zeroize::Zeroizing;

use crate::algorithm::KeyAlgorithm;

/// DER of OID 1.2.840.10045.2.1, id-ecPublicKey (RFC 5480 §2.1.1).
const OID_EC_PUBLIC_KEY: [u8; 9] = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

/// DER of the named-curve OID of an ECDSA algorithm (RFC 5480 §2.1.1.1); empty for Ed25519.
fn curve_oid(algorithm: KeyAlgorithm) -> &'static [u8] {
    match algorithm {
        KeyAlgorithm::Ed25519 => &[],
        KeyAlgorithm::EcdsaP256 => &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
        KeyAlgorithm::EcdsaP384 => &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22],
        KeyAlgorithm::EcdsaP521 => &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23],
    }
}

/// One DER element: tag, definite length (short or long form), content. The buffer is
/// zeroized on drop because the content may be a secret.
fn tlv(tag: u8, content: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(content.len() + 4));
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len <= 0xff {
        out.extend_from_slice(&[0x81, len as u8]);
    } else {
        // Every structure written here is far below 64 KiB.
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

/// The PKCS#8 `PrivateKeyInfo` of an ECDSA key: version 0, AlgorithmIdentifier { id-ecPublicKey,
/// named curve }, and an OCTET STRING holding the RFC 5915 `ECPrivateKey` { version 1, the
/// scalar, [1] the uncompressed public point } — the layout `openssl genpkey` writes.
pub(crate) fn ec_pkcs8(algorithm: KeyAlgorithm, scalar: &[u8], point: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut bits = Zeroizing::new(vec![0u8]);
    bits.extend_from_slice(point);
    let mut ec = Zeroizing::new(vec![0x02, 0x01, 0x01]);
    ec.extend_from_slice(&tlv(0x04, scalar));
    ec.extend_from_slice(&tlv(0xa1, &tlv(0x03, &bits)));
    let ec = tlv(0x30, &ec);

    let mut alg = OID_EC_PUBLIC_KEY.to_vec();
    alg.extend_from_slice(curve_oid(algorithm));
    let mut info = Zeroizing::new(vec![0x02, 0x01, 0x00]);
    info.extend_from_slice(&tlv(0x30, &alg));
    info.extend_from_slice(&tlv(0x04, &ec));
    tlv(0x30, &info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_use_the_shortest_form() {
        assert_eq!(&tlv(4, &[1; 3])[..2], &[4, 3]);
        assert_eq!(&tlv(4, &[1; 0x80])[..3], &[4, 0x81, 0x80]);
        assert_eq!(&tlv(4, &[1; 0x100])[..4], &[4, 0x82, 1, 0]);
    }
}
