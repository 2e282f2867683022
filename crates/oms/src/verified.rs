//! What a successful verification proves, and how (spec/oms.md §6–§8).
use std::fmt;

use crate::key::Curve;
use crate::statement::OmsStatement;

/// Which pre-authentication encoding the signature covered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaeEncoding {
    /// DSSE v1 PAE.
    Dsse,
    /// `model_signing` 0.2's mistaken encoding (spec/oms.md §6.3), with SHA-256 or the
    /// curve's own hash.
    LegacyV0_2 {
        /// True when the message hash was SHA-256 rather than the curve's.
        sha256: bool,
    },
}

/// The signer, as verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifiedSigner {
    /// A key the caller trusted.
    Key {
        /// Its hint (hex SHA-256 of its SPKI PEM).
        hint: String,
        /// Its curve.
        curve: Curve,
    },
    /// A certificate chaining to a CA the caller trusted.
    Certificate {
        /// Subject of the signing certificate.
        subject: String,
        /// Subjects of the verified path, signing certificate first, trust anchor last.
        chain: Vec<String>,
        /// The instant the chain was checked at, seconds since the epoch.
        checked_at: i64,
        /// The signing key's curve.
        curve: Curve,
    },
    /// A Fulcio certificate for an identity, logged in Rekor (Sigstore keyless).
    Sigstore {
        /// The certificate's SAN, equal to the identity asked for.
        identity: String,
        /// The OIDC issuer, equal to the one asked for.
        issuer: String,
        /// The earliest verified integrated time of a Rekor entry, seconds since the epoch.
        integrated_time: Option<i64>,
        /// Every verified signing time (Rekor SETs and RFC 3161 timestamps).
        verified_times: Vec<i64>,
    },
}

/// One check that passed, for the verification report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// The media type was recognised.
    MediaType(&'static str),
    /// The DSSE payload is an OMS statement whose subject digest is the root of its resources.
    Statement,
    /// `publicKey.hint` equals the given key's hint.
    KeyHint,
    /// A pre-1.1 bundle embeds the given key (no hint to compare).
    EmbeddedKey,
    /// A pre-1.1 bundle names no key; the given key verified the signature.
    NoKeyNamed,
    /// The signature verifies over the PAE.
    Signature(PaeEncoding),
    /// The chain leads to a given CA, every certificate valid at the instant.
    ChainToCa {
        /// Certificates in the verified path.
        depth: usize,
    },
    /// The signing certificate may sign (digitalSignature or codeSigning).
    KeyUsage,
    /// The Fulcio chain leads to a certificate authority of the trusted root, valid at every
    /// verified signing time, with the code-signing usage.
    FulcioChain,
    /// The certificate's signed certificate timestamp verifies under a CT log of the root.
    Sct,
    /// Rekor inclusion (proof and signed checkpoint, or signed entry timestamp) verifies
    /// under a log key of the root, and the entry describes this envelope.
    Transparency,
    /// The certificate's SAN and OIDC issuer equal the ones asked for.
    Identity,
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Check::MediaType(m) => write!(f, "media type {m}"),
            Check::Statement => f.write_str("OMS statement, subject digest = root of resources"),
            Check::KeyHint => f.write_str("key hint matches the given key"),
            Check::EmbeddedKey => f.write_str("embedded key is the given key"),
            Check::NoKeyNamed => f.write_str("bundle names no key (pre-1.1); given key used"),
            Check::Signature(PaeEncoding::Dsse) => f.write_str("DSSE signature over the PAE"),
            Check::Signature(PaeEncoding::LegacyV0_2 { sha256 }) => write!(
                f,
                "signature over model_signing 0.2's encoding ({})",
                if *sha256 { "SHA-256" } else { "curve hash" }
            ),
            Check::ChainToCa { depth } => write!(f, "chain of {depth} to a given CA"),
            Check::KeyUsage => f.write_str("signing certificate may sign"),
            Check::FulcioChain => f.write_str("Fulcio chain to the trusted root"),
            Check::Sct => f.write_str("signed certificate timestamp"),
            Check::Transparency => f.write_str("Rekor entry included and consistent"),
            Check::Identity => f.write_str("identity and OIDC issuer match"),
        }
    }
}

/// A statement whose signature verified: its manifest may be compared with a folder
/// ([`crate::compare_tree`]).
#[derive(Clone, Debug)]
pub struct VerifiedOmsStatement {
    pub(crate) statement: OmsStatement,
    pub(crate) signer: VerifiedSigner,
    pub(crate) checks: Vec<Check>,
}

impl VerifiedOmsStatement {
    /// The verified statement.
    pub fn statement(&self) -> &OmsStatement {
        &self.statement
    }

    /// Who signed it.
    pub fn signer(&self) -> &VerifiedSigner {
        &self.signer
    }

    /// The checks that passed, in order.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }
}
