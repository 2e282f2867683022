//! Typed errors, one enum per operation (spec/oms.md §2–§9).
use std::path::PathBuf;

/// Why bytes are not a Sigstore bundle with a DSSE envelope (spec/oms.md §2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// Larger than the limit; not parsed.
    #[error("bundle is {len} bytes, over the limit of {max}")]
    TooLarge {
        /// Size of the input.
        len: usize,
        /// The limit ([`crate::MAX_BUNDLE_BYTES`]).
        max: usize,
    },
    /// Not one JSON value, or an object repeats a key.
    #[error("not JSON: {0}")]
    Json(String),
    /// A field holds the wrong JSON type.
    #[error("{path} must be {expected}")]
    WrongType {
        /// JSON path of the value.
        path: String,
        /// What it must be.
        expected: &'static str,
    },
    /// A required field is absent.
    #[error("{path} has no field {field:?}")]
    MissingField {
        /// JSON path of the object.
        path: String,
        /// The missing field.
        field: &'static str,
    },
    /// A field this reader does not know, in a message that allows none.
    #[error("{path} has an unknown field {field:?}")]
    UnknownField {
        /// JSON path of the object.
        path: String,
        /// The field's name as written.
        field: String,
    },
    /// One field given twice, once by its JSON name and once by its protobuf name.
    #[error("{path} gives field {field:?} twice (camelCase and snake_case)")]
    DuplicateField {
        /// JSON path of the object.
        path: String,
        /// The field's JSON name.
        field: String,
    },
    /// `mediaType` is not a Sigstore bundle media type this reader knows.
    #[error("unknown bundle media type {0:?}")]
    MediaType(String),
    /// `verificationMaterial` names no key, certificate or certificate chain, or several.
    #[error("verificationMaterial must hold exactly one of publicKey, x509CertificateChain, certificate; found {found:?}")]
    Material {
        /// The material fields present.
        found: Vec<&'static str>,
    },
    /// The bundle signs a message digest, not a DSSE envelope.
    #[error("the bundle holds a messageSignature, not a DSSE envelope")]
    NotDsse,
    /// A base64 field does not decode.
    #[error("{path} is not valid base64")]
    Base64 {
        /// JSON path of the field.
        path: String,
    },
    /// The envelope does not carry exactly one signature (the Sigstore bundle rule).
    #[error("the DSSE envelope has {0} signatures; a Sigstore bundle carries exactly one")]
    SignatureCount(usize),
    /// More entries than the limit in a list.
    #[error("{path} has {len} entries, over the limit of {max}")]
    TooMany {
        /// JSON path of the list.
        path: String,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A value is present but unusable (empty certificate, bad number…).
    #[error("{path}: {reason}")]
    Invalid {
        /// JSON path of the value.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The DSSE payload type is not in-toto, so the bundle is not an OMS bundle.
    #[error("DSSE payloadType is {0:?}, not application/vnd.in-toto+json")]
    PayloadType(String),
    /// The DSSE payload is not an OMS in-toto Statement.
    #[error("DSSE payload: {0}")]
    Statement(#[from] StatementError),
}

/// Why a DSSE payload is not an OMS in-toto Statement (spec/oms.md §3–§4).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StatementError {
    /// Larger than the limit; not parsed.
    #[error("payload is {len} bytes, over the limit of {max}")]
    TooLarge {
        /// Size of the payload.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not one JSON value, or an object repeats a key.
    #[error("not JSON: {0}")]
    Json(String),
    /// A field holds the wrong JSON type.
    #[error("{path} must be {expected}")]
    WrongType {
        /// JSON path of the value.
        path: String,
        /// What it must be.
        expected: &'static str,
    },
    /// A required field is absent.
    #[error("{path} has no field {field:?}")]
    MissingField {
        /// JSON path of the object.
        path: String,
        /// The missing field.
        field: &'static str,
    },
    /// A field that the format closes to extension.
    #[error("{path} has an unknown field {field:?}")]
    UnknownField {
        /// JSON path of the object.
        path: String,
        /// The field.
        field: String,
    },
    /// `_type` is not in-toto Statement v1.
    #[error("_type is {0:?}, not https://in-toto.io/Statement/v1")]
    StatementType(String),
    /// `predicateType` is neither OMS v1.0 nor the v0.2 layout.
    #[error("predicateType is {0:?}, not https://model_signing/signature/v1.0")]
    PredicateType(String),
    /// OMS v1.0 statements have exactly one subject.
    #[error("the statement has {0} subjects; OMS v1.0 has exactly one")]
    SubjectCount(usize),
    /// A digest is not lowercase hex of the algorithm's length.
    #[error("{path}: {value:?} is not a {algorithm} digest ({len} lowercase hex bytes)")]
    Digest {
        /// JSON path of the digest.
        path: String,
        /// The value as written (cut).
        value: String,
        /// The algorithm it must be.
        algorithm: &'static str,
        /// Bytes the digest must have.
        len: usize,
    },
    /// An unknown hash algorithm.
    #[error("{path}: unknown hash algorithm {value:?} (sha256, blake2b, blake3)")]
    HashAlgorithm {
        /// JSON path of the value.
        path: String,
        /// The value.
        value: String,
    },
    /// A resource's algorithm differs from `serialization.hash_type`.
    #[error(
        "resource {name:?} is hashed with {algorithm}, but serialization.hash_type is {hash_type}"
    )]
    AlgorithmMismatch {
        /// The resource.
        name: String,
        /// Its algorithm.
        algorithm: &'static str,
        /// The declared hash type.
        hash_type: &'static str,
    },
    /// An unknown serialization method.
    #[error("unknown serialization method {0:?} (files, shards)")]
    Method(String),
    /// `shard_size` is missing for shards, present for files, or not a positive integer.
    #[error("serialization.shard_size: {0}")]
    ShardSize(&'static str),
    /// A resource name is not a canonical relative POSIX path (spec/oms.md §4.2).
    #[error("resource name {name:?}: {reason}")]
    Name {
        /// The name as written (cut).
        name: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// Two resources with one name.
    #[error("resource {0:?} is listed twice")]
    DuplicateResource(String),
    /// An `ignore_paths` entry is unusable.
    #[error("serialization.ignore_paths entry {path:?}: {reason}")]
    IgnorePath {
        /// The entry.
        path: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// More entries than the limit.
    #[error("{path} has {len} entries, over the limit of {max}")]
    TooMany {
        /// JSON path of the list.
        path: String,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The subject's digest is not the root digest of the listed resources.
    #[error("subject digest {recorded} is not the root of the listed resources ({computed})")]
    RootMismatch {
        /// `subject[0].digest.sha256`.
        recorded: String,
        /// SHA-256 over the resources' digests in listed order.
        computed: String,
    },
    /// A string is empty where the format requires text.
    #[error("{0} must not be empty")]
    Empty(String),
}

/// Why a public key, certificate or trust root could not be read (spec/oms.md §6).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// No PEM block of the expected label.
    #[error("no PEM block labelled {0:?}")]
    NoPem(&'static str),
    /// More than one public key where one is expected.
    #[error("more than one PEM block labelled {0:?}")]
    SeveralPem(&'static str),
    /// A PEM block whose body is not base64.
    #[error("PEM block {0:?} is not valid base64")]
    PemBase64(&'static str),
    /// The input is larger than any key or certificate file.
    #[error("{what} is {len} bytes, over the limit of {max}")]
    TooLarge {
        /// What was read.
        what: &'static str,
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not a DER SubjectPublicKeyInfo.
    #[error("not a SubjectPublicKeyInfo: {0}")]
    Spki(String),
    /// A key of a type OMS does not sign with (spec: P-256, P-384, P-521 only).
    #[error("unsupported key: {0} (OMS keys are ECDSA P-256, P-384 or P-521)")]
    Unsupported(String),
    /// The curve point does not decode.
    #[error("invalid {curve} public key point")]
    Point {
        /// The curve.
        curve: &'static str,
    },
    /// A certificate that does not parse.
    #[error("certificate {index}: {reason}")]
    Certificate {
        /// Its position in the input (0-based).
        index: usize,
        /// Why.
        reason: String,
    },
    /// A trusted root that does not parse or has the wrong media type.
    #[error("trusted root: {0}")]
    TrustedRoot(String),
}

/// Why a bundle does not verify (spec/oms.md §6–§8).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The bundle was signed with another method than the one asked for.
    #[error("the bundle uses the {actual} method, not {expected}")]
    Method {
        /// The method asked for.
        expected: &'static str,
        /// The bundle's method.
        actual: &'static str,
    },
    /// `publicKey.hint` names another key than the one given.
    #[error("the bundle's key hint {bundle} does not match the given key ({given})")]
    KeyHint {
        /// `verificationMaterial.publicKey.hint`.
        bundle: String,
        /// The hint of the given key.
        given: String,
    },
    /// A pre-1.1 bundle embeds another public key than the one given.
    #[error("the bundle embeds another public key than the one given")]
    EmbeddedKey,
    /// The embedded key or a certificate's key is unusable.
    #[error("{0}")]
    Key(#[from] KeyError),
    /// The DSSE signature does not verify over the PAE.
    #[error("the DSSE signature does not verify with the {key} key")]
    Signature {
        /// Which key (curve and role).
        key: String,
    },
    /// The certificate chain does not lead to a given CA.
    #[error("certificate chain does not verify against the given CA certificates: {reason} (at depth {depth})")]
    Chain {
        /// OpenSSL's reason.
        reason: String,
        /// Position in the chain (0 = signing certificate).
        depth: u32,
    },
    /// The signing certificate may not sign code.
    #[error("the signing certificate has neither the digitalSignature key usage nor the codeSigning extended key usage")]
    KeyUsage,
    /// OpenSSL failed outside of verification.
    #[error("OpenSSL: {0}")]
    OpenSsl(String),
    /// The certificate's SAN is not the expected identity.
    #[error("certificate identity is {actual:?}, expected {expected:?}")]
    Identity {
        /// The expected SAN.
        expected: String,
        /// The SAN found.
        actual: Option<String>,
    },
    /// The certificate's OIDC issuer is not the expected one.
    #[error("certificate OIDC issuer is {actual:?}, expected {expected:?}")]
    Issuer {
        /// The expected issuer.
        expected: String,
        /// The issuer found.
        actual: Option<String>,
    },
    /// Sigstore verification failed (chain to Fulcio, SCT, Rekor entry, timestamps).
    #[error("Sigstore verification failed: {0}")]
    Sigstore(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Why a model folder could not be enumerated or hashed (spec/oms.md §5).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TreeError {
    /// An I/O error on a path.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A symbolic link while `allow_symlinks` is false.
    #[error("{0}: symbolic link (the signature was made without allow_symlinks)")]
    Symlink(PathBuf),
    /// A symbolic link that leads nowhere.
    #[error("{0}: dangling symbolic link")]
    DanglingSymlink(PathBuf),
    /// A FIFO, socket or device.
    #[error("{0}: not a regular file or directory")]
    SpecialFile(PathBuf),
    /// A name that is not UTF-8 cannot be named in a bundle.
    #[error("{0}: file name is not UTF-8")]
    NonUtf8Name(PathBuf),
    /// A file changed while it was hashed.
    #[error("{path}: changed while hashed ({what})")]
    Changed {
        /// The file.
        path: PathBuf,
        /// What changed.
        what: String,
    },
    /// More files or shards than the limit.
    #[error("the model has more than {0} files or shards")]
    TooManyFiles(usize),
    /// An ignore path given by the caller is unusable.
    #[error("ignore path {path:?}: {reason}")]
    IgnorePath {
        /// The entry.
        path: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// Neither a file nor a directory.
    #[error("{0}: the model must be a directory or a regular file")]
    NotAModel(PathBuf),
}

/// Why an OMS bundle could not be written (spec/oms.md §9).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The folder could not be enumerated or hashed.
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// Nothing to sign once ignores applied (OMS forbids an empty model).
    #[error("the model has no file to sign")]
    EmptyModel,
    /// The signer's public key is unusable.
    #[error("signer public key: {0}")]
    Key(#[from] KeyError),
    /// The signer failed.
    #[error("signing failed: {0}")]
    Signer(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The signature made does not verify with the signer's public key.
    #[error("the signer's signature does not verify with its public key")]
    SignatureCheck,
    /// The ignored paths to record (the default ones, the caller's, and every path the
    /// `--exclude` rules left out) pass what a reader accepts.
    #[error("{count} ignored paths to record, over the limit of {max} a reader accepts")]
    TooManyIgnores {
        /// Paths to record.
        count: usize,
        /// [`crate::MAX_IGNORE_PATHS`].
        max: usize,
    },
}

/// Why a DSSE envelope could not be packaged as a Sigstore bundle (spec/oms.md §10).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackageError {
    /// A Sigstore bundle carries exactly one signature.
    #[error("the envelope has {0} signatures; package each signature in its own bundle")]
    SignatureCount(usize),
    /// An empty key hint identifies nothing.
    #[error("the key hint must not be empty")]
    EmptyHint,
}
