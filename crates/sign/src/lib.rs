//! sceau signing: key files and DSSE envelopes.
//!
//! - Keys ([`PublicKey`], [`SecretKey`], [`KeyId`], [`KeyAlgorithm`]) are Ed25519 or ECDSA
//!   P-256, P-384 and P-521. They are read from sceau's own formats and from OpenSSH, SPKI,
//!   PKCS#8 (plain and encrypted), SEC1, minisign and signify encodings, and from files of
//!   several keys ([`PublicKey::parse_list`]); every public key passes the load checks of
//!   `spec/keys.md` §1.2 (no weak, invalid or non-canonical keys) before it can be used.
//! - Envelopes are signed over the DSSE pre-authentication encoding ([`sign_envelope`],
//!   [`countersign`]); [`verify_signature`] and [`signers`] are the one signature check the
//!   verifier uses ([`PublicKey::verify`]).
//!
//! Nothing here decides trust: that is `sceau-verify`'s job. Nothing prints, reads the
//! terminal or the environment: passphrases come in through a callback.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod algorithm;
mod der;
mod envelope;
mod error;
mod format;
mod kdf;
mod key_id;
mod key_list;
mod minisign;
mod openssh;
mod pem;
mod pkcs8;
mod public_key;
mod public_parse;
mod sceau_line;
mod secret_file;
mod secret_key;
mod signify;
mod spki;
mod sslib;

pub use algorithm::{KeyAlgorithm, KeyAlgorithmParseError};
pub use envelope::{countersign, sign_envelope, signers, verify_signature};
pub use error::{BoxError, KeyError, SignError, MAX_KEY_TEXT_BYTES};
pub use format::KeyFormat;
pub use kdf::{KdfParams, MAX_SCRYPT_MEMORY_BYTES, MAX_SCRYPT_WORK};
pub use key_id::{KeyId, KeyIdParseError};
pub use key_list::{PublicKeyList, SkippedLine};
pub use pkcs8::MAX_PBKDF2_ITERATIONS;
pub use public_key::{clean_comment, PublicKey, MAX_SIGNATURE_BYTES};
pub use secret_key::{SecretKey, MAX_OPENSSH_KDF_ROUNDS};
