//! The filled form as a document for people: Markdown ([`markdown`]) and one self-contained,
//! printable HTML page ([`html`]) (spec/forms.md §6). Both say NOT VERIFIED at the top and in
//! every section of a form filled from a record that was not verified, and the HTML page
//! repeats it on every printed page. Every text from the record is escaped by the writer
//! that prints it.
use crate::catalogue::Recipient;
use crate::form::{Field, Form, RecordStatus, Source};

pub mod html;
pub mod markdown;

/// The warning every section of an unverified form carries.
pub const NOT_VERIFIED: &str = "NOT VERIFIED: the record's signatures were not checked, so every answer is only what the record says. Pass --key or --policy to verify it first.";

/// The verification line under the title.
fn verification_line(f: &Form) -> String {
    match &f.verification {
        RecordStatus::NotVerified => NOT_VERIFIED.to_owned(),
        RecordStatus::Verified { trust, signers } => format!(
            "Record verified under {trust}; signed by {}.",
            signers.join(", ")
        ),
    }
}

/// The facts under the title, as (label, text, code) lines.
fn facts(f: &Form) -> Vec<(String, String, Option<String>)> {
    let mut v = vec![(
        "Form".to_owned(),
        format!("{} (field list version {})", f.title, f.field_list.version),
        Some(f.form.as_str().to_owned()),
    )];
    if f.form.has_recipients() {
        v.push((
            "Recipient".to_owned(),
            match f.recipient {
                Some(r) => format!("{} (only the fields they receive)", r.label()),
                None => "every recipient (each field names who receives it)".to_owned(),
            },
            None,
        ));
    }
    v.push((
        "Record".to_owned(),
        String::new(),
        Some(f.release.record_id.clone()),
    ));
    if let Some(t) = &f.release.signed_at {
        v.push(("Signed at".to_owned(), t.clone(), None));
    }
    let c = &f.counts;
    v.push((
        "Answers".to_owned(),
        format!(
            "{} verified, {} declared, {} missing ({} of them optional){}",
            c.verified,
            c.declared,
            c.missing,
            c.missing_optional,
            if f.complete { "; complete" } else { "" }
        ),
        None,
    ));
    v
}

/// "verified", "declared" or "missing", with where from, for people.
fn source_words(field: &Field) -> String {
    match (&field.source, &field.origin) {
        (Source::Missing, _) => "missing".to_owned(),
        (s, Some(o)) => format!("{} ({o})", s.as_str()),
        (s, None) => s.as_str().to_owned(),
    }
}

fn recipients(rs: &[Recipient]) -> String {
    rs.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")
}
