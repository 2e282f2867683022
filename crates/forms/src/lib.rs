//! The forms regulators ask providers of general-purpose AI models for, filled from the
//! signed release record (spec/forms.md): the **Public Summary of Training Content** (AI Act
//! Art. 53(1)(d), Commission template C(2025) 8311) and the **Model Documentation Form** of
//! the GPAI Code of Practice, with one view per recipient (the AI Office, national competent
//! authorities, downstream providers).
//!
//! Every field carries its source: `verified` when derived from signed artifacts (the weight
//! headers, the `config.json` whose digest the record signs, the record's identity and file
//! digests, the verified lineage and the licence terms it passes down), `declared` when it is
//! a signed claim (spec/claims.md §1.3), `missing` with the claims keys that would fill it.
//! The field lists are data (`crates/forms/forms/*.toml`, [`catalogue`]): a correction of the
//! official wording is a data change.
//!
//! One call, [`fill`]: it verifies the record through [`sceau_pipeline::verify::verify`]
//! under the caller's trust (or reads it unverified when there is none, and then every
//! section says NOT VERIFIED), and answers every field. Nothing here prints, reads files or
//! the clock.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod answer;
pub mod catalogue;
pub mod config;
pub mod error;
mod evidence;
pub mod form;
pub mod numbers;
pub mod render;

use sceau_core::Timestamp;
use sceau_lineage::grant::GrantFile;
use sceau_lineage::WalkOptions;
use sceau_pipeline::verify::{self as pipeline, Request, TrustRoot, Verification};
use sceau_verify::record::read_unverified;
use sceau_verify::store::RecordSource;

pub use catalogue::{FieldList, FormKind, Recipient};
pub use error::{ConfigError, FieldListError, FormError};
pub use evidence::CONFIG_PATH;
pub use form::{Entry, Field, Form, RecordStatus, Section, Source, SCHEMA_VERSION};

use crate::answer::{answer, Ctx};
use crate::evidence::Evidence;
use crate::form::{Counts, FieldListInfo, ReleaseId, DISCLAIMER};

/// How to verify the record before filling the form: the same trust and lineage inputs as
/// `sceau verify` (spec/verify.md §2).
pub struct Verify<'a> {
    /// Whom to trust.
    pub trust: TrustRoot<'a>,
    /// The verification time.
    pub now: Timestamp,
    /// Where parent records are found; `None`: the lineage is not walked, and the
    /// dependencies are what the record says (spec/forms.md §4.3).
    pub ancestors: Option<&'a dyn RecordSource>,
    /// How the lineage is walked.
    pub walk: WalkOptions,
    /// Licence grants (spec/lineage.md §5.5).
    pub grants: &'a [GrantFile],
}

/// What to fill.
pub struct FillRequest<'a> {
    /// Which form.
    pub form: FormKind,
    /// The recipient view (model documentation form only); `None`: every field.
    pub recipient: Option<Recipient>,
    /// The record file's bytes.
    pub record: &'a [u8],
    /// How to verify it; `None`: read it without verifying (every section says NOT
    /// VERIFIED).
    pub verify: Option<Verify<'a>>,
    /// The bytes of the release folder's `config.json`, when given: used only when the
    /// record signs exactly these bytes (spec/forms.md §4.2).
    pub config: Option<&'a [u8]>,
}

/// The outcome.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Filled {
    /// The form, with the verification it stands on (`None` when not verified).
    Form {
        /// The form.
        form: Box<Form>,
        /// The verification.
        verification: Option<Box<Verification>>,
    },
    /// The record did not verify under the trust given: no form (the verification says why).
    RecordFailed(Box<Verification>),
}

/// Fills a form from a record (spec/forms.md §2).
pub fn fill(req: FillRequest<'_>) -> Result<Filled, FormError> {
    let list = FieldList::load(req.form)?;
    if req.recipient.is_some() && !req.form.has_recipients() {
        return Err(FormError::NoRecipients {
            form: req.form.as_str(),
        });
    }
    // Refuse what is not a record at all before verifying anything.
    let unverified = read_unverified(req.record).map_err(FormError::Record)?;
    let (mut ev, verification) = match req.verify {
        None => (Evidence::unverified(&unverified), None),
        Some(v) => {
            let ver = pipeline::verify(Request {
                ancestors: v.ancestors,
                walk: v.walk,
                grants: v.grants,
                ..Request::new(req.record, v.trust, v.now)
            });
            match Evidence::verified(&ver, v.ancestors) {
                Some(ev) => (ev, Some(Box::new(ver))),
                None => return Ok(Filled::RecordFailed(Box::new(ver))),
            }
        }
    };
    if let Some(bytes) = req.config {
        ev.with_config(bytes);
    }
    Ok(Filled::Form {
        form: Box::new(build(&list, &ev, req.recipient)),
        verification,
    })
}

/// Answers every field of `list` a recipient receives.
fn build(list: &FieldList, ev: &Evidence, recipient: Option<Recipient>) -> Form {
    let verified = matches!(ev.status, RecordStatus::Verified { .. });
    let cx = Ctx {
        ev,
        list,
        recipient,
    };
    let mut counts = Counts::default();
    let mut complete = true;
    let sections = list
        .sections
        .iter()
        .map(|sec| {
            let fields = list
                .fields
                .iter()
                .filter(|f| f.section == sec.id)
                .filter(|f| recipient.is_none_or(|r| f.recipients.contains(&r)))
                .map(|def| {
                    let a = answer(&cx, def);
                    let source = a.source();
                    match source {
                        Source::Verified => counts.verified += 1,
                        Source::Declared => counts.declared += 1,
                        Source::Missing => {
                            counts.missing += 1;
                            if def.optional {
                                counts.missing_optional += 1;
                            } else {
                                complete = false;
                            }
                        }
                    }
                    Field {
                        id: def.id.clone(),
                        reference: def.reference.clone(),
                        label: def.label.clone(),
                        asks: def.asks.clone(),
                        source,
                        answer: a.text,
                        entries: a.entries,
                        origin: if source == Source::Missing {
                            None
                        } else {
                            a.origin
                        },
                        claims_keys: def.claims.clone(),
                        note: a.note,
                        optional: def.optional,
                        recipients: def.recipients.clone(),
                        source_text: def.cites.clone(),
                    }
                })
                .collect();
            Section {
                id: sec.id.clone(),
                title: sec.title.clone(),
                verified,
                fields,
            }
        })
        .filter(|s: &Section| !s.fields.is_empty())
        .collect();
    Form {
        schema_version: SCHEMA_VERSION,
        form: list.form,
        title: list.title.clone(),
        recipient,
        verified,
        status: if verified { "verified" } else { "NOT VERIFIED" },
        verification: ev.status.clone(),
        release: ReleaseId {
            name: ev.release.name.clone(),
            version: ev.release.version.clone(),
            record_id: format!("sha256:{}", ev.record_id),
            signed_at: ev.signed_at.clone(),
        },
        field_list: FieldListInfo {
            version: list.version,
            basis: list.basis.clone(),
            sources: list.sources.clone(),
        },
        sections,
        counts,
        complete,
        passed: ev.passed,
        problems: ev.problems.clone(),
        disclaimer: DISCLAIMER,
    }
}

impl Form {
    /// The form as Markdown.
    pub fn to_markdown(&self) -> String {
        render::markdown::markdown(self)
    }

    /// The form as one self-contained, printable HTML page.
    pub fn to_html(&self) -> String {
        render::html::html(self)
    }
}

#[cfg(test)]
mod tests;
