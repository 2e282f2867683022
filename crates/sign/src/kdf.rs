//! scrypt parameters of encrypted sceau secret keys, and the limits a file may ask for
//! (spec/keys.md §4.2); the same checks serve the scrypt of encrypted PKCS#8 and minisign keys
//! with their own limits (spec/keys.md §5.6, §5.8).

use zeroize::Zeroizing;

use crate::error::KeyError;
use crate::format::KeyFormat;

/// Most memory a key file may make scrypt use, `128 · r · 2^log_n` bytes: 256 MiB, twice the
/// default (spec/keys.md §4.2).
pub const MAX_SCRYPT_MEMORY_BYTES: u64 = 256 * 1024 * 1024;

/// Most work a key file may ask for, `2^log_n · r · p` (in units of one scrypt block mix):
/// four times the default (spec/keys.md §4.2).
pub const MAX_SCRYPT_WORK: u64 = 4 << (17 + 3);

/// Resource limits on the scrypt parameters a key file may ask for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScryptLimits {
    /// Most memory, `128 · r · 2^log_n` bytes.
    pub(crate) memory: u64,
    /// Most work, `2^log_n · r · p`.
    pub(crate) work: u64,
    /// The memory limit, described for messages.
    pub(crate) memory_text: &'static str,
    /// The work limit, described for messages.
    pub(crate) work_text: &'static str,
}

/// The limits of sceau's own key files and of encrypted PKCS#8 (spec/keys.md §4.2, §5.6).
pub(crate) const SCEAU_LIMITS: ScryptLimits = ScryptLimits {
    memory: MAX_SCRYPT_MEMORY_BYTES,
    work: MAX_SCRYPT_WORK,
    memory_text: "256 MiB",
    work_text: "4 × the default",
};

/// Bytes scrypt derives: a 32-byte AEAD key, then a 16-byte passphrase check, then unused
/// (spec/keys.md §4.3).
pub(crate) const DERIVED_LEN: usize = 64;

/// scrypt cost parameters `N = 2^log_n`, `r`, `p` (RFC 7914), as recorded in a key file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    log_n: u8,
    r: u32,
    p: u32,
}

impl KdfParams {
    /// The parameters new key files use: log_n = 17, r = 8, p = 1 (128 MiB; about 0.45 s on
    /// the development machines in a release build — spec/keys.md §4.2).
    pub const DEFAULT: KdfParams = KdfParams {
        log_n: 17,
        r: 8,
        p: 1,
    };

    /// Other parameters, within the limits that reading enforces. Anything below
    /// [`KdfParams::DEFAULT`] is for tests, where a fast KDF keeps the suite quick: such keys
    /// are much cheaper to brute-force.
    pub fn new(log_n: u8, r: u32, p: u32) -> Result<KdfParams, KeyError> {
        let params = KdfParams { log_n, r, p };
        params
            .check()
            .map_err(|reason| KeyError::InvalidKdfParams {
                log_n,
                r,
                p,
                reason,
            })?;
        Ok(params)
    }

    /// log2 of the scrypt cost N.
    pub fn log_n(&self) -> u8 {
        self.log_n
    }

    /// The scrypt block size r.
    pub fn r(&self) -> u32 {
        self.r
    }

    /// The scrypt parallelism p.
    pub fn p(&self) -> u32 {
        self.p
    }

    /// The memory scrypt needs with these parameters, in bytes.
    pub fn memory_bytes(&self) -> u64 {
        128u64
            .saturating_mul(u64::from(self.r))
            .saturating_mul(1u64.checked_shl(u32::from(self.log_n)).unwrap_or(u64::MAX))
    }

    fn describe(&self) -> String {
        format!("scrypt log_n={} r={} p={}", self.log_n, self.r, self.p)
    }

    fn work(&self) -> u64 {
        1u64.checked_shl(u32::from(self.log_n))
            .unwrap_or(u64::MAX)
            .saturating_mul(u64::from(self.r))
            .saturating_mul(u64::from(self.p))
    }

    /// The limits of spec/keys.md §4.2; `Err` names the one crossed.
    fn check(&self) -> Result<(), &'static str> {
        if self.log_n == 0 || self.r == 0 || self.p == 0 {
            return Err("log_n, r and p must be at least 1");
        }
        if self.log_n >= 64 || self.memory_bytes() > MAX_SCRYPT_MEMORY_BYTES {
            return Err("memory above 256 MiB");
        }
        if self.work() > MAX_SCRYPT_WORK {
            return Err("work above 4 × the default");
        }
        Ok(())
    }

    /// Checks parameters read from a file, before any work is done (spec/keys.md §4.2).
    pub(crate) fn check_read(log_n: u8, r: u32, p: u32) -> Result<KdfParams, KeyError> {
        KdfParams::check_read_for(KeyFormat::SceauSecret, log_n, r, p, SCEAU_LIMITS)
    }

    /// Checks parameters read from a file of `format` against `limits`, before any work is
    /// done: too much memory or work is [`KeyError::KdfTooCostly`], parameters scrypt cannot
    /// run [`KeyError::InvalidKdfParams`].
    pub(crate) fn check_read_for(
        format: KeyFormat,
        log_n: u8,
        r: u32,
        p: u32,
        limits: ScryptLimits,
    ) -> Result<KdfParams, KeyError> {
        let params = KdfParams { log_n, r, p };
        if params.log_n >= 64 || params.memory_bytes() > limits.memory {
            return Err(KeyError::KdfTooCostly {
                format,
                what: "memory",
                asked: params.describe(),
                limit: limits.memory_text,
            });
        }
        if params.work() > limits.work {
            return Err(KeyError::KdfTooCostly {
                format,
                what: "work",
                asked: params.describe(),
                limit: limits.work_text,
            });
        }
        if log_n == 0 || r == 0 || p == 0 {
            return Err(KeyError::InvalidKdfParams {
                log_n,
                r,
                p,
                reason: "log_n, r and p must be at least 1",
            });
        }
        Ok(params)
    }

    /// scrypt(passphrase, salt) → [`DERIVED_LEN`] bytes (spec/keys.md §4.3).
    pub(crate) fn derive(
        &self,
        passphrase: &[u8],
        salt: &[u8],
    ) -> Result<Zeroizing<[u8; DERIVED_LEN]>, KeyError> {
        let mut out = Zeroizing::new([0u8; DERIVED_LEN]);
        self.derive_into(passphrase, salt, &mut out[..])?;
        Ok(out)
    }

    /// scrypt(passphrase, salt) filling `out` (of any non-zero length).
    pub(crate) fn derive_into(
        &self,
        passphrase: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> Result<(), KeyError> {
        let invalid = |reason| KeyError::InvalidKdfParams {
            log_n: self.log_n,
            r: self.r,
            p: self.p,
            reason,
        };
        // The length given to Params only matters for password hashes; `out` sets the output.
        let params =
            scrypt::Params::new(self.log_n, self.r, self.p, scrypt::Params::RECOMMENDED_LEN)
                .map_err(|_| invalid("refused by scrypt (RFC 7914 requires log_n < 16 · r)"))?;
        scrypt::scrypt(passphrase, salt, &params, out).map_err(|_| invalid("refused by scrypt"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_within_the_limits_and_the_limits_hold() {
        assert!(KdfParams::DEFAULT.check().is_ok());
        assert_eq!(KdfParams::DEFAULT.memory_bytes(), 128 << 20);
        assert!(KdfParams::new(18, 8, 1).is_ok());
        assert!(KdfParams::new(19, 8, 1).is_err());
        assert!(KdfParams::new(17, 8, 5).is_err());
        assert!(KdfParams::new(0, 8, 1).is_err());
        assert!(matches!(
            KdfParams::check_read(30, 8, 1),
            Err(KeyError::KdfTooCostly { what: "memory", .. })
        ));
        assert!(matches!(
            KdfParams::check_read(255, 255, 255),
            Err(KeyError::KdfTooCostly { what: "memory", .. })
        ));
        assert!(matches!(
            KdfParams::check_read(17, 8, 16),
            Err(KeyError::KdfTooCostly { what: "work", .. })
        ));
    }

    /// `cargo test -p sceau-sign --release -- --ignored --nocapture scrypt_cost`
    #[test]
    #[ignore = "timing measurement, run by hand in release mode"]
    #[allow(clippy::print_stdout)]
    fn scrypt_cost() {
        for log_n in [15u8, 16, 17, 18] {
            let p = KdfParams::new(log_n, 8, 1).unwrap();
            let mut times = Vec::new();
            for _ in 0..5 {
                let t = std::time::Instant::now();
                p.derive(b"passphrase", &[0u8; 32]).unwrap();
                times.push(t.elapsed().as_millis());
            }
            times.sort();
            println!("scrypt log_n={log_n} r=8 p=1: median {} ms", times[2]);
        }
    }
}
