use sceau_core::claims::Claims;
use sceau_core::{Artifact, ArtifactKind, IgnoreRules, Licence, RelPath, Release, Sha256Digest};

use super::*;

fn art(path: &str, kind: ArtifactKind, licence: Option<&str>) -> Artifact {
    Artifact {
        path: RelPath::new(path).unwrap(),
        size: 1,
        sha256: Sha256Digest([1; 32]),
        blake3: None,
        kind,
        licence: licence.map(|l| Licence::from_hf(l, None, None).unwrap()),
        detected_licence: None,
        weights: None,
        folder: None,
        fingerprint: None,
    }
}

fn release(arts: Vec<Artifact>, licence: &str, claims: Option<&str>) -> Release {
    let mut artifacts = arts;
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    Release {
        name: "org/m".into(),
        version: "1".into(),
        artifacts,
        licence: Some(Licence::from_hf(licence, None, None).unwrap()),
        card: None,
        ignore: IgnoreRules::default(),
        parents: Vec::new(),
        tokenizer_changed: false,
        oms_root: None,
        claims: claims.map(|c| Claims::from_toml(c.as_bytes()).unwrap()),
        manifest: None,
    }
}

use ArtifactKind::*;

fn open_science() -> Release {
    let a = "apache-2.0";
    release(
        vec![
            art("README.md", ModelCard, Some(a)),
            art("DATA_CARD.md", Docs, Some(a)),
            art("config.json", Config, Some(a)),
            art("model.safetensors", Weights, Some(a)),
            art("checkpoints/step-100/model.safetensors", Weights, Some(a)),
            art("src/modeling_open.py", Code, Some(a)),
            art("src/train.py", Code, Some(a)),
            art("src/inference.py", Code, Some(a)),
            art("src/evaluate.py", Code, Some(a)),
            art("src/preprocess.py", Code, Some(a)),
            art("requirements.txt", Code, Some(a)),
            art("data/train.jsonl", Dataset, Some(a)),
            art("data/eval.jsonl", Dataset, Some(a)),
            art("docs/technical_report.md", Docs, Some(a)),
            art("docs/paper.md", Docs, Some(a)),
        ],
        a,
        Some(include_str!(
            "../../../../testdata/claims/open_science.toml"
        )),
    )
}

#[test]
fn open_science_reaches_class_i_and_osaid() {
    let r = evaluate(&open_science(), &Inherited::default());
    assert_eq!(
        r.class,
        Some(MofClass::I),
        "{:#?}",
        r.missing_for(MofClass::I)
    );
    assert!(r.open_source_ai, "{:#?}", r.osaid);
    assert!(r.passed());
    assert!(r.missing_for_next.is_empty() && r.next_class.is_none());
    let p = r.component(MofComponent::ModelParameters);
    assert_eq!(p.licences[0].licence, "CDLA-Permissive-2.0");
    assert!(p.type_appropriate);
    assert_eq!(p.evidence, ["model.safetensors"]);
    let i = r.component(MofComponent::IntermediateParameters);
    assert_eq!(i.evidence, ["checkpoints/step-100/model.safetensors"]);
    let d = r.component(MofComponent::Datasets);
    assert!(
        d.satisfied && d.evidence[0].contains("open-corpus"),
        "{d:#?}"
    );
    assert!(r.component(MofComponent::EvaluationData).satisfied);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn apache_weights_count_with_a_warning() {
    let mut rel = open_science();
    rel.claims
        .as_mut()
        .unwrap()
        .components
        .get_mut(&MofComponent::ModelParameters)
        .unwrap()
        .licence = Some(Licence::spdx("Apache-2.0").unwrap());
    let r = evaluate(&rel, &Inherited::default());
    assert_eq!(r.class, Some(MofClass::I));
    let p = r.component(MofComponent::ModelParameters);
    assert!(p.open && !p.type_appropriate && p.satisfied);
    assert!(r
        .warnings
        .iter()
        .any(|w| w.contains("model-parameters") && w.contains("open-data")));
}

#[test]
fn open_washing_names_what_is_missing() {
    let rel = release(
        vec![
            art("README.md", ModelCard, Some("llama3.1")),
            art("model.safetensors", Weights, Some("llama3.1")),
            art("src/inference.py", Code, Some("llama3.1")),
            art("LICENSE", ArtifactKind::Licence, None),
        ],
        "llama3.1",
        Some(include_str!("../../../../testdata/claims/open_washed.toml")),
    );
    let r = evaluate(&rel, &Inherited::default());
    assert_eq!(r.class, None);
    assert!(!r.passed());
    assert_eq!(r.open_washing.len(), 2);
    let class_claim = r.open_washing[0].missing.join("\n");
    for needle in [
        "model-parameters",
        "llama3.1",
        "training-code",
        "datasets",
        "undisclosed",
        "research-paper",
    ] {
        assert!(class_claim.contains(needle), "{needle} in {class_claim}");
    }
    let os = r.open_washing[1].missing.join("\n");
    assert!(
        os.contains("data-information") && os.contains("proprietary web crawl 2024"),
        "{os}"
    );
    assert!(
        os.contains("code: training-code: not in the record"),
        "{os}"
    );
    assert!(
        os.contains("parameters: model-parameters: licence llama3.1"),
        "{os}"
    );
    assert!(
        !os.contains("inference-code"),
        "inference code is claimed Apache-2.0: {os}"
    );
}

#[test]
fn conventions_without_claims_and_inherited_data() {
    // A plain Hugging Face model: weights, a card, no code: no class, parameters met.
    let rel = release(
        vec![
            art("README.md", ModelCard, Some("apache-2.0")),
            art("model.safetensors", Weights, Some("apache-2.0")),
            art("config.json", Config, Some("apache-2.0")),
        ],
        "apache-2.0",
        None,
    );
    let r = evaluate(&rel, &Inherited::default());
    assert_eq!(r.class, None);
    assert_eq!(r.next_class, Some(MofClass::III));
    let names: Vec<&str> = r
        .missing_for_next
        .iter()
        .map(|m| m.component.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "model-architecture",
            "data-card",
            "technical-report",
            "evaluation-results"
        ]
    );
    assert!(r.osaid[2].met, "apache-2.0 weights: parameters met");
    assert!(!r.osaid[0].met);
    let inherited = Inherited {
        datasets: vec![InheritedDataset {
            name: "allenai/c4".into(),
            declared_by: vec!["org/base 1".into()],
        }],
        licences: Vec::new(),
    };
    let r = evaluate(&rel, &inherited);
    assert!(
        !r.osaid[0]
            .missing
            .iter()
            .any(|m| m.contains("no training data")),
        "{:?}",
        r.osaid[0]
    );
}

#[test]
fn claimed_paths_that_are_not_there_do_not_count() {
    let rel = release(
        vec![art("model.safetensors", Weights, Some("mit"))],
        "mit",
        Some("[components.training-code]\nlicence = \"MIT\"\npaths = [\"src/train.py\"]\n"),
    );
    let r = evaluate(&rel, &Inherited::default());
    let t = r.component(MofComponent::TrainingCode);
    assert!(!t.present && !t.satisfied);
    assert!(t.reason().contains("no such file"), "{}", t.reason());
}

#[test]
fn many_datasets_and_files_stay_linear() {
    // 4000 claimed datasets over 20 000 data files: evaluation indexes paths instead of
    // comparing every pair (a hostile record must not make `sceau openness` hang).
    let mut arts = Vec::new();
    let mut datasets = Vec::new();
    for i in 0..4000 {
        datasets.push(sceau_core::claims::DatasetClaim {
            licence: Some(Licence::spdx("CC0-1.0").unwrap()),
            included: true,
            paths: vec![RelPath::new(&format!("data/d{i}")).unwrap()],
            ..sceau_core::claims::DatasetClaim::named(&format!("d{i}"))
        });
        for j in 0..5 {
            arts.push(art(&format!("data/d{i}/part{j}.jsonl"), Dataset, None));
        }
    }
    let mut rel = release(arts, "cc0-1.0", None);
    rel.claims = Some(Claims {
        datasets,
        ..Claims::default()
    });
    let start = std::time::Instant::now();
    let r = evaluate(&rel, &Inherited::default());
    assert!(r.component(MofComponent::Datasets).satisfied);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}
