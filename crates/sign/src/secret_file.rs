//! sceau's secret key file: a readable header and the secret (an Ed25519 seed or an ECDSA
//! scalar), encrypted with scrypt and XChaCha20-Poly1305 or, when asked for, in the clear
//! (spec/keys.md §4).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use crate::algorithm::KeyAlgorithm;
use crate::error::{BoxError, KeyError};
use crate::format::KeyFormat;
use crate::kdf::{KdfParams, DERIVED_LEN};
use crate::key_id::KeyId;
use crate::public_key::clean_comment;

/// First line of the file (spec/keys.md §4.1).
pub(crate) const MAGIC: &str = "sceau-secret-key-v1";
const ENCRYPTION_NONE: &str = "none";
const ENCRYPTION_SCRYPT: &str = "scrypt-xchacha20poly1305";
const SALT_LEN: usize = 32;
const CHECK_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const FORMAT: KeyFormat = KeyFormat::SceauSecret;

/// What a sceau secret key file holds, once decrypted.
pub(crate) struct Decoded {
    pub(crate) algorithm: KeyAlgorithm,
    /// [`KeyAlgorithm::secret_len`] bytes.
    pub(crate) secret: Zeroizing<Vec<u8>>,
    pub(crate) stated_id: KeyId,
    pub(crate) comment: Option<String>,
}

/// Writes the file of spec/keys.md §4.1. With a passphrase the secret is encrypted under
/// `params`; the header lines are the associated data.
#[allow(clippy::too_many_arguments)]
pub(crate) fn encode<R: RngCore + CryptoRng>(
    algorithm: KeyAlgorithm,
    secret: &[u8],
    key_id: KeyId,
    comment: Option<&str>,
    passphrase: Option<&[u8]>,
    params: KdfParams,
    rng: &mut R,
) -> Result<Zeroizing<String>, KeyError> {
    let comment = comment.and_then(clean_comment).unwrap_or_default();
    let mut header = format!("{MAGIC}\nalgorithm: {algorithm}\nkey-id: {key_id}\n");
    header.push_str(&field_line("comment", &comment));
    let secret = match passphrase {
        None => {
            header.push_str(&field_line("encryption", ENCRYPTION_NONE));
            Zeroizing::new(STANDARD.encode(secret))
        }
        Some([]) => return Err(KeyError::EmptyPassphrase),
        Some(passphrase) => {
            let mut salt = [0u8; SALT_LEN];
            let mut nonce = [0u8; NONCE_LEN];
            rng.fill_bytes(&mut salt);
            rng.fill_bytes(&mut nonce);
            let derived = params.derive(passphrase, &salt)?;
            let (key, check) = split_derived(&derived);
            header.push_str(&field_line("encryption", ENCRYPTION_SCRYPT));
            header.push_str(&format!(
                "scrypt: log_n={} r={} p={}\n",
                params.log_n(),
                params.r(),
                params.p()
            ));
            header.push_str(&field_line("salt", &STANDARD.encode(salt)));
            header.push_str(&field_line("check", &STANDARD.encode(check)));
            header.push_str(&field_line("nonce", &STANDARD.encode(nonce)));
            let cipher = XChaCha20Poly1305::new((&*key).into());
            let payload = Payload {
                msg: secret,
                aad: header.as_bytes(),
            };
            let sealed = cipher
                .encrypt(XNonce::from_slice(&nonce), payload)
                .map_err(|_| KeyError::malformed(FORMAT, "the AEAD refused to encrypt"))?;
            Zeroizing::new(STANDARD.encode(sealed))
        }
    };
    // Sized up front so that no copy of the secret is left behind by a reallocation.
    let mut text = Zeroizing::new(String::with_capacity(header.len() + secret.len() + 9));
    text.push_str(&header);
    text.push_str("secret: ");
    text.push_str(&secret);
    text.push('\n');
    Ok(text)
}

/// Reads the file of spec/keys.md §4.1. The passphrase callback runs only for an encrypted
/// file, and only after the KDF parameters passed the limits of §4.2.
pub(crate) fn decode<F, E>(text: &str, passphrase: F) -> Result<Decoded, KeyError>
where
    F: FnOnce() -> Result<Zeroizing<Vec<u8>>, E>,
    E: Into<BoxError>,
{
    let mut r = Reader::new(text);
    r.magic()?;
    let named = r.field("algorithm")?;
    let Some(algorithm) = KeyAlgorithm::from_name(named) else {
        return Err(KeyError::UnsupportedAlgorithm {
            format: FORMAT,
            algorithm: named.chars().take(40).collect(),
        });
    };
    let secret_len = algorithm.secret_len();
    let stated = r.field("key-id")?;
    let stated_id: KeyId = stated
        .parse()
        .map_err(|e| KeyError::malformed_by(FORMAT, "the key-id line is not a key id", e))?;
    let comment = clean_comment(r.field("comment")?);
    let secret = match r.field("encryption")? {
        ENCRYPTION_NONE => {
            let secret = r.secret(secret_len)?;
            r.end()?;
            secret
        }
        ENCRYPTION_SCRYPT => {
            let params = parse_scrypt(r.field("scrypt")?)?;
            let salt = r.bytes_field("salt", SALT_LEN)?;
            let check = r.bytes_field("check", CHECK_LEN)?;
            let nonce = r.bytes_field("nonce", NONCE_LEN)?;
            let aad = r.header.clone();
            let sealed = r.secret(secret_len + TAG_LEN)?;
            r.end()?;
            let pass = passphrase().map_err(|e| KeyError::PassphraseUnavailable {
                format: FORMAT,
                source: e.into(),
            })?;
            let derived = params.derive(&pass, &salt)?;
            let (key, expected_check) = split_derived(&derived);
            if !constant_time_eq(&expected_check, &check) {
                return Err(KeyError::WrongPassphrase { format: FORMAT });
            }
            let cipher = XChaCha20Poly1305::new((&*key).into());
            let payload = Payload {
                msg: &sealed,
                aad: &aad,
            };
            let plain = Zeroizing::new(
                cipher
                    .decrypt(XNonce::from_slice(&nonce), payload)
                    .map_err(|_| KeyError::Tampered { format: FORMAT })?,
            );
            if plain.len() != secret_len {
                return Err(KeyError::malformed(
                    FORMAT,
                    format!("the secret is not {secret_len} bytes"),
                ));
            }
            plain
        }
        other => {
            return Err(KeyError::malformed(
                FORMAT,
                format!(
                    "unknown encryption {:?} (expected {ENCRYPTION_NONE} or {ENCRYPTION_SCRYPT})",
                    other.chars().take(40).collect::<String>()
                ),
            ))
        }
    };
    Ok(Decoded {
        algorithm,
        secret,
        stated_id,
        comment,
    })
}

fn field_line(name: &str, value: &str) -> String {
    if value.is_empty() {
        format!("{name}:\n")
    } else {
        format!("{name}: {value}\n")
    }
}

/// The AEAD key and the passphrase check (spec/keys.md §4.3).
fn split_derived(derived: &[u8; DERIVED_LEN]) -> (Zeroizing<[u8; 32]>, [u8; CHECK_LEN]) {
    let mut key = Zeroizing::new([0u8; 32]);
    let mut check = [0u8; CHECK_LEN];
    key.copy_from_slice(&derived[..32]);
    check.copy_from_slice(&derived[32..32 + CHECK_LEN]);
    (key, check)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `scrypt: log_n=<n> r=<r> p=<p>`, exactly in that order (spec/keys.md §4.1).
fn parse_scrypt(value: &str) -> Result<KdfParams, KeyError> {
    let bad = || KeyError::malformed(FORMAT, "the scrypt line is not `log_n=N r=R p=P`");
    let mut parts = value.split(' ');
    let mut next = |name: &str| -> Result<u64, KeyError> {
        let part = parts.next().ok_or_else(bad)?;
        let digits = part
            .strip_prefix(name)
            .and_then(|p| p.strip_prefix('='))
            .ok_or_else(bad)?;
        if digits.is_empty() || digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        digits.parse().map_err(|_| bad())
    };
    let (log_n, r, p) = (next("log_n")?, next("r")?, next("p")?);
    if parts.next().is_some() {
        return Err(bad());
    }
    let log_n = u8::try_from(log_n).unwrap_or(u8::MAX);
    let r = u32::try_from(r).unwrap_or(u32::MAX);
    let p = u32::try_from(p).unwrap_or(u32::MAX);
    KdfParams::check_read(log_n, r, p)
}

/// Reads the fixed sequence of `name: value` lines, keeping the header bytes that are
/// authenticated (every line before `secret:`, each ended by `\n`; spec/keys.md §4.3).
struct Reader<'a> {
    lines: Vec<&'a str>,
    pos: usize,
    header: Vec<u8>,
    /// Whether the text ends with a line ending (a file cut short mid-line does not).
    ends_with_newline: bool,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        let lines = text
            .lines()
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .skip_while(|l| l.trim().is_empty())
            .collect();
        Reader {
            lines,
            pos: 0,
            header: Vec::new(),
            ends_with_newline: text.ends_with('\n'),
        }
    }

    fn next_line(&mut self) -> Option<&'a str> {
        let line = self.lines.get(self.pos).copied();
        self.pos += 1;
        line
    }

    fn magic(&mut self) -> Result<(), KeyError> {
        if self.next_line() != Some(MAGIC) {
            return Err(KeyError::malformed(
                FORMAT,
                format!("does not start with {MAGIC}"),
            ));
        }
        self.header.extend_from_slice(MAGIC.as_bytes());
        self.header.push(b'\n');
        Ok(())
    }

    /// The value of the next line, which must be `name:` or `name: value`.
    fn raw_field(&mut self, name: &'static str) -> Result<(&'a str, &'a str), KeyError> {
        let Some(line) = self.next_line() else {
            return Err(KeyError::Truncated {
                format: FORMAT,
                missing: name,
            });
        };
        // A header line is never the last (the secret follows): a file that ends inside one,
        // without its line ending, was cut short there; its value is not read as if whole.
        if name != "secret" && self.pos >= self.lines.len() && !self.ends_with_newline {
            return Err(KeyError::Truncated {
                format: FORMAT,
                missing: name,
            });
        }
        let value = line
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(':'))
            .map(|v| v.strip_prefix(' ').unwrap_or(v));
        let Some(value) = value else {
            // Only the part before any colon is echoed: never a secret.
            let found: String = line
                .split(':')
                .next()
                .unwrap_or_default()
                .chars()
                .take(20)
                .collect();
            return Err(KeyError::malformed(
                FORMAT,
                format!("expected a `{name}:` line, found {found:?}"),
            ));
        };
        Ok((line, value))
    }

    /// A header field: its line joins the authenticated header.
    fn field(&mut self, name: &'static str) -> Result<&'a str, KeyError> {
        let (line, value) = self.raw_field(name)?;
        self.header.extend_from_slice(line.as_bytes());
        self.header.push(b'\n');
        Ok(value)
    }

    fn bytes_field(&mut self, name: &'static str, len: usize) -> Result<Vec<u8>, KeyError> {
        let value = self.field(name)?;
        let bytes = STANDARD.decode(value).map_err(|e| {
            KeyError::malformed_by(FORMAT, format!("the {name} line is not base64"), e)
        })?;
        if bytes.len() != len {
            return Err(KeyError::malformed(
                FORMAT,
                format!("the {name} is {} bytes, not {len}", bytes.len()),
            ));
        }
        Ok(bytes)
    }

    /// The `secret:` line, whose encoded length is fixed: shorter means cut short.
    fn secret(&mut self, len: usize) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let (_, value) = self.raw_field("secret")?;
        let encoded_len = len.div_ceil(3) * 4;
        if value.len() < encoded_len {
            return Err(KeyError::Truncated {
                format: FORMAT,
                missing: "the secret",
            });
        }
        let bytes = Zeroizing::new(
            STANDARD
                .decode(value)
                .map_err(|_| KeyError::malformed(FORMAT, "the secret line is not base64"))?,
        );
        if bytes.len() != len {
            return Err(KeyError::malformed(
                FORMAT,
                format!("the secret is {} bytes, not {len}", bytes.len()),
            ));
        }
        Ok(bytes)
    }

    fn end(&mut self) -> Result<(), KeyError> {
        if self.lines[self.pos.min(self.lines.len())..]
            .iter()
            .any(|l| !l.trim().is_empty())
        {
            return Err(KeyError::malformed(FORMAT, "text follows the secret line"));
        }
        Ok(())
    }
}
