//! The disclosure claims (spec/claims.md §1.3): read strictly from the claims file, written to
//! the BOM and read back exactly.
use super::disclosure::*;
use super::values::{Modality, MAX_ENTRIES};
use super::*;
use crate::cyclonedx::Bom;
use crate::release::{IgnoreRules, Release};

/// The full example: every answer the forms ask.
const FULL: &str = include_str!("../../../../examples/tiny-llm.claims.toml");

fn parse(s: &str) -> Result<Claims, ClaimsError> {
    Claims::from_toml(s.as_bytes())
}

#[test]
fn the_full_example_reads_every_table() {
    let c = parse(FULL).unwrap();
    let d = &c.disclosure;
    let rep = d.representative.as_ref().unwrap();
    assert!(rep.name.is_none() && rep.not_applicable.is_some());
    let dist = d.distribution.as_ref().unwrap();
    assert_eq!(dist.released.unwrap().to_string(), "2026-01-01");
    assert_eq!(dist.channels.len(), 2);
    let doc = d.documentation.as_ref().unwrap();
    assert!(matches!(
        doc.acceptable_use_policy,
        Some(PolicyLink::Link(_))
    ));
    assert!(doc.training_summary.is_some());
    let t = d.training.as_ref().unwrap();
    assert_eq!(t.flops.unwrap().get(), 12345.0);
    let td = d.training_data.as_ref().unwrap();
    assert_eq!(td.latest_acquisition.unwrap().slashed(), "12/2025");
    assert_eq!(td.modalities(), [Modality::Text]);
    assert_eq!(td.text.as_ref().unwrap().tokens.unwrap().get(), 0.0);
    let cr = td.crawled.as_ref().unwrap();
    assert_eq!(cr.crawlers[0].name.as_str(), "ExampleBot/1.0");
    assert_eq!(cr.top_domains[1].as_str(), "example.net");
    assert_eq!(td.processing.as_ref().unwrap().code_of_practice, Some(true));
    assert!(!td.user.as_ref().unwrap().interactions);
}

fn release(claims: Claims) -> Release {
    Release {
        name: "org/m".into(),
        version: "1".into(),
        artifacts: Vec::new(),
        licence: None,
        card: None,
        ignore: IgnoreRules::default(),
        parents: Vec::new(),
        tokenizer_changed: false,
        claims: Some(claims),
        manifest: None,
        oms_root: None,
    }
}

#[test]
fn the_disclosure_round_trips_through_the_bom_as_one_versioned_property() {
    let c = parse(FULL).unwrap();
    let bom = release(c.clone()).to_bom("2026-01-01T00:00:00Z");
    let v = serde_json::to_value(&bom).unwrap();
    let text = v.to_string();
    assert!(text.contains("sceau:claims.disclosure.v1"), "{text}");
    let back: Bom = serde_json::from_value(v).unwrap();
    let r = Release::from_bom(&back).unwrap();
    assert_eq!(r.claims.unwrap(), c);
    // Without disclosure tables, no property.
    let plain = parse("intended_use = \"x\"\n").unwrap();
    let v = serde_json::to_value(release(plain).to_bom("2026-01-01T00:00:00Z")).unwrap();
    assert!(!v.to_string().contains("sceau:claims.disclosure"));
}

#[test]
fn a_record_with_a_malformed_disclosure_does_not_read() {
    let c = parse(FULL).unwrap();
    let bom = release(c).to_bom("2026-01-01T00:00:00Z");
    let text = serde_json::to_string(&bom).unwrap();
    let bad = text.replace("2025-12", "2025-13");
    let back: Bom = serde_json::from_str(&bad).unwrap();
    let e = Release::from_bom(&back).unwrap_err().to_string();
    assert!(
        e.contains("sceau:claims.disclosure.v1") && e.contains("2025-13"),
        "{e}"
    );
}

#[test]
fn the_file_wins_table_by_table() {
    let file = parse("[model]\ndesign = \"file\"\n").unwrap();
    let base = parse("[model]\ndesign = \"card\"\n[training]\ntime = \"1 day\"\n").unwrap();
    let (m, conflicts) = file.merge_over(&base);
    let d = &m.disclosure;
    assert_eq!(
        d.model.as_ref().unwrap().design.as_ref().unwrap().as_str(),
        "file"
    );
    assert!(d.training.is_some());
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].field, "model");
}

/// (file, line, field, words of the message)
const REFUSED: &[(&str, usize, &str, &str)] = &[
    (
        "[training_data.crawled]\nused = true\ncontent = \"web\"\nfrom = \"2025-13\"\n",
        4,
        "training_data.crawled.from",
        "YYYY-MM",
    ),
    (
        "[training_data.crawled]\nused = true\ncontent = \"web\"\ncrawler = []\n",
        4,
        "training_data.crawled.crawler",
        "unknown field",
    ),
    (
        "[training_data]\n[training_data.crawled]\nused = true\n",
        2,
        "training_data.crawled",
        "content",
    ),
    (
        "[training_data.crawled]\nused = true\ncontent = \"w\"\nfrom = \"2025-06\"\nto = \"2025-01\"\n",
        1,
        "training_data.crawled",
        "after",
    ),
    (
        "[training_data.crawled]\nused = true\ncontent = \"w\"\ntop_domains = [\"not a domain\"]\n",
        4,
        "training_data.crawled.top_domains",
        "domain name",
    ),
    (
        "[training]\nflops = -1\n",
        2,
        "training.flops",
        "finite number",
    ),
    (
        "[training]\nflops = \"1e24\"\n",
        2,
        "training.flops",
        "a number",
    ),
    (
        "[distribution]\nreleased = \"2026-02-30\"\n",
        2,
        "distribution.released",
        "YYYY-MM-DD",
    ),
    (
        "[documentation]\nacceptable_use_policy = \"see the card\"\n",
        2,
        "documentation.acceptable_use_policy",
        "neither an http(s) URL nor \"none\"",
    ),
    (
        "[representative]\nname = \"R\"\n",
        1,
        "representative",
        "url, email",
    ),
    (
        "[training_data.public]\nused = false\nlarge = [\"a\"]\n",
        1,
        "training_data.public",
        "used is not true",
    ),
    (
        "[training_data.user]\ninteractions = true\nservices = false\n",
        1,
        "training_data.user",
        "description",
    ),
    (
        "[model]\ninputs = [\"smell\"]\n",
        2,
        "model.inputs",
        "unknown variant",
    ),
    (
        "[model]\ncontext_length = 0\n",
        2,
        "model.context_length",
        "1 to",
    ),
];

#[test]
fn malformed_tables_are_refused_with_their_line_and_field() {
    for (src, line, field, words) in REFUSED {
        let e = parse(src).expect_err(src);
        assert_eq!(e.line(), Some(*line), "{src}: {e}");
        assert_eq!(e.field(), Some(*field), "{src}: {e}");
        assert!(e.to_string().contains(words), "{src}: {e}");
    }
}

#[test]
fn lists_are_bounded() {
    let domains: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("\"d{i}.org\"")).collect();
    let src = format!(
        "[training_data.crawled]\nused = true\ncontent = \"w\"\ntop_domains = [{}]\n",
        domains.join(",")
    );
    let e = parse(&src).unwrap_err();
    assert!(e.to_string().contains("more than 4096 entries"), "{e}");
}
