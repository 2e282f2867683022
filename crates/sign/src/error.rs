//! Errors of key handling ([`KeyError`]) and of signing ([`SignError`]).

use crate::algorithm::KeyAlgorithm;
use crate::format::KeyFormat;
use crate::key_id::KeyId;

/// A boxed error from a dependency or from the caller's passphrase callback.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Largest key text read, checked before parsing (spec/keys.md §2).
pub const MAX_KEY_TEXT_BYTES: usize = 64 * 1024;

/// Why a key could not be read, checked or written.
///
/// Messages name the format and, where they are known, the key ids involved. They never
/// contain secret material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The text is longer than [`MAX_KEY_TEXT_BYTES`]; it was not parsed.
    #[error("key text is {len} bytes, over the limit of {MAX_KEY_TEXT_BYTES} bytes for a key")]
    TooLarge {
        /// Length of the text in bytes.
        len: usize,
    },
    /// The text is none of the formats sceau reads (spec/keys.md §2).
    #[error("not a key sceau can read: expected {expected}")]
    Unrecognised {
        /// The formats that were acceptable here, for the message.
        expected: &'static str,
    },
    /// A secret key was given where a public key is needed, or the other way round.
    #[error("this is a {found}, but {expected} is needed here")]
    WrongKind {
        /// The format the text is in.
        found: KeyFormat,
        /// What was needed ("a public key" or "a secret key").
        expected: &'static str,
    },
    /// The key is of an algorithm sceau does not use (an RSA key, a FIDO key, Ed448, another
    /// curve, …; spec/keys.md §1).
    #[error(
        "{format} uses algorithm {algorithm}; sceau uses ed25519 and ECDSA P-256, P-384 and \
         P-521 keys"
    )]
    UnsupportedAlgorithm {
        /// The format the key was read from.
        format: KeyFormat,
        /// The algorithm the key declares.
        algorithm: String,
    },
    /// The text ends before a required part: the file was cut short.
    #[error("{format} is truncated: {missing} is missing or cut short")]
    Truncated {
        /// The format being read.
        format: KeyFormat,
        /// The part that is missing.
        missing: &'static str,
    },
    /// The text is recognisably in a format but does not follow it.
    #[error("{format} is malformed: {reason}")]
    Malformed {
        /// The format being read.
        format: KeyFormat,
        /// What is wrong.
        reason: String,
        /// The underlying parser error, when there is one.
        #[source]
        source: Option<BoxError>,
    },
    /// The public key bytes do not decode to a point of the key's curve: an Ed25519 encoding
    /// of no point, an ECDSA point off its curve, a coordinate not below the field prime, or an
    /// encoding that is not a SEC1 point (spec/keys.md §1.2).
    #[error("public key is not a point of its curve")]
    NotOnCurve,
    /// The public key is a non-canonical encoding of its point (spec/keys.md §1.2).
    #[error("public key {key_id} is not canonically encoded")]
    NonCanonical {
        /// Key id computed from the bytes as given.
        key_id: KeyId,
    },
    /// The public key is weak: an Ed25519 small-order point or point with a small-order
    /// component, under which signatures can be forged or verifiers disagree, or the ECDSA
    /// point at infinity (spec/keys.md §1.2).
    #[error("public key {key_id} is weak ({detail}) and is refused")]
    WeakKey {
        /// Key id computed from the bytes as given.
        key_id: KeyId,
        /// Which weakness: "small order", "has a small-order component" or "the point at
        /// infinity".
        detail: &'static str,
    },
    /// The key id written next to a key is not the id of that key (spec/keys.md §1.1).
    #[error("{format} states key id {stated} but the key it holds has key id {actual}")]
    KeyIdMismatch {
        /// The format being read.
        format: KeyFormat,
        /// The key id written in the file.
        stated: String,
        /// The key id of the key actually in the file.
        actual: KeyId,
    },
    /// The passphrase does not decrypt the key.
    #[error("wrong passphrase for {format}")]
    WrongPassphrase {
        /// The format being read.
        format: KeyFormat,
    },
    /// The passphrase is right but the encrypted key or its header was modified
    /// (spec/keys.md §4.3).
    #[error(
        "{format} failed authentication although the passphrase is right: the file was modified"
    )]
    Tampered {
        /// The format being read.
        format: KeyFormat,
    },
    /// The file asks for key-derivation work above the limits; the KDF was not run and the
    /// passphrase was not asked for (spec/keys.md §4.2, §5.2).
    #[error(
        "{format} asks for {asked}: {what} above the limit of {limit}; refused without deriving"
    )]
    KdfTooCostly {
        /// The format being read.
        format: KeyFormat,
        /// The resource over its limit: "memory", "work" or "rounds".
        what: &'static str,
        /// The parameters the file asks for, as written in it.
        asked: String,
        /// The limit, described.
        limit: &'static str,
    },
    /// The key is encrypted in a way sceau does not read.
    #[error("{format}: {detail}")]
    UnsupportedEncryption {
        /// The format being read.
        format: KeyFormat,
        /// What is not supported, and what to do instead.
        detail: &'static str,
    },
    /// The passphrase callback failed (no terminal, unreadable passphrase file, …).
    #[error("could not obtain the passphrase for {format}")]
    PassphraseUnavailable {
        /// The format being read.
        format: KeyFormat,
        /// Why the callback failed.
        #[source]
        source: BoxError,
    },
    /// An empty passphrase was given for encryption; an unencrypted key is written with
    /// no passphrase at all (`None`), never with an empty one (spec/keys.md §4.4).
    #[error("empty passphrase: write the key unencrypted on purpose instead")]
    EmptyPassphrase,
    /// A text that must hold one key holds several (a multi-key file given where one key is
    /// needed; spec/keys.md §8).
    #[error(
        "{format} holds {count} keys where one key is needed; keep the one line you mean, \
         or give the file where several keys are accepted"
    )]
    SeveralKeys {
        /// The format of the lines.
        format: KeyFormat,
        /// How many keys the text holds.
        count: usize,
    },
    /// A line of a multi-key file could not be read (spec/keys.md §8).
    #[error("line {line}: {source}")]
    AtLine {
        /// 1-based line number.
        line: usize,
        /// What is wrong with that line.
        #[source]
        source: Box<KeyError>,
    },
    /// A multi-key file holds no key sceau can use (spec/keys.md §8).
    #[error(
        "no ed25519 or ECDSA key in this file ({skipped} line(s) of other algorithms skipped{})",
        first.as_ref().map(|a| format!(", the first {a}")).unwrap_or_default()
    )]
    NoUsableKey {
        /// How many key lines were skipped.
        skipped: usize,
        /// The algorithm of the first skipped line, if any.
        first: Option<String>,
    },
    /// A secret key's bytes are not a key of its algorithm: the wrong length, or an ECDSA
    /// scalar that is zero or not below the group order.
    #[error("invalid {algorithm} secret key: {reason}")]
    InvalidSecretKey {
        /// The algorithm the secret was for.
        algorithm: KeyAlgorithm,
        /// What is wrong.
        reason: &'static str,
    },
    /// scrypt parameters outside the accepted range were asked for (spec/keys.md §4.2).
    #[error("invalid scrypt parameters log_n={log_n}, r={r}, p={p}: {reason}")]
    InvalidKdfParams {
        /// scrypt log2(N).
        log_n: u8,
        /// scrypt r.
        r: u32,
        /// scrypt p.
        p: u32,
        /// Which limit was crossed.
        reason: &'static str,
    },
}

impl KeyError {
    pub(crate) fn malformed(format: KeyFormat, reason: impl Into<String>) -> Self {
        KeyError::Malformed {
            format,
            reason: reason.into(),
            source: None,
        }
    }

    pub(crate) fn malformed_by(
        format: KeyFormat,
        reason: impl Into<String>,
        source: impl Into<BoxError>,
    ) -> Self {
        KeyError::Malformed {
            format,
            reason: reason.into(),
            source: Some(source.into()),
        }
    }
}

/// Why an envelope could not be signed or countersigned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The key already has a valid signature on this envelope (spec/keys.md §7.2). The check
    /// is by signature verification, whatever `keyid` the existing signature carries.
    #[error("key {key_id} has already signed this envelope (signature {index})")]
    AlreadySigned {
        /// Key id of the signing key.
        key_id: KeyId,
        /// Position of its existing signature in the envelope.
        index: usize,
    },
    /// The signature just made does not verify: nothing was added (spec/keys.md §7.1).
    #[error("the signature made with key {key_id} does not verify; nothing was signed")]
    SelfCheckFailed {
        /// Key id of the signing key.
        key_id: KeyId,
    },
    /// The envelope already holds the most signatures an envelope may carry.
    #[error("the envelope already has {limit} signatures, the most it may carry")]
    TooManySignatures {
        /// The limit, `sceau_core::dsse::MAX_SIGNATURES`.
        limit: usize,
    },
}
