use super::*;
use crate::card::{CardMeta, EvalResult};
use crate::cyclonedx::Bom;
use crate::release::{IgnoreRules, Release};

const OPEN_SCIENCE: &str = include_str!("../../../../testdata/claims/open_science.toml");
const OPEN_WASHED: &str = include_str!("../../../../testdata/claims/open_washed.toml");

fn parse(s: &str) -> Result<Claims, ClaimsError> {
    Claims::from_toml(s.as_bytes())
}

#[test]
fn reads_every_field() {
    let c = parse(OPEN_SCIENCE).unwrap();
    assert_eq!(c.openness_class, Some(MofClass::I));
    assert_eq!(c.open_source, Some(true));
    assert_eq!(c.personal_data, Some(PersonalData::No));
    assert_eq!(c.intended_users, ["researchers", "students"]);
    assert_eq!(c.components.len(), 14);
    let tc = c.component(MofComponent::TrainingCode).unwrap();
    assert_eq!(tc.licence.as_ref().unwrap().label(), "Apache-2.0");
    assert!(tc.covers("src/train.py"));
    let ip = c.component(MofComponent::IntermediateParameters).unwrap();
    assert!(ip.covers("checkpoints/step-100/model.safetensors"));
    assert!(!ip.covers("checkpoints-old/x"));
    assert_eq!(c.datasets.len(), 2);
    assert_eq!(c.datasets[1].purpose, DatasetPurpose::Evaluation);
    assert!(c.datasets[0].included);
    assert_eq!(c.evaluation[0].value, "0.61");
    let e = c.energy.as_ref().unwrap();
    assert_eq!((e.kwh, e.tco2eq), (Some(12.5), Some(0.004)));
    assert_eq!(
        (e.activity.as_str(), e.source.as_str()),
        ("training", "unknown")
    );
    let w = parse(OPEN_WASHED).unwrap();
    assert_eq!(w.datasets[0].url, None);
    assert_eq!(w.datasets[0].licence, None);
    let p = c.provider.as_ref().unwrap();
    assert_eq!(p.name, "Example Org");
    assert_eq!(
        p.url.as_deref(),
        Some("https://example.invalid/example-org")
    );
    assert_eq!(p.email.as_deref(), Some("security@example.invalid"));
    assert_eq!(w.provider, None);
}

#[test]
fn the_provider_is_read_strictly() {
    let ok = parse("[provider]\nname = \" Org \"\nemail = \"a.b+c@x-y.example.org\"\n").unwrap();
    let p = ok.provider.unwrap();
    assert_eq!((p.name.as_str(), p.url), ("Org", None));
    assert_eq!(p.email.as_deref(), Some("a.b+c@x-y.example.org"));
    let cases: &[(&str, usize, &str)] = &[
        (
            "[provider]\nname = \"O\"\nurl = \"https://o.example\"\nmail = \"x@y.z\"\n",
            4,
            "provider.mail",
        ),
        ("[provider]\nurl = \"https://o.example\"\n", 1, "provider"),
        (
            "[provider]\nname = \"  \"\nurl = \"https://o.example\"\n",
            2,
            "provider.name",
        ),
        (
            "[provider]\nname = \"O\"\nurl = \"ftp://o.example\"\n",
            3,
            "provider.url",
        ),
        ("[provider]\nname = \"O\"\n", 1, "provider"),
    ];
    for (src, line, field) in cases {
        let e = parse(src).unwrap_err();
        assert_eq!(
            (e.line(), e.field()),
            (Some(*line), Some(*field)),
            "{src}: {e}"
        );
    }
    for bad in [
        "no-at.example.org",
        "@example.org",
        "a@",
        "a@localhost",
        "a b@example.org",
        "a@exa mple.org",
        "a@@example.org",
        "<a>@example.org",
        "a@-x.example.org",
        "a..b@example.org",
        "a@example..org",
    ] {
        let src = format!("[provider]\nname = \"O\"\nemail = \"{bad}\"\n");
        let e = parse(&src).unwrap_err();
        assert_eq!(
            (e.line(), e.field()),
            (Some(3), Some("provider.email")),
            "{bad}: {e}"
        );
    }
    let long = format!(
        "[provider]\nname = \"{}\"\nemail = \"a@b.org\"\n",
        "n".repeat(257)
    );
    assert_eq!(parse(&long).unwrap_err().field(), Some("provider.name"));
}

#[test]
fn the_provider_is_the_boms_supplier_and_manufacturer_and_reads_back() {
    let claims = parse(OPEN_SCIENCE).unwrap();
    let r = release(None, Some(claims.clone()));
    let (back, v) = round_trip(&r);
    assert_eq!(back.claims.as_ref().unwrap().provider, claims.provider);
    assert_eq!(back, r);
    let expected = serde_json::json!({
        "name": "Example Org",
        "url": ["https://example.invalid/example-org"],
        "contact": [{"email": "security@example.invalid"}],
    });
    for ptr in [
        "/metadata/supplier",
        "/metadata/manufacturer",
        "/metadata/component/supplier",
        "/metadata/component/manufacturer",
    ] {
        assert_eq!(v.pointer(ptr), Some(&expected), "{ptr}");
    }
    // Without a provider claim, none of the four is written.
    let mut no_provider = claims;
    no_provider.provider = None;
    let (back, v) = round_trip(&release(None, Some(no_provider)));
    assert_eq!(back.claims.unwrap().provider, None);
    assert!(v.pointer("/metadata/supplier").is_none());
    assert!(v.pointer("/metadata/component/manufacturer").is_none());
}

#[test]
fn a_file_provider_wins_over_a_base_provider() {
    let file = parse("[provider]\nname = \"A\"\nurl = \"https://a.example\"\n").unwrap();
    let base = parse("[provider]\nname = \"B\"\nurl = \"https://b.example\"\n").unwrap();
    let (m, conflicts) = file.merge_over(&base);
    assert_eq!(m.provider.unwrap().name, "A");
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].field, "provider");
    let (m, conflicts) = Claims::default().merge_over(&base);
    assert_eq!(m.provider.unwrap().name, "B");
    assert!(conflicts.is_empty());
}

#[test]
fn errors_name_the_line_and_the_field() {
    let cases: &[(&str, usize, &str)] = &[
        (
            include_str!("../../../../testdata/claims/malformed_unknown_field.toml"),
            6,
            "components.training-code.licnse",
        ),
        (
            include_str!("../../../../testdata/claims/malformed_class.toml"),
            3,
            "openness_class",
        ),
        ("x = 1\n", 1, "x"),
        (
            "[components.trainig-code]\nlicence = \"MIT\"\n",
            1,
            "components",
        ),
        (
            "[[datasets]]\nname = \"a\"\nlicence = \"Apache 2 or so\"\n",
            3,
            "datasets[0].licence",
        ),
        (
            "[[datasets]]\nname = \"a\"\nurl = \"ftp://x\"\n",
            3,
            "datasets[0].url",
        ),
        (
            "[[datasets]]\nname = \"a\"\npurpose = \"fun\"\n",
            3,
            "datasets[0].purpose",
        ),
        (
            "[[datasets]]\nname = \"a\"\n\n[[datasets]]\nname = \"b\"\nincluded = true\n",
            4,
            "datasets[1].paths",
        ),
        (
            "[components.datasets]\npaths = [\"../etc\"]\n",
            2,
            "components.datasets.paths[0]",
        ),
        ("personal_data = \"maybe\"\n", 1, "personal_data"),
        ("[energy]\nkwh = -1\n", 2, "energy.kwh"),
        (
            "[energy]\nactivity = \"mining\"\nkwh = 1\n",
            2,
            "energy.activity",
        ),
        ("open_source = \"yes\"\n", 1, "open_source"),
    ];
    for (src, line, field) in cases {
        let e = parse(src).expect_err(src);
        assert_eq!(e.line(), Some(*line), "{src:?}: {e}");
        assert!(
            e.field().is_some_and(|f| f.starts_with(field)),
            "{src:?}: field {:?}, want {field}: {e}",
            e.field()
        );
        assert!(e.to_string().contains(&format!("line {line}")), "{e}");
    }
    let e = parse(include_str!(
        "../../../../testdata/claims/malformed_syntax.toml"
    ))
    .unwrap_err();
    assert_eq!(e.line(), Some(4), "{e}");
    assert!(matches!(
        Claims::from_toml(&vec![b' '; MAX_CLAIMS_BYTES + 1]),
        Err(ClaimsError::TooLarge)
    ));
    assert!(matches!(
        Claims::from_toml(b"\xff"),
        Err(ClaimsError::NotUtf8)
    ));
}

#[test]
fn licences_are_strict() {
    assert_eq!(parse_licence("apache-2.0").unwrap().label(), "Apache-2.0");
    assert_eq!(
        parse_licence("MIT OR Apache-2.0").unwrap().label(),
        "MIT OR Apache-2.0"
    );
    assert!(matches!(
        parse_licence("llama3.1").unwrap(),
        Licence::Named { .. }
    ));
    assert!(matches!(
        parse_licence("LicenseRef-custom").unwrap(),
        Licence::Spdx { .. }
    ));
    assert!(parse_licence("Apache 2 or so").is_err());
    assert!(parse_licence(" ").is_err());
    for s in [
        "Apache-2.0",
        "llama3.1",
        "CDLA-Permissive-2.0",
        "my-licence-1.0",
    ] {
        let l = parse_licence(s).unwrap();
        assert_eq!(parse_licence(l.label()).unwrap(), l, "{s} is stable");
    }
}

fn release(card: Option<CardMeta>, claims: Option<Claims>) -> Release {
    Release {
        name: "org/m".into(),
        version: "1".into(),
        artifacts: Vec::new(),
        licence: None,
        card,
        ignore: IgnoreRules::default(),
        parents: Vec::new(),
        tokenizer_changed: false,
        oms_root: None,
        claims,
        manifest: None,
    }
}

fn round_trip(r: &Release) -> (Release, serde_json::Value) {
    let bom = r.to_bom("2026-01-01T00:00:00Z");
    let v = serde_json::to_value(&bom).unwrap();
    let back: Bom = serde_json::from_value(v.clone()).unwrap();
    (Release::from_bom(&back).unwrap(), v)
}

fn card() -> CardMeta {
    CardMeta {
        license: Some("apache-2.0".into()),
        datasets: vec!["org/a".into(), "org/b".into()],
        eval_results: vec![EvalResult {
            task: "text-generation".into(),
            dataset: "HellaSwag".into(),
            metric: "accuracy".into(),
            value: "0.42".into(),
        }],
        ..CardMeta::default()
    }
}

#[test]
fn claims_round_trip_through_the_bom_with_and_without_a_card() {
    let c = parse(OPEN_SCIENCE).unwrap();
    for r in [
        release(Some(card()), Some(c.clone())),
        release(None, Some(c.clone())),
        release(Some(card()), None),
        release(None, Some(Claims::default())),
        release(None, Some(parse(OPEN_WASHED).unwrap())),
        release(
            None,
            Some(parse("[energy]\ntco2eq = 0.5\n[components.model-card]\n").unwrap()),
        ),
    ] {
        let (back, v) = round_trip(&r);
        assert_eq!(back, r, "{}", serde_json::to_string_pretty(&v).unwrap());
    }
    let (_, v) = round_trip(&release(Some(card()), Some(c)));
    let mc = &v["metadata"]["component"]["modelCard"];
    assert_eq!(
        mc["considerations"]["useCases"][0],
        "Research on small language models and on open model release practices"
    );
    let ec = &mc["considerations"]["environmentalConsiderations"]["energyConsumptions"][0];
    assert_eq!(ec["activity"], "training");
    assert_eq!(ec["activityEnergyCost"]["unit"], "kWh");
    assert_eq!(ec["energyProviders"][0]["energySource"], "unknown");
    assert_eq!(ec["co2CostEquivalent"]["unit"], "tCO2eq");
    let ds = mc["modelParameters"]["datasets"].as_array().unwrap();
    assert_eq!(ds.len(), 4, "two from the card, two claimed");
    assert_eq!(
        ds[2]["contents"]["url"],
        "https://huggingface.co/datasets/example-org/open-corpus"
    );
    let metrics = mc["quantitativeAnalysis"]["performanceMetrics"]
        .as_array()
        .unwrap();
    assert_eq!(metrics.len(), 2);
}

#[test]
fn the_file_wins_over_the_card_and_says_so() {
    let card_claims = Claims {
        openness_class: Some(MofClass::II),
        limitations: vec!["x".into()],
        ..Claims::from_card(&card())
    };
    let file = parse(
        "openness_class = \"I\"\n[[datasets]]\nname = \"org/a\"\nlicence = \"CC-BY-4.0\"\n\
         [[evaluation]]\nmetric = \"accuracy\"\nvalue = 0.5\ndataset = \"HellaSwag\"\n",
    )
    .unwrap();
    let (m, conflicts) = file.merge_over(&card_claims);
    assert_eq!(m.openness_class, Some(MofClass::I));
    assert_eq!(
        m.limitations,
        ["x"],
        "the card fills what the file leaves out"
    );
    let names: Vec<&str> = m.datasets.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["org/a", "org/b"]);
    assert_eq!(m.datasets[0].licence.as_ref().unwrap().label(), "CC-BY-4.0");
    assert_eq!(
        m.datasets[0].url.as_deref(),
        Some("https://huggingface.co/datasets/org/a")
    );
    assert_eq!(m.evaluation.len(), 1);
    assert_eq!(m.evaluation[0].value, "0.5");
    let fields: Vec<&str> = conflicts.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        ["evaluation[accuracy on HellaSwag]", "openness_class"]
    );
    assert!(conflicts[1].to_string().contains("the claims file wins"));
}

#[test]
fn hub_urls_only_for_hub_ids() {
    assert!(hub_dataset_url("allenai/c4").is_some());
    assert!(hub_dataset_url("c4").is_some());
    assert!(hub_dataset_url("proprietary web crawl").is_none());
    assert!(hub_dataset_url("a/b/c").is_none());
    assert!(hub_dataset_url("../x").is_none());
}

#[test]
fn classes_order_and_parse() {
    assert!(MofClass::I.covers(MofClass::III));
    assert!(!MofClass::III.covers(MofClass::II));
    assert_eq!("Class II".parse::<MofClass>().unwrap(), MofClass::II);
    assert!("IV".parse::<MofClass>().is_err());
    for c in MofComponent::ALL {
        assert_eq!(c.as_str().parse::<MofComponent>().unwrap(), c);
    }
}
