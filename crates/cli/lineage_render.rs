//! Drawing a lineage: indented tree, Graphviz DOT, Mermaid, and one self-contained HTML page
//! with an inline SVG coloured by verification status (no script, no network).
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use sceau_core::Sha256Digest;
use sceau_lineage::{Lineage, Node, NodeStatus};

use crate::input::clean;

fn status_word(s: &NodeStatus) -> (&'static str, String) {
    match s {
        NodeStatus::Verified => ("verified", "verified".into()),
        NodeStatus::Unverified { reason } => ("unverified", format!("UNVERIFIED: {reason}")),
        NodeStatus::Missing => ("missing", "MISSING: no record found".into()),
        NodeStatus::Rejected { reason } => ("rejected", format!("REJECTED: {reason}")),
    }
}

fn short(d: &Sha256Digest) -> String {
    d.to_hex()[..12].to_owned()
}

fn signers(n: &Node) -> String {
    if n.signers.is_empty() {
        "-".into()
    } else {
        sceau_verify::signer::list(&n.signers)
    }
}

fn licence(n: &Node) -> String {
    n.licence
        .as_ref()
        .map_or("-".into(), |l| l.label().to_owned())
}

fn title(n: &Node) -> String {
    if n.name.is_empty() {
        format!("sha256:{}", short(&n.digest))
    } else {
        format!("{} {}", n.name, n.version)
    }
}

/// Indented tree, the root first, parents below their child.
pub fn tree(l: &Lineage) -> String {
    let mut out = String::new();
    let mut parents: BTreeMap<Sha256Digest, Vec<(Sha256Digest, String)>> = BTreeMap::new();
    for e in &l.edges {
        parents
            .entry(e.child)
            .or_default()
            .push((e.parent, e.relation.to_string()));
    }
    fn line(l: &Lineage, d: &Sha256Digest, prefix: &str, rel: Option<&str>, out: &mut String) {
        let Some(n) = l.nodes.get(d) else { return };
        let (_, st) = status_word(&n.status);
        let rel = rel.map(|r| format!("{r} of ")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{prefix}{rel}{}  [{}]  licence {}  signed by {}  sha256:{}",
            clean(&title(n)),
            clean(&st),
            clean(&licence(n)),
            clean(&signers(n)),
            short(d)
        );
    }
    // Each node is drawn once with its ancestors; where it appears again (a shared ancestor
    // of a merge lattice), one line refers back to it. The output is linear in nodes + edges,
    // whatever the shape of the family (spec/lineage.md §7.2).
    fn walk(
        l: &Lineage,
        parents: &BTreeMap<Sha256Digest, Vec<(Sha256Digest, String)>>,
        root: &Sha256Digest,
        drawn: &mut BTreeSet<Sha256Digest>,
        out: &mut String,
    ) {
        // An explicit stack of (node, its indent, its next parent to draw): depth first, in
        // order, without recursion (a family may be deep).
        let mut stack: Vec<(Sha256Digest, String, usize)> = vec![(*root, String::new(), 0)];
        drawn.insert(*root);
        while let Some(top) = stack.last_mut() {
            let kids = parents.get(&top.0).map(Vec::as_slice).unwrap_or_default();
            let i = top.2;
            let Some((p, rel)) = kids.get(i) else {
                stack.pop();
                continue;
            };
            top.2 += 1;
            let last = i + 1 == kids.len();
            let prefix = format!("{}{}", top.1, if last { "└─ " } else { "├─ " });
            let deeper = format!("{}{}", top.1, if last { "   " } else { "│  " });
            if drawn.insert(*p) {
                line(l, p, &prefix, Some(rel), out);
                stack.push((*p, deeper, 0));
            } else {
                let title = l.nodes.get(p).map(title).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{prefix}{rel} of {} (sha256:{}, shown above)",
                    clean(&title),
                    short(p)
                );
            }
        }
    }
    line(l, &l.root, "", None, &mut out);
    walk(l, &parents, &l.root, &mut BTreeSet::new(), &mut out);
    if !l.findings.is_empty() {
        let _ = writeln!(out, "\nfindings:");
        for f in &l.findings {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                if f.fatal { "FAIL" } else { "note" },
                f.kind.as_str(),
                clean(&f.detail)
            );
        }
    }
    out
}

fn node_ids(l: &Lineage) -> BTreeMap<Sha256Digest, String> {
    l.nodes
        .keys()
        .enumerate()
        .map(|(i, d)| (*d, format!("n{i}")))
        .collect()
}

fn esc_dot(s: &str) -> String {
    clean(s).replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz DOT: edges point from child to parent, labelled with the relation.
pub fn dot(l: &Lineage) -> String {
    let ids = node_ids(l);
    let mut out = String::from("digraph lineage {\n  rankdir=BT;\n  node [shape=box, style=\"rounded,filled\", fontname=\"sans-serif\"];\n");
    for (d, n) in &l.nodes {
        let (class, st) = status_word(&n.status);
        let _ = writeln!(
            out,
            "  {} [label=\"{}\\n{}\\nlicence {}\", fillcolor=\"{}\", tooltip=\"sha256:{}\"];",
            ids[d],
            esc_dot(&title(n)),
            esc_dot(&st),
            esc_dot(&licence(n)),
            colour(class).0,
            d
        );
    }
    for e in &l.edges {
        if let (Some(c), Some(p)) = (ids.get(&e.child), ids.get(&e.parent)) {
            let _ = writeln!(out, "  {c} -> {p} [label=\"{}\"];", e.relation);
        }
    }
    out.push_str("}\n");
    out
}

fn esc_mermaid(s: &str) -> String {
    clean(s)
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

/// Mermaid flowchart, bottom-up.
pub fn mermaid(l: &Lineage) -> String {
    let ids = node_ids(l);
    let mut out = String::from("flowchart BT\n");
    for (d, n) in &l.nodes {
        let (class, st) = status_word(&n.status);
        let _ = writeln!(
            out,
            "  {}[\"{}<br/>{}<br/>licence {}\"]:::{}",
            ids[d],
            esc_mermaid(&title(n)),
            esc_mermaid(&st),
            esc_mermaid(&licence(n)),
            class
        );
    }
    for e in &l.edges {
        if let (Some(c), Some(p)) = (ids.get(&e.child), ids.get(&e.parent)) {
            let _ = writeln!(out, "  {c} -->|{}| {p}", e.relation);
        }
    }
    for class in ["verified", "unverified", "missing", "rejected"] {
        let (fill, stroke) = colour(class);
        let _ = writeln!(out, "  classDef {class} fill:{fill},stroke:{stroke}");
    }
    out
}

fn colour(class: &str) -> (&'static str, &'static str) {
    match class {
        "verified" => ("#d4f7d4", "#2e7d32"),
        "unverified" => ("#fff1c2", "#b26a00"),
        _ => ("#ffd6d6", "#c62828"),
    }
}

fn esc_html(s: &str) -> String {
    clean(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// One self-contained HTML page: an inline SVG (children above parents, one row per depth)
/// and a table of findings. Every node is a `<g class="node" data-digest=…>`, every edge a
/// `<g class="edge" data-child=… data-parent=… data-relation=…>`.
pub fn html(l: &Lineage) -> String {
    const W: i64 = 300;
    const H: i64 = 104;
    const GAP_X: i64 = 40;
    const GAP_Y: i64 = 70;
    let mut rows: BTreeMap<usize, Vec<Sha256Digest>> = BTreeMap::new();
    for (d, n) in &l.nodes {
        rows.entry(n.depth).or_default().push(*d);
    }
    let widest = rows.values().map(Vec::len).max().unwrap_or(1) as i64;
    let width = widest * (W + GAP_X) + GAP_X;
    let height = rows.len() as i64 * (H + GAP_Y) + GAP_Y;
    let mut pos: BTreeMap<Sha256Digest, (i64, i64)> = BTreeMap::new();
    for (r, (_, ds)) in rows.iter().enumerate() {
        let row_w = ds.len() as i64 * (W + GAP_X) - GAP_X;
        let x0 = (width - row_w) / 2;
        for (i, d) in ds.iter().enumerate() {
            pos.insert(
                *d,
                (
                    x0 + i as i64 * (W + GAP_X),
                    GAP_Y / 2 + r as i64 * (H + GAP_Y),
                ),
            );
        }
    }
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"lineage\">\
<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>"
    );
    for e in &l.edges {
        let (Some(&(cx, cy)), Some(&(px, py))) = (pos.get(&e.child), pos.get(&e.parent)) else {
            continue;
        };
        let (x1, y1, x2, y2) = (cx + W / 2, cy + H, px + W / 2, py);
        let _ = write!(
            svg,
            "<g class=\"edge\" data-child=\"{}\" data-parent=\"{}\" data-relation=\"{}\"><line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\" stroke=\"#555\" stroke-width=\"2\" marker-end=\"url(#arrow)\"/><text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"middle\" fill=\"#333\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"4\">{}</text></g>",
            e.child,
            e.parent,
            e.relation,
            (x1 + x2) / 2,
            (y1 + y2) / 2 + 4,
            e.relation
        );
    }
    for (d, n) in &l.nodes {
        let Some(&(x, y)) = pos.get(d) else { continue };
        let (class, st) = status_word(&n.status);
        let (fill, stroke) = colour(class);
        let _ = write!(
            svg,
            "<g class=\"node {class}\" data-digest=\"{d}\" data-status=\"{class}\"><title>sha256:{d}&#10;signed by {}</title>\
<rect x=\"{x}\" y=\"{y}\" width=\"{W}\" height=\"{H}\" rx=\"10\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"2\"/>\
<text x=\"{}\" y=\"{}\" font-size=\"15\" font-weight=\"bold\">{}</text>\
<text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>\
<text x=\"{}\" y=\"{}\" font-size=\"12\">licence {}</text>\
<text x=\"{}\" y=\"{}\" font-size=\"12\">signed by {}</text>\
<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#555\">sha256:{}</text></g>",
            esc_html(&signers(n)),
            x + 12,
            y + 22,
            esc_html(&truncate(&title(n), 34)),
            x + 12,
            y + 42,
            esc_html(&truncate(&st, 44)),
            x + 12,
            y + 60,
            esc_html(&truncate(&licence(n), 36)),
            x + 12,
            y + 78,
            esc_html(&truncate(&signers(n), 36)),
            x + 12,
            y + 96,
            short(d)
        );
    }
    svg.push_str("</svg>");

    let verdict = if l.passed() {
        "lineage verified"
    } else {
        "lineage FAILED"
    };
    let mut rows_html = String::new();
    for f in &l.findings {
        let _ = write!(
            rows_html,
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td></tr>",
            if f.fatal { "fail" } else { "note" },
            if f.fatal { "FAIL" } else { "note" },
            esc_html(f.kind.as_str()),
            esc_html(&f.detail)
        );
    }
    let mut nodes_html = String::new();
    for n in l.nodes.values() {
        let (class, st) = status_word(&n.status);
        let _ = write!(
            nodes_html,
            "<tr class=\"{class}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            esc_html(&title(n)),
            esc_html(&st),
            esc_html(&licence(n)),
            esc_html(&signers(n)),
            n.digest
        );
    }
    let root = l.nodes.get(&l.root).map(title).unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
<title>Lineage of {title}</title><style>\
body{{font-family:system-ui,sans-serif;margin:2em;color:#222}}\
h1{{font-size:1.4em}} .ok{{color:#2e7d32}} .bad{{color:#c62828}}\
table{{border-collapse:collapse;margin-top:1em}} td:first-child{{white-space:nowrap}} td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}}\
tr.fail td{{background:#ffd6d6}} tr.note td{{background:#fff1c2}}\
tr.verified td:nth-child(2){{color:#2e7d32}} tr.unverified td:nth-child(2){{color:#b26a00}} tr.missing td:nth-child(2),tr.rejected td:nth-child(2){{color:#c62828}}\
.legend span{{display:inline-block;padding:2px 8px;margin-right:8px;border-radius:4px}}\
</style></head><body>\
<h1>Lineage of {title} — <span class=\"{vclass}\">{verdict}</span></h1>\
<p class=\"legend\"><span style=\"background:#d4f7d4\">verified</span><span style=\"background:#fff1c2\">unverified</span><span style=\"background:#ffd6d6\">missing / rejected</span> Arrows point from a release to what it derives from.</p>\
{svg}\
<h2>Releases</h2><table><tr><th>release</th><th>status</th><th>licence</th><th>signed by</th><th>record sha256</th></tr>{nodes_html}</table>\
<h2>Findings</h2>{findings}\
</body></html>\n",
        title = esc_html(&root),
        vclass = if l.passed() { "ok" } else { "bad" },
        findings = if rows_html.is_empty() {
            "<p>none</p>".to_owned()
        } else {
            format!("<table><tr><th></th><th>finding</th><th>detail</th></tr>{rows_html}</table>")
        },
    )
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
