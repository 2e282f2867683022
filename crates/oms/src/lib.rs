//! OpenSSF Model Signing (OMS) for sceau: read every bundle `model_signing` has written,
//! verify the `key`, `certificate` and `sigstore` (keyless) methods offline, recompute a model
//! folder's manifest and root digest exactly as OMS defines them, write `key`-method bundles
//! that `model_signing verify key` accepts, and package sceau's own DSSE records as Sigstore
//! bundles (spec/oms.md).
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use sceau_oms::{compare_tree, verify_key, Bundle, OmsPublicKey, TreeOptions};
//! let bundle = Bundle::from_json(&std::fs::read("model/model.sig")?)?;
//! let key = OmsPublicKey::from_pem(&std::fs::read("signer.pub.pem")?)?;
//! let verified = verify_key(&bundle, &key)?;
//! let opts = TreeOptions { signature: Some("model/model.sig".into()), ..TreeOptions::default() };
//! let cmp = compare_tree(&verified, "model".as_ref(), &opts)?;
//! assert!(cmp.is_match(), "{:?}", cmp.modified);
//! # Ok(()) }
//! ```
//!
//! Nothing here prints or reads the network; clocks and trust roots are the caller's.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bundle;
mod cert;
mod crypto_provider;
mod error;
mod ignore;
mod json;
mod key;
mod pae_compat;
mod path;
mod pem;
mod predicate;
mod root;
mod sigstore_bundle;
mod statement;
mod summary;
mod tree;
mod verified;
mod verify_certificate;
mod verify_key;
mod verify_keyless;
mod write;

pub use bundle::Bundle;
pub use cert::CertificateInfo;
pub use error::{
    BundleError, KeyError, PackageError, StatementError, TreeError, VerifyError, WriteError,
};
pub use ignore::GIT_PATHS;
pub use key::{Curve, OmsPublicKey, SignatureHash};
pub use path::{posix_cmp, ModelPath};
pub use predicate::{
    HashType, Method, Predicate, Resource, ResourceName, Serialization, DEFAULT_SHARD_SIZE,
    MAX_IGNORE_PATHS, MAX_RESOURCES,
};
pub use root::{sort_posix, ResourceOrder, RootDigest};
pub use sigstore_bundle::{
    from_sigstore_bundle, single_signature_envelopes, to_sigstore_bundle, DsseEnvelope, FormatNote,
    KeyId, Material, MediaType, PublicKeyMaterial, SigningMethod, SigstoreBundle, TlogEntry,
    MAX_BUNDLE_BYTES, MAX_BUNDLE_ENTRIES, MEDIA_TYPE_V0_3,
};
pub use statement::{
    Layout, OmsStatement, MAX_PAYLOAD_BYTES, PREDICATE_TYPE, PREDICATE_TYPE_V0_1, STATEMENT_TYPE,
};
pub use summary::{BundleSummary, SignerClaim};
pub use tree::{compare_tree, FileDigest, Modified, TreeComparison, TreeOptions};
pub use verified::{Check, PaeEncoding, VerifiedOmsStatement, VerifiedSigner};
pub use verify_certificate::{
    verify_certificate, CaCertificates, CertificateTime, MAX_CA_CERTIFICATES,
};
pub use verify_key::verify_key;
pub use verify_keyless::{
    verify_keyless, Identity, TrustedRoot, MAX_TRUSTED_ROOT_BYTES, TRUSTED_ROOT_MEDIA_TYPE,
};
pub use write::{write_key_bundle, PaeSigner, WriteOptions, WrittenBundle};
