//! sceau signing: ed25519 key files and DSSE envelopes.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
