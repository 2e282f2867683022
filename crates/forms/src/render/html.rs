//! The filled form as one self-contained HTML page: no script, no external resource (a
//! Content-Security-Policy forbids loading anything), printable. Each section is a table with
//! a fixed layout whose cells wrap long words (digests, URLs), so that no text overflows its
//! box; on paper a form from an unverified record repeats its NOT VERIFIED banner on every
//! page (the header of a frame table around the page), and every section carries it too.
use std::fmt::Write as _;

use super::{facts, recipients, verification_line};
use crate::form::{Form, Source};

/// Text escaped for HTML; control characters other than line breaks become spaces.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push('\n'),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A link target: only http(s) URLs (what claims allow) become links.
fn href(url: &str) -> Option<String> {
    (url.starts_with("https://") || url.starts_with("http://")).then(|| esc(url))
}

const STYLE: &str = "\
*{box-sizing:border-box}\n\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:62em;padding:0 1em;color:#222;line-height:1.4}\n\
h1{font-size:1.5em;overflow-wrap:anywhere}\n\
h2{font-size:1.2em;margin-top:1.6em;break-after:avoid}\n\
table{border-collapse:collapse;width:100%;table-layout:fixed;margin-bottom:1.2em}\n\
col.n{width:4.2em}col.f{width:27%}col.s{width:21%}\n\
th,td{border:1px solid #bbb;padding:.35em .5em;vertical-align:top;text-align:left;overflow-wrap:anywhere;word-break:break-word}\n\
th{background:#f0f0f0}\n\
tr{break-inside:avoid}\n\
td p{margin:0 0 .3em}\n\
ul{margin:.2em 0;padding-left:1.2em}\n\
code{font-size:.9em;overflow-wrap:anywhere;word-break:break-all}\n\
small,.meta{color:#555;font-size:.85em}\n\
td.src b{display:inline-block;padding:0 .3em;border-radius:.2em;white-space:nowrap;overflow-wrap:normal;word-break:normal}\n\
tr.verified td.src b{background:#cdeccd}\n\
tr.declared td.src b{background:#d9e3fb}\n\
tr.missing td.src b{background:#f7d0d0}\n\
.warn{border:2px solid #c00;padding:.5em;font-weight:bold;color:#900;background:#fff}\n\
.ok{border:1px solid #393;padding:.5em;color:#264}\n\
table.frame{table-layout:auto;margin:0}\n\
table.frame>*>tr>td{border:0;padding:0}\n\
thead.print-banner{display:none}\n\
@page{margin:1.5cm}\n\
@media print{body{margin:0;max-width:none;padding:0}thead.print-banner{display:table-header-group}thead.print-banner .warn{font-size:.8em;padding:.2em .5em;margin-bottom:.4em}}\n\
@media (max-width:40em){body{padding:0 .3em;margin:1em auto}col.n{width:2.6em}col.f{width:30%}col.s{width:27%}th,td{padding:.25em .3em}}\n";

/// The form as one HTML page.
pub fn html(f: &Form) -> String {
    let title = format!("{}: {} {}", f.title, f.release.name, f.release.version);
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n\
         <body data-form=\"{}\" data-verified=\"{}\" data-schema-version=\"{}\">\n",
        esc(&title),
        f.form.as_str(),
        f.verified,
        f.schema_version
    );
    // An unverified form is laid out in one frame table whose header is the warning: on
    // paper a table header repeats at the top of every page, without covering any text (a
    // fixed element would).
    if !f.verified {
        let _ = writeln!(
            s,
            "<table class=\"frame\"><thead class=\"print-banner\"><tr><td><div class=\"warn\">{}</div></td></tr></thead>\n<tbody><tr><td>",
            esc(super::NOT_VERIFIED)
        );
    }
    let _ = writeln!(s, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(
        s,
        "<p class=\"{}\">{}</p>",
        if f.verified { "ok" } else { "warn" },
        esc(&verification_line(f))
    );
    let _ = writeln!(s, "<ul class=\"facts\">");
    for (label, text, c) in facts(f) {
        let c = c
            .map(|c| format!(" <code>{}</code>", esc(&c)))
            .unwrap_or_default();
        let _ = writeln!(s, "<li><b>{}:</b> {}{c}</li>", esc(&label), esc(&text));
    }
    let _ = writeln!(
        s,
        "</ul>\n<p class=\"meta\">{}</p>",
        esc(&f.field_list.basis)
    );
    if !f.problems.is_empty() {
        let _ = writeln!(s, "<h2>Problems</h2>\n<ul class=\"problems\">");
        for p in &f.problems {
            let _ = writeln!(s, "<li>{}</li>", esc(p));
        }
        let _ = writeln!(s, "</ul>");
    }
    for sec in &f.sections {
        let _ = writeln!(
            s,
            "<section id=\"s{}\" data-verified=\"{}\">\n<h2>{} {}</h2>",
            esc(&sec.id),
            sec.verified,
            esc(&sec.id),
            esc(&sec.title)
        );
        if !sec.verified {
            let _ = writeln!(s, "<p class=\"warn\">{}</p>", esc(super::NOT_VERIFIED));
        }
        let _ = writeln!(
            s,
            "<table>\n<colgroup><col class=\"n\"><col class=\"f\"><col class=\"a\"><col class=\"s\"></colgroup>\n\
             <thead><tr><th>No.</th><th>Field</th><th>Answer</th><th>Source</th></tr></thead>\n<tbody>"
        );
        for field in &sec.fields {
            let src = field.source.as_str();
            let mut answer = String::new();
            match &field.answer {
                Some(a) => {
                    for para in a.split('\n').filter(|p| !p.trim().is_empty()) {
                        let _ = write!(answer, "<p>{}</p>", esc(para));
                    }
                }
                None if field.source == Source::Missing => {
                    answer.push_str("<p><i>Missing.</i></p>")
                }
                None => {}
            }
            if !field.entries.is_empty() {
                answer.push_str("<ul>");
                for e in &field.entries {
                    match e.link.as_deref().and_then(href) {
                        Some(h) if e.link.as_deref() == Some(e.text.as_str()) => {
                            let _ = write!(answer, "<li><a href=\"{h}\">{h}</a></li>");
                        }
                        Some(h) => {
                            let _ = write!(
                                answer,
                                "<li>{}: <a href=\"{h}\">{h}</a></li>",
                                esc(&e.text)
                            );
                        }
                        None => {
                            let _ = write!(answer, "<li>{}</li>", esc(&e.text));
                        }
                    }
                }
                answer.push_str("</ul>");
            }
            if let Some(n) = &field.note {
                let _ = write!(answer, "<p class=\"meta\">Note: {}</p>", esc(n));
            }
            let mut source = format!("<b>{src}</b>");
            match (&field.source, &field.origin) {
                (Source::Missing, _) => {
                    if field.claims_keys.is_empty() {
                        source.push_str("<br><small>no claim can fill it</small>");
                    } else {
                        let keys: Vec<String> = field
                            .claims_keys
                            .iter()
                            .map(|k| format!("<code>{}</code>", esc(k)))
                            .collect();
                        let _ = write!(source, "<br><small>claims: {}</small>", keys.join(", "));
                    }
                    if field.optional {
                        source.push_str("<br><small>optional</small>");
                    }
                }
                (_, Some(o)) => {
                    let _ = write!(source, "<br><small>{}</small>", esc(o));
                }
                _ => {}
            }
            let mut label = format!(
                "{}<br><small><code>{}</code> · {}</small>",
                esc(&field.label),
                esc(&field.id),
                esc(&field.source_text.join(", "))
            );
            if !field.recipients.is_empty() {
                let _ = write!(
                    label,
                    "<br><small>for {}</small>",
                    esc(&recipients(&field.recipients))
                );
            }
            let _ = writeln!(
                s,
                "<tr id=\"f-{}\" class=\"{src}\" data-field=\"{}\" data-source=\"{src}\"><td>{}</td><td>{label}</td><td>{answer}</td><td class=\"src\">{source}</td></tr>",
                esc(&field.id),
                esc(&field.id),
                esc(&field.reference)
            );
        }
        let _ = writeln!(s, "</tbody>\n</table>\n</section>");
    }
    let _ = writeln!(s, "<h2>Sources</h2>\n<ul class=\"sources\">");
    for src in &f.field_list.sources {
        let mut line = format!("<code>{}</code>: {}", esc(&src.id), esc(&src.citation));
        if let Some(h) = src.url.as_deref().and_then(href) {
            let _ = write!(line, ", <a href=\"{h}\">{h}</a>");
        }
        if let Some(n) = &src.note {
            let _ = write!(line, " ({})", esc(n));
        }
        let _ = writeln!(s, "<li>{line}</li>");
    }
    let _ = writeln!(
        s,
        "</ul>\n<p class=\"meta\"><i>{}</i></p>",
        esc(f.disclaimer)
    );
    if !f.verified {
        s.push_str("</td></tr></tbody></table>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}
