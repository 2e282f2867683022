//! The AI Act report as a document (headings, notes, fact lists, tables), built once and written
//! as Markdown or as one HTML page (spec/ai-act.md §5). Every text from the record is escaped by
//! the writer that prints it.
use std::fmt::Write as _;

use super::{AiActReport, RecordStatus, SystemicRisk};

/// One block of the document.
enum Block {
    /// The page title.
    Title(String),
    /// A paragraph that stands out; `warn` when the record is not verified.
    Note { warn: bool, text: String },
    /// A list of plain lines; the `code` part of a line is shown as code.
    Facts(Vec<(String, Option<String>)>),
    /// A section heading, with an anchor and a CSS class in HTML.
    Heading {
        text: String,
        id: Option<&'static str>,
        class: Option<&'static str>,
    },
    /// A paragraph.
    Para(String),
    /// A table; each cell is a list of parts (`; ` in Markdown, line breaks in HTML), and an
    /// empty cell prints `-`.
    Table {
        head: &'static [&'static str],
        rows: Vec<Row>,
    },
    /// A bulleted list; the optional first part is bold.
    List(Vec<(Option<String>, String)>),
    /// A closing paragraph in italics.
    Small(String),
}

struct Row {
    id: Option<&'static str>,
    class: &'static str,
    cells: Vec<Vec<String>>,
}

fn one(s: impl Into<String>) -> Vec<String> {
    vec![s.into()]
}

fn verification_line(r: &AiActReport) -> String {
    match &r.verification {
        RecordStatus::NotVerified => "record NOT VERIFIED: this report shows what the record claims; pass --key or --policy to verify it first".into(),
        RecordStatus::Verified { trust, signers } => {
            format!("record verified under {trust}; signed by {}", signers.join(", "))
        }
    }
}

/// The report as blocks, in reading order.
fn document(r: &AiActReport) -> Vec<Block> {
    let rel = &r.release;
    let mut d = vec![
        Block::Title(format!(
            "EU AI Act documentation report: {} {}",
            rel.name, rel.version
        )),
        Block::Note {
            warn: !r.verified,
            text: verification_line(r),
        },
    ];
    let mut facts = vec![
        (format!("Regulation: {}", r.regulation), None),
        ("Record: ".to_owned(), Some(rel.record_id.clone())),
    ];
    if let Some(t) = &rel.signed_at {
        facts.push((format!("Signed at: {t}"), None));
    }
    facts.push((
        format!(
            "Systemic risk: {}",
            match r.systemic_risk {
                SystemicRisk::NotDeclared => "not declared",
                SystemicRisk::Declared => "declared (Annex XI Section 2 included; no exemption)",
            }
        ),
        None,
    ));
    let ss = &r.summary;
    facts.push((
        format!(
            "Items: {} covered, {} partial, {} missing, {} waived",
            ss.covered, ss.partial, ss.missing, ss.waived
        ),
        None,
    ));
    d.push(Block::Facts(facts));

    let ex = &r.open_source_exemption;
    d.push(Block::Heading {
        text: format!(
            "Open-source exemption (Art. 53(2)): {}",
            if ex.applies {
                "applies, waives Art. 53(1)(a) and (b)"
            } else {
                "does not apply"
            }
        ),
        id: None,
        class: None,
    });
    d.push(Block::Table {
        head: &["condition", "met", "evidence"],
        rows: ex
            .conditions
            .iter()
            .map(|c| Row {
                id: None,
                class: if c.met { "covered" } else { "missing" },
                cells: vec![
                    one(c.text),
                    one(if c.met { "yes" } else { "no" }),
                    one(c.evidence.clone()),
                ],
            })
            .collect(),
    });
    d.push(Block::Para(ex.note.to_owned()));

    for o in &r.obligations {
        d.push(Block::Heading {
            text: format!(
                "{}: {}{}",
                o.reference,
                o.status.as_str(),
                if o.waived {
                    " (waived by the open-source exemption)"
                } else {
                    ""
                }
            ),
            id: Some(o.id),
            class: o.waived.then_some("waived"),
        });
        d.push(Block::Para(o.title.to_owned()));
        d.push(Block::Table {
            head: &[
                "item",
                "requirement",
                "status",
                "evidence in the record",
                "missing",
            ],
            rows: o
                .items
                .iter()
                .map(|i| Row {
                    id: Some(i.id),
                    class: i.status.as_str(),
                    cells: vec![
                        one(i.reference),
                        one(i.title),
                        one(i.status.as_str()),
                        i.evidence.clone(),
                        i.missing.iter().cloned().collect(),
                    ],
                })
                .collect(),
        });
    }

    d.push(Block::Heading {
        text: "What is missing".into(),
        id: None,
        class: None,
    });
    d.push(Block::List(if r.gaps.is_empty() {
        vec![(
            None,
            "Nothing: every item of the obligations that apply is covered.".into(),
        )]
    } else {
        r.gaps
            .iter()
            .map(|g| {
                (
                    Some(g.reference.to_owned()),
                    format!("({}): {}", g.status.as_str(), g.missing),
                )
            })
            .collect()
    }));
    d.push(Block::Heading {
        text: "Sources".into(),
        id: None,
        class: None,
    });
    d.push(Block::List(
        r.sources.iter().map(|s| (None, (*s).to_owned())).collect(),
    ));
    d.push(Block::Small(r.disclaimer.to_owned()));
    d
}

/// Text made safe for Markdown (table cells included) and terminals: control characters
/// dropped, `|` and Markdown punctuation escaped.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if c.is_control() => out.push(' '),
            '|' | '\\' | '`' | '*' | '_' | '<' | '>' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text escaped for HTML.
fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn cell(parts: &[String], esc: fn(&str) -> String, sep: &str) -> String {
    if parts.is_empty() {
        return "-".into();
    }
    parts.iter().map(|p| esc(p)).collect::<Vec<_>>().join(sep)
}

/// The report as Markdown.
pub(super) fn markdown(r: &AiActReport) -> String {
    let mut s = String::new();
    for b in document(r) {
        let _ = match b {
            Block::Title(t) => writeln!(s, "# {}\n", md(&t)),
            Block::Note { warn: true, text } => writeln!(s, "> **{}**\n", md(&text)),
            Block::Note { warn: false, text } => writeln!(s, "> {}\n", md(&text)),
            Block::Facts(lines) => {
                for (text, code) in lines {
                    let code = code.map(|c| format!("`{}`", md(&c))).unwrap_or_default();
                    let _ = writeln!(s, "- {}{code}", md(&text));
                }
                writeln!(s)
            }
            Block::Heading { text, .. } => writeln!(s, "## {}\n", md(&text)),
            Block::Para(t) => writeln!(s, "{}\n", md(&t)),
            Block::Table { head, rows } => {
                let _ = writeln!(s, "| {} |", head.join(" | "));
                let _ = writeln!(s, "|{}", "---|".repeat(head.len()));
                for row in rows {
                    let cells: Vec<String> = row.cells.iter().map(|c| cell(c, md, "; ")).collect();
                    let _ = writeln!(s, "| {} |", cells.join(" | "));
                }
                writeln!(s)
            }
            Block::List(items) => {
                for (bold, text) in items {
                    let bold = bold.map(|b| format!("**{}** ", md(&b))).unwrap_or_default();
                    let _ = writeln!(s, "- {bold}{}", md(&text));
                }
                writeln!(s)
            }
            Block::Small(t) => writeln!(s, "_{}_", md(&t)),
        };
    }
    s
}

/// The report as one self-contained HTML page (no scripts, no external resources; the
/// Content-Security-Policy forbids loading anything).
pub(super) fn html_page(r: &AiActReport) -> String {
    let doc = document(r);
    let title = match doc.first() {
        Some(Block::Title(t)) => html(t),
        _ => String::new(),
    };
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{title}</title>\n<style>\n\
         body{{font-family:system-ui,sans-serif;margin:2em;max-width:80em;color:#222}}\n\
         table{{border-collapse:collapse;width:100%;margin-bottom:1.5em}}\n\
         th,td{{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}}\n\
         th{{background:#f3f3f3}}\n\
         .covered{{background:#e3f6e3}} .partial{{background:#fff4d6}} .missing{{background:#fbe3e3}}\n\
         .warn{{border:2px solid #c00;padding:.5em;font-weight:bold;color:#900}}\n\
         .waived{{color:#777}}\n</style>\n</head>\n<body>\n"
    );
    for b in doc {
        let _ = match b {
            Block::Title(t) => writeln!(s, "<h1>{}</h1>", html(&t)),
            Block::Note { warn, text } => writeln!(
                s,
                "<p class=\"{}\">{}</p>",
                if warn { "warn" } else { "ok" },
                html(&text)
            ),
            Block::Facts(lines) => {
                let _ = writeln!(s, "<ul>");
                for (text, code) in lines {
                    let code = code
                        .map(|c| format!("<code>{}</code>", html(&c)))
                        .unwrap_or_default();
                    let _ = writeln!(s, "<li>{}{code}</li>", html(&text));
                }
                writeln!(s, "</ul>")
            }
            Block::Heading { text, id, class } => writeln!(
                s,
                "<h2{}{}>{}</h2>",
                id.map(|i| format!(" id=\"{}\"", html(i)))
                    .unwrap_or_default(),
                class.map(|c| format!(" class=\"{c}\"")).unwrap_or_default(),
                html(&text)
            ),
            Block::Para(t) => writeln!(s, "<p>{}</p>", html(&t)),
            Block::Table { head, rows } => {
                let _ = writeln!(
                    s,
                    "<table>\n<tr>{}</tr>",
                    head.iter()
                        .map(|h| format!("<th>{h}</th>"))
                        .collect::<String>()
                );
                for row in rows {
                    let id = row
                        .id
                        .map(|i| format!(" id=\"{}\"", html(i)))
                        .unwrap_or_default();
                    let cells: String = row
                        .cells
                        .iter()
                        .map(|c| format!("<td>{}</td>", cell(c, html, "<br>")))
                        .collect();
                    let _ = writeln!(s, "<tr{id} class=\"{}\">{cells}</tr>", row.class);
                }
                writeln!(s, "</table>")
            }
            Block::List(items) => {
                let _ = writeln!(s, "<ul>");
                for (bold, text) in items {
                    let bold = bold
                        .map(|b| format!("<b>{}</b> ", html(&b)))
                        .unwrap_or_default();
                    let _ = writeln!(s, "<li>{bold}{}</li>", html(&text));
                }
                writeln!(s, "</ul>")
            }
            Block::Small(t) => writeln!(s, "<p><i>{}</i></p>", html(&t)),
        };
    }
    s.push_str("</body>\n</html>\n");
    s
}
