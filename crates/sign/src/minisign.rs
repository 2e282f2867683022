//! minisign secret keys: unencrypted (`minisign -G -W`) or encrypted with scrypt as libsodium's
//! `crypto_pwhash_scryptsalsa208sha256` derives it from minisign's opslimit and memlimit
//! (spec/keys.md §5.8). minisign public keys share signify's layout (`signify.rs`).

use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};
use zeroize::Zeroizing;

use crate::algorithm::KeyAlgorithm;
use crate::error::{BoxError, KeyError};
use crate::format::KeyFormat;
use crate::kdf::{KdfParams, ScryptLimits};
use crate::public_key::PublicKey;
use crate::secret_key::SecretKey;
use crate::signify::{check_ed, constant_time_eq, read_armoured, MINISIGN_SECRET_LEN};

/// The limits on a minisign key's scrypt: minisign's own parameters, which it always writes
/// (opslimit 2^25, memlimit 2^30: N = 2^20, r = 8, p = 1, 1 GiB), and nothing above
/// (spec/keys.md §5.8).
const MINISIGN_LIMITS: ScryptLimits = ScryptLimits {
    memory: 1 << 30,
    work: 1 << 23,
    memory_text: "1 GiB (minisign's own setting)",
    work_text: "minisign's own setting",
};

/// Bytes XORed with the key stream: key id (8) ‖ secret key (64) ‖ checksum (32).
const KEYNUM_SK_LEN: usize = 104;

/// libsodium's `pickparams`: the scrypt (log2 N, r, p) that `crypto_pwhash_scryptsalsa208sha256`
/// uses for an opslimit and a memlimit (spec/keys.md §5.8).
fn pick_params(opslimit: u64, memlimit: u64) -> (u8, u32, u64) {
    let opslimit = opslimit.max(32768);
    let r: u64 = 8;
    // The first log2 N with 2^N > max_n / 2, at most 63.
    let first_log_n = |max_n: u64| {
        let mut log_n = 1u8;
        while log_n < 63 && (1u64 << log_n) <= max_n / 2 {
            log_n += 1;
        }
        log_n
    };
    if opslimit < memlimit / 32 {
        let log_n = first_log_n(opslimit / (r * 4));
        (log_n, 8, 1)
    } else {
        let log_n = first_log_n(memlimit / (r * 128));
        let max_rp = ((opslimit / 4) >> log_n).min(0x3fff_ffff);
        (log_n, 8, max_rp / r)
    }
}

/// spec/keys.md §5.8: `Ed` ‖ KDF (`Sc` scrypt or two zero bytes) ‖ checksum algorithm (`B2`) ‖
/// salt (32) ‖ opslimit (u64 LE) ‖ memlimit (u64 LE) ‖ key id, secret key, checksum (XORed
/// with the scrypt key stream when encrypted). The checksum, BLAKE2b-256 over `Ed` ‖ key id ‖
/// secret key, tells a wrong passphrase; an unencrypted key may leave it all zero, as
/// `minisign -W` does.
pub(crate) fn parse_secret<F, E>(
    text: &str,
    passphrase: F,
) -> Result<(SecretKey, Option<String>), KeyError>
where
    F: FnOnce() -> Result<Zeroizing<Vec<u8>>, E>,
    E: Into<BoxError>,
{
    let format = KeyFormat::MinisignSecret;
    let (comment, bytes) = read_armoured(text, format, true)?;
    if bytes.len() != MINISIGN_SECRET_LEN {
        return Err(KeyError::malformed(
            format,
            format!(
                "the key is {} bytes, not {MINISIGN_SECRET_LEN}",
                bytes.len()
            ),
        ));
    }
    check_ed(&bytes, format)?;
    let encrypted = match &bytes[2..4] {
        b"Sc" => true,
        [0, 0] => false,
        _ => {
            return Err(KeyError::malformed(
                format,
                "unknown key derivation (expected Sc, scrypt, or none)",
            ))
        }
    };
    if &bytes[4..6] != b"B2" {
        return Err(KeyError::malformed(
            format,
            "unknown checksum (expected B2, BLAKE2b)",
        ));
    }
    let salt = &bytes[6..38];
    let le = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let (opslimit, memlimit) = (le(38), le(46));
    let mut keynum_sk = Zeroizing::new([0u8; KEYNUM_SK_LEN]);
    keynum_sk.copy_from_slice(&bytes[54..MINISIGN_SECRET_LEN]);
    if encrypted {
        let (log_n, r, p) = pick_params(opslimit, memlimit);
        let p = u32::try_from(p).unwrap_or(u32::MAX);
        let params = KdfParams::check_read_for(format, log_n, r, p, MINISIGN_LIMITS)?;
        let pass = passphrase().map_err(|e| KeyError::PassphraseUnavailable {
            format,
            source: e.into(),
        })?;
        let mut stream = Zeroizing::new([0u8; KEYNUM_SK_LEN]);
        params.derive_into(&pass, salt, &mut stream[..])?;
        for (k, s) in keynum_sk.iter_mut().zip(stream.iter()) {
            *k ^= s;
        }
    }
    let mut hasher = Blake2b::<U32>::new();
    hasher.update(&bytes[..2]);
    hasher.update(&keynum_sk[..72]);
    // `minisign -G -W` (0.11) leaves the checksum of an unencrypted key all zero; the stored
    // public key, checked below, then stands for it.
    let unchecked = !encrypted && keynum_sk[72..].iter().all(|&b| b == 0);
    if !unchecked && !constant_time_eq(&hasher.finalize(), &keynum_sk[72..]) {
        return Err(if encrypted {
            KeyError::WrongPassphrase { format }
        } else {
            KeyError::malformed(format, "the checksum does not match the secret key")
        });
    }
    let key = SecretKey::from_file_secret(KeyAlgorithm::Ed25519, &keynum_sk[8..40], format)?;
    let mut stored = [0u8; 32];
    stored.copy_from_slice(&keynum_sk[40..72]);
    key.check_stored_public(&PublicKey::from_bytes(&stored)?, format)?;
    Ok((key, comment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_libsodium_parameters() {
        // minisign's OPSLIMIT_SENSITIVE / MEMLIMIT_SENSITIVE: N = 2^20, r = 8, p = 1 (1 GiB).
        assert_eq!(pick_params(1 << 25, 1 << 30), (20, 8, 1));
        // libsodium's INTERACTIVE pair (2^19, 2^24): N = 2^14, r = 8, p = 1 (16 MiB).
        assert_eq!(pick_params(1 << 19, 1 << 24), (14, 8, 1));
        // opslimit below memlimit / 32: N from the opslimit alone.
        assert_eq!(pick_params(1 << 20, 1 << 30), (15, 8, 1));
        // Tiny limits are raised to opslimit 32768.
        assert_eq!(pick_params(0, 0), (1, 8, 512));
        // Huge values do not overflow (and are refused by the limits afterwards).
        assert_eq!(pick_params(u64::MAX, u64::MAX), (53, 8, 63));
    }
}
