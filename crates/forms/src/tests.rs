//! The forms filled from release values: sources, ranges, recipients, renderings. End to end
//! (records signed and verified by the CLI, the lineage walked): tests/integration/forms.rs.
use sceau_core::claims::Claims;
use sceau_core::release::{Artifact, IgnoreRules};
use sceau_core::{ArtifactKind, CardMeta, Licence, RelPath, Release, Sha256Digest};
use sceau_core::{WeightFormat, WeightInfo};

use super::*;
use crate::evidence::Parents;

const FULL: &str = include_str!("../../../examples/tiny-llm.claims.toml");
const CONFIG: &[u8] = include_bytes!("../../../examples/tiny-llm/config.json");

fn art(
    path: &str,
    kind: ArtifactKind,
    bytes: &[u8],
    params: u64,
    format: WeightFormat,
) -> Artifact {
    Artifact {
        path: RelPath::new(path).unwrap(),
        size: bytes.len() as u64,
        sha256: sceau_scan::hash::sha256(bytes),
        blake3: None,
        kind,
        licence: None,
        detected_licence: None,
        weights: (kind == ArtifactKind::Weights).then(|| WeightInfo {
            format,
            tensor_count: 1,
            parameter_count: params,
            dtypes: Default::default(),
            architecture: None,
            file_type: None,
        }),
        fingerprint: None,
        folder: None,
    }
}

fn release(claims: Option<&str>) -> Release {
    let mut artifacts = vec![
        art(
            "config.json",
            ArtifactKind::Config,
            CONFIG,
            0,
            WeightFormat::Safetensors,
        ),
        art(
            "model.safetensors",
            ArtifactKind::Weights,
            b"w",
            2_832,
            WeightFormat::Safetensors,
        ),
        art(
            "README.md",
            ArtifactKind::ModelCard,
            b"card",
            0,
            WeightFormat::Safetensors,
        ),
    ];
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    Release {
        name: "example-org/tiny-llm".into(),
        version: "1.0.0".into(),
        artifacts,
        licence: Some(Licence::Spdx {
            expression: "Apache-2.0".into(),
        }),
        card: Some(CardMeta {
            language: vec!["en".into(), "fr".into()],
            datasets: vec!["HuggingFaceFW/fineweb".into()],
            pipeline_tag: Some("text-generation".into()),
            library_name: Some("transformers".into()),
            ..CardMeta::default()
        }),
        ignore: IgnoreRules::default(),
        parents: vec![],
        tokenizer_changed: false,
        claims: claims.map(|c| Claims::from_toml(c.as_bytes()).unwrap()),
        manifest: None,
        oms_root: None,
    }
}

fn verified() -> RecordStatus {
    RecordStatus::Verified {
        trust: "--key".into(),
        signers: vec!["alice (abcd)".into()],
    }
}

fn form(r: Release, status: RecordStatus, kind: FormKind, who: Option<Recipient>) -> Form {
    let mut ev = Evidence::new(r, Sha256Digest([7; 32]), None, status, Parents::NotWalked);
    ev.with_config(CONFIG);
    build(&FieldList::load(kind).unwrap(), &ev, who)
}

fn src(f: &Form, id: &str) -> Source {
    f.field(id)
        .unwrap_or_else(|| panic!("no field {id}"))
        .source
}

#[test]
fn full_claims_answer_every_field_of_both_forms() {
    for kind in [FormKind::TrainingSummary, FormKind::ModelDocumentation] {
        let f = form(release(Some(FULL)), verified(), kind, None);
        let missing: Vec<&str> = f
            .fields()
            .filter(|x| x.source == Source::Missing)
            .map(|x| x.id.as_str())
            .collect();
        assert!(missing.is_empty(), "{kind:?}: {missing:?}");
        assert!(f.complete && f.passed, "{kind:?}: {:?}", f.problems);
        assert_eq!(f.counts.missing, 0);
        assert!(
            f.counts.verified >= 2 && f.counts.declared > 10,
            "{:?}",
            f.counts
        );
    }
}

#[test]
fn signed_artifacts_answer_as_verified() {
    let f = form(
        release(None),
        verified(),
        FormKind::ModelDocumentation,
        None,
    );
    for id in [
        "model-name",
        "model-authenticity",
        "model-dependencies",
        "architecture",
        "input-modalities",
        "output-modalities",
        "total-model-size",
        "parameter-range",
        "licence",
        "required-software",
    ] {
        assert_eq!(src(&f, id), Source::Verified, "{id}: {:?}", f.field(id));
    }
    let size = f.field("total-model-size").unwrap();
    assert_eq!(size.answer.as_deref(), Some("2,832 parameters (2800)"));
    assert_eq!(
        f.field("parameter-range").unwrap().answer.as_deref(),
        Some("1-500M")
    );
    let input = &f.field("input-modalities").unwrap().entries[0].text;
    assert!(
        input.contains("up to 256 tokens") && input.contains("max_position_embeddings"),
        "{input}"
    );
    let auth = f.field("model-authenticity").unwrap();
    assert!(auth.entries[0].text.contains(&"07".repeat(32)));
    assert!(auth.entries[1]
        .text
        .starts_with("model.safetensors sha256:"));
}

#[test]
fn missing_fields_name_the_claims_keys_that_fill_them() {
    let f = form(release(None), verified(), FormKind::TrainingSummary, None);
    assert!(!f.complete);
    let crawlers = f.field("crawlers").unwrap();
    assert_eq!(crawlers.source, Source::Missing);
    assert_eq!(crawlers.claims_keys, ["training_data.crawled.crawlers"]);
    assert_eq!(crawlers.answer, None);
    // Declared from the signed card when the claims say nothing.
    assert_eq!(src(&f, "linguistic-characteristics"), Source::Declared);
    assert_eq!(
        f.field("linguistic-characteristics")
            .unwrap()
            .answer
            .as_deref(),
        Some("en, fr")
    );
    assert_eq!(src(&f, "public-datasets"), Source::Declared);
    // The model's inputs stand in for the training data's modalities, verified.
    assert_eq!(src(&f, "modalities"), Source::Verified);
    // Every missing required field has keys to fill it.
    for x in f.fields().filter(|x| x.source == Source::Missing) {
        assert!(!x.claims_keys.is_empty(), "{}", x.id);
    }
}

#[test]
fn sizes_are_shown_in_the_templates_ranges_only() {
    let claims = "[training_data.text]\ntokens = 1.23456e12\ncontent = \"web\"\n\
                  [training_data.image]\nimages = 5000\ncontent = \"photos\"\n";
    let f = form(
        release(Some(claims)),
        verified(),
        FormKind::TrainingSummary,
        None,
    );
    let size = f.field("data-size").unwrap();
    assert_eq!(size.source, Source::Declared);
    let lines: Vec<&str> = size.entries.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        lines,
        [
            "text: 1 billion to 10 trillion tokens",
            "image: Less than 1 million images"
        ]
    );
    let json = serde_json::to_string(&f).unwrap();
    assert!(
        !json.contains("1234560000000") && !json.contains("1.23456"),
        "exact size leaked"
    );
    assert_eq!(
        f.field("modalities").unwrap().answer.as_deref(),
        Some("text, image")
    );
}

#[test]
fn recipients_get_their_view_and_their_precision() {
    let claims = "[training]\nflops = 3.14e23\n";
    let all = form(
        release(Some(claims)),
        verified(),
        FormKind::ModelDocumentation,
        None,
    );
    let ai = form(
        release(Some(claims)),
        verified(),
        FormKind::ModelDocumentation,
        Some(Recipient::AiOffice),
    );
    let nca = form(
        release(Some(claims)),
        verified(),
        FormKind::ModelDocumentation,
        Some(Recipient::Authority),
    );
    let dp = form(
        release(Some(claims)),
        verified(),
        FormKind::ModelDocumentation,
        Some(Recipient::Downstream),
    );
    let flops = |f: &Form| f.field("training-compute").and_then(|x| x.answer.clone());
    assert_eq!(flops(&ai).as_deref(), Some("3.1 × 10^23 FLOPs"));
    assert_eq!(
        flops(&nca).as_deref(),
        Some("10^23 FLOPs (order of magnitude)")
    );
    assert!(flops(&all).unwrap().contains("3.1 × 10^23"));
    assert_eq!(
        flops(&dp),
        None,
        "downstream providers do not receive compute"
    );
    assert!(dp.field("total-model-size").is_none() && dp.field("parameter-range").is_some());
    assert!(dp.sections.iter().all(|s| !s.fields.is_empty()));
    assert!(dp.sections.iter().all(|s| s.id != "7" && s.id != "8"));
    assert!(all.fields().count() > ai.fields().count() - 1);
    assert_eq!(ai.recipient, Some(Recipient::AiOffice));
}

#[test]
fn energy_is_in_mwh_with_two_significant_figures() {
    let claims = "[energy]\nkwh = 123456\n";
    let f = form(
        release(Some(claims)),
        verified(),
        FormKind::ModelDocumentation,
        None,
    );
    assert_eq!(
        f.field("training-energy").unwrap().answer.as_deref(),
        Some("120 MWh")
    );
}

#[test]
fn a_config_that_is_not_the_signed_one_is_not_used() {
    let mut ev = Evidence::new(
        release(None),
        Sha256Digest([7; 32]),
        None,
        verified(),
        Parents::NotWalked,
    );
    ev.with_config(b"{\"architectures\":[\"EvilForCausalLM\"],\"max_position_embeddings\":1}");
    let f = build(
        &FieldList::load(FormKind::ModelDocumentation).unwrap(),
        &ev,
        None,
    );
    assert!(!f.passed);
    assert!(
        f.problems[0].contains("differs from the record"),
        "{:?}",
        f.problems
    );
    // The answers fall back to the signed card.
    assert_eq!(src(&f, "input-modalities"), Source::Declared);
    assert_eq!(src(&f, "architecture"), Source::Missing);
}

#[test]
fn parameters_count_the_final_weights_of_one_format() {
    let mut r = release(None);
    r.artifacts.push(art(
        "model.gguf",
        ArtifactKind::Weights,
        b"g",
        2_832,
        WeightFormat::Gguf,
    ));
    r.artifacts.push(art(
        "checkpoint-100/model.safetensors",
        ArtifactKind::Weights,
        b"c",
        2_832,
        WeightFormat::Safetensors,
    ));
    r.artifacts.push(art(
        "model-00002-of-00002.safetensors",
        ArtifactKind::Weights,
        b"s",
        1_000,
        WeightFormat::Safetensors,
    ));
    r.artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    let (n, files) = answer::parameters(&r).unwrap();
    assert_eq!(n, 3_832);
    assert_eq!(files.len(), 2);
}

#[test]
fn an_unverified_record_is_marked_in_every_section_and_rendering() {
    let f = form(
        release(Some(FULL)),
        RecordStatus::NotVerified,
        FormKind::TrainingSummary,
        None,
    );
    assert!(!f.verified && f.status == "NOT VERIFIED");
    assert!(f.sections.iter().all(|s| !s.verified));
    let md = f.to_markdown();
    let sections = md.matches("\n## ").count() - 1; // "Sources"
    assert_eq!(md.matches("**NOT VERIFIED").count(), sections + 1, "{md}");
    let html = f.to_html();
    assert_eq!(html.matches("<section ").count(), f.sections.len());
    assert_eq!(
        html.matches("<p class=\"warn\">NOT VERIFIED").count(),
        f.sections.len() + 1
    );
    assert!(html.contains("<thead class=\"print-banner\"><tr><td><div class=\"warn\">NOT VERIFIED"));
    let v = form(
        release(Some(FULL)),
        verified(),
        FormKind::TrainingSummary,
        None,
    );
    assert!(!v.to_markdown().contains("NOT VERIFIED") && !v.to_html().contains("NOT VERIFIED"));
}

#[test]
fn renderings_escape_what_the_record_says() {
    let mut r = release(Some(
        "[model]\nhardware = \"<script>alert(1)</script> | `x` [l](javascript:x)\"\n",
    ));
    r.name = "org/<b>m</b>".into();
    let f = form(r, verified(), FormKind::ModelDocumentation, None);
    let html = f.to_html();
    assert!(!html.contains("<script>") && !html.contains("<b>m</b>"));
    assert!(html.contains("&lt;script&gt;"));
    assert!(!html.contains("href=\"javascript"));
    let md = f.to_markdown();
    assert!(
        md.contains("\\<script\\>") && md.contains("\\[l\\]"),
        "{md}"
    );
}

#[test]
fn the_json_carries_a_schema_version_and_a_source_per_field() {
    let f = form(release(None), verified(), FormKind::TrainingSummary, None);
    let v: serde_json::Value = serde_json::to_value(&f).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["form"], "training-summary");
    assert!(v["field_list"]["basis"]
        .as_str()
        .unwrap()
        .contains("as summarised by the sources"));
    for s in v["sections"].as_array().unwrap() {
        for x in s["fields"].as_array().unwrap() {
            let source = x["source"].as_str().unwrap();
            assert!(["verified", "declared", "missing"].contains(&source));
            assert!(!x["source_text"].as_array().unwrap().is_empty());
        }
    }
}

#[test]
#[ignore = "prints a sample for people to read"]
#[allow(clippy::print_stdout)]
fn print_sample() {
    let f = form(
        release(Some(FULL)),
        verified(),
        FormKind::TrainingSummary,
        None,
    );
    println!("{}", f.to_markdown());
    let f = form(
        release(None),
        RecordStatus::NotVerified,
        FormKind::ModelDocumentation,
        None,
    );
    println!("{}", f.to_markdown());
}

#[test]
fn spec_lists_every_field() {
    let spec = include_str!("../../../spec/forms.md");
    for kind in [FormKind::TrainingSummary, FormKind::ModelDocumentation] {
        let list = FieldList::load(kind).unwrap();
        for f in &list.fields {
            let row = format!("| {} | `{}` | {}", f.reference, f.id, f.label);
            assert!(spec.contains(&row), "spec/forms.md §3.3 lacks {row}");
        }
    }
}

#[test]
fn a_licence_only_claimed_is_declared_and_one_the_record_shows_is_verified() {
    let f = form(
        release(None),
        verified(),
        FormKind::ModelDocumentation,
        None,
    );
    assert_eq!(src(&f, "licence"), Source::Verified);
    let mut r = release(Some(
        "[components.model-parameters]\nlicence = \"MIT\"\npaths = [\"model.safetensors\"]\n",
    ));
    r.licence = None;
    let f = form(r, verified(), FormKind::ModelDocumentation, None);
    let l = f.field("licence").unwrap();
    assert_eq!(l.source, Source::Declared);
    assert_eq!(l.answer.as_deref(), Some("MIT"));
    assert_eq!(
        l.origin.as_deref(),
        Some("claims components.model-parameters.licence")
    );
}

#[test]
fn nothing_is_verified_in_a_record_that_was_not_verified() {
    for kind in [FormKind::TrainingSummary, FormKind::ModelDocumentation] {
        let f = form(release(Some(FULL)), RecordStatus::NotVerified, kind, None);
        for field in f.fields() {
            assert_ne!(field.source, Source::Verified, "{}", field.id);
        }
        let m = f.field("model-name").unwrap();
        assert_eq!(m.source, Source::Declared);
        assert!(m.note.as_deref().unwrap().contains("not verified"));
    }
}
