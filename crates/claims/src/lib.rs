//! What a release claims, computed from its record rather than taken on trust: the Model
//! Openness Framework class and the OSI Open Source AI Definition items ([`openness`],
//! spec/claims.md §3), a published model card held against the record ([`card_check`],
//! spec/claims.md §5), and the regulatory documentation reports ([`ai_act`], spec/ai-act.md).
//!
//! Pure functions of a [`sceau_core::Release`] (and the datasets its verified ancestors
//! declare): no I/O, no cryptography, no hashing. Whether the record verified is the caller's
//! business (`sceau-pipeline`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod ai_act;
pub mod card_check;
pub mod computed;
pub mod openness;
