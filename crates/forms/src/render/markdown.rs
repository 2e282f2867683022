//! The filled form as Markdown: a title, the verification line, the facts, then one `##`
//! heading per section (each with the NOT VERIFIED warning when it applies) and one `###`
//! heading per field with its answer, its source and the claims keys that fill it.
use std::fmt::Write as _;

use super::{facts, recipients, source_words, verification_line};
use crate::form::{Form, Source};

/// Text made safe for Markdown and terminals: control characters become spaces, Markdown
/// punctuation is escaped.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push(' '),
            c if c.is_control() => out.push(' '),
            '|' | '\\' | '`' | '*' | '_' | '<' | '>' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Code spans hold ids, keys and digests only (no backquote).
fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'"))
}

/// A link target: claims links have no whitespace or controls (spec/claims.md §2.1);
/// parentheses are escaped so the link cannot end early.
fn target(url: &str) -> String {
    url.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .map(|c| match c {
            '(' => "%28".to_owned(),
            ')' => "%29".to_owned(),
            '<' => "%3C".to_owned(),
            '>' => "%3E".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// The form as Markdown.
pub fn markdown(f: &Form) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {}: {} {}\n",
        md(&f.title),
        md(&f.release.name),
        md(&f.release.version)
    );
    if f.verified {
        let _ = writeln!(s, "> {}\n", md(&verification_line(f)));
    } else {
        let _ = writeln!(s, "> **{}**\n", md(&verification_line(f)));
    }
    for (label, text, c) in facts(f) {
        let c = c.map(|c| format!(" {}", code(&c))).unwrap_or_default();
        let _ = writeln!(s, "- {}: {}{c}", md(&label), md(&text));
    }
    let _ = writeln!(s, "\n{}\n", md(&f.field_list.basis));
    if !f.problems.is_empty() {
        let _ = writeln!(s, "## Problems\n");
        for p in &f.problems {
            let _ = writeln!(s, "- {}", md(p));
        }
        s.push('\n');
    }
    for sec in &f.sections {
        let _ = writeln!(s, "## {} {}\n", md(&sec.id), md(&sec.title));
        if !sec.verified {
            let _ = writeln!(s, "> **{}**\n", md(super::NOT_VERIFIED));
        }
        for field in &sec.fields {
            let _ = writeln!(s, "### {} {}\n", md(&field.reference), md(&field.label));
            match &field.answer {
                Some(a) => {
                    let _ = writeln!(s, "{}\n", md(a));
                }
                None if field.source == Source::Missing => {
                    let _ = writeln!(s, "_Missing._\n");
                }
                None => {}
            }
            if !field.entries.is_empty() {
                for e in &field.entries {
                    match &e.link {
                        Some(l) => {
                            let t = target(l);
                            if *l == e.text {
                                let _ = writeln!(s, "- [{}]({t})", md(&t));
                            } else {
                                let _ = writeln!(s, "- {}: [{}]({t})", md(&e.text), md(&t));
                            }
                        }
                        None => {
                            let _ = writeln!(s, "- {}", md(&e.text));
                        }
                    }
                }
                s.push('\n');
            }
            let mut meta = format!("Source: **{}**.", md(&source_words(field)));
            if field.source == Source::Missing {
                let keys: Vec<String> = field.claims_keys.iter().map(|k| code(k)).collect();
                if keys.is_empty() {
                    meta.push_str(" No claim can fill it: the record must show it.");
                } else {
                    let _ = write!(meta, " Fill it in the claims file: {}.", keys.join(", "));
                }
                if field.optional {
                    meta.push_str(" Optional.");
                }
            }
            if let Some(n) = &field.note {
                let _ = write!(meta, " Note: {}.", md(n.trim_end_matches('.')));
            }
            if !field.recipients.is_empty() {
                let _ = write!(meta, " For {}.", md(&recipients(&field.recipients)));
            }
            let _ = writeln!(
                s,
                "{meta} Field {}; source text: {}.\n",
                code(&field.id),
                md(&field.source_text.join(", "))
            );
        }
    }
    let _ = writeln!(s, "## Sources\n");
    for src in &f.field_list.sources {
        let mut line = format!("- {}: {}", code(&src.id), md(&src.citation));
        if let Some(u) = &src.url {
            let _ = write!(line, ", <{}>", target(u));
        }
        if let Some(n) = &src.note {
            let _ = write!(line, " ({})", md(n));
        }
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(s, "\n_{}_", md(f.disclaimer));
    s
}
