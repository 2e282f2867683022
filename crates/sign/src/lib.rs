//! sceau signing: ed25519 key files and DSSE envelopes.
//!
//! - Keys ([`PublicKey`], [`SecretKey`], [`KeyId`]) are read from sceau's own formats and from
//!   OpenSSH, SPKI and PKCS#8 encodings; every public key passes the load checks of
//!   `spec/keys.md` §1.2 (no weak or non-canonical keys) before it can be used.
//! - Envelopes are signed over the DSSE pre-authentication encoding ([`sign_envelope`],
//!   [`countersign`]); [`verify_signature`] and [`signers`] are the one signature check the
//!   verifier uses (`verify_strict`).
//!
//! Nothing here decides trust: that is `sceau-verify`'s job. Nothing prints, reads the
//! terminal or the environment: passphrases come in through a callback.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod envelope;
mod error;
mod format;
mod kdf;
mod key_id;
mod pem;
mod public_key;
mod secret_file;
mod secret_key;

pub use envelope::{countersign, sign_envelope, signers, verify_signature};
pub use error::{BoxError, KeyError, SignError, MAX_KEY_TEXT_BYTES};
pub use format::KeyFormat;
pub use kdf::{KdfParams, MAX_SCRYPT_MEMORY_BYTES, MAX_SCRYPT_WORK};
pub use key_id::{KeyId, KeyIdParseError};
pub use public_key::{clean_comment, PublicKey};
pub use secret_key::{SecretKey, MAX_OPENSSH_KDF_ROUNDS};
