//! The EU AI Act report for general-purpose AI models (spec/ai-act.md): which documentation
//! items of Art. 53(1)(a)–(d), Annex XI and Annex XII, and of the public summary of training
//! content, a release record covers, which the open-source exemption of Art. 53(2) waives,
//! and what is missing.
//!
//! Pure: a release (as read from a record) and the caller's choices in, a report out. The
//! report only says what the *record* shows; it is not legal advice and decides nothing
//! about whether the model is a general-purpose AI model.
use std::fmt::Write as _;

use sceau_core::claims::{Claims, DatasetPurpose, Inherited, MofComponent};
use sceau_core::{ArtifactKind, Release, Sha256Digest};
use serde::Serialize;

use crate::openness::OpennessReport;

/// What the report covers, for people.
pub const REGULATION: &str = "Regulation (EU) 2024/1689 (AI Act), Art. 53 and Annexes XI and XII: documentation duties of providers of general-purpose AI models";

/// Where the item list comes from (spec/ai-act.md §5).
pub const SOURCES: &[&str] = &[
    "Regulation (EU) 2024/1689, OJ L, 12.7.2024: Art. 51, 53(1)(a)-(d), 53(2), 54(6), 55; Annex XI Sections 1-2; Annex XII; Recitals 102, 104, 107",
    "European Commission, Explanatory Notice and Template for the Public Summary of Training Content for general-purpose AI models (24 July 2025)",
];

/// Said at the top of every report.
pub const DISCLAIMER: &str = "This report lists what the signed release record shows for each documentation item. It is not legal advice: documentation held outside the release, whether the model is a general-purpose AI model, and whether it has systemic risk are for the provider to establish.";

/// How well the record covers an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The record holds what the item asks for.
    Covered,
    /// The record holds part of it.
    Partial,
    /// The record holds nothing for it.
    Missing,
}

impl Status {
    /// `covered`, `partial` or `missing`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Covered => "covered",
            Status::Partial => "partial",
            Status::Missing => "missing",
        }
    }
}

/// One documentation item.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    /// Stable id, the same as the requirement id in testdata/standards/eu-ai-act-gpai.json.
    pub id: &'static str,
    /// Where the item is in the law or template.
    pub reference: &'static str,
    /// What it asks for.
    pub title: &'static str,
    /// How well the record covers it.
    pub status: Status,
    /// What in the record supports it.
    pub evidence: Vec<String>,
    /// What the record lacks, when not covered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
}

/// One obligation of Art. 53(1) with its items.
#[derive(Clone, Debug, Serialize)]
pub struct Obligation {
    /// `art-53-1-a` … `art-53-1-d`.
    pub id: &'static str,
    /// `Art. 53(1)(a)` ….
    pub reference: &'static str,
    /// What it asks for.
    pub title: &'static str,
    /// Whether the open-source exemption can waive it at all.
    pub exemptible: bool,
    /// Whether the exemption waives it for this record.
    pub waived: bool,
    /// Covered when every item is, missing when none is, partial otherwise.
    pub status: Status,
    /// Its items.
    pub items: Vec<Item>,
}

/// One condition of the open-source exemption.
#[derive(Clone, Debug, Serialize)]
pub struct Condition {
    /// Short id.
    pub id: &'static str,
    /// What it asks.
    pub text: &'static str,
    /// Whether the record shows it met.
    pub met: bool,
    /// Why.
    pub evidence: String,
}

/// The open-source exemption of Art. 53(2).
#[derive(Clone, Debug, Serialize)]
pub struct Exemption {
    /// Whether every condition is met.
    pub applies: bool,
    /// The conditions.
    pub conditions: Vec<Condition>,
    /// The obligations it waives when it applies (only ever (a) and (b)).
    pub waives: Vec<&'static str>,
    /// What it never waives.
    pub note: &'static str,
}

/// Whether and how the record was verified before the report.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum RecordStatus {
    /// Read without checking any signature.
    NotVerified,
    /// Signatures met the trust given.
    Verified {
        /// Where the trust came from.
        trust: String,
        /// Who signed, as names with key ids.
        signers: Vec<String>,
    },
}

/// Whether the model has systemic risk, and who says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SystemicRisk {
    /// Not declared: treated as not having systemic risk.
    NotDeclared,
    /// Declared by `--systemic-risk`.
    Declared,
}

/// What the caller gives the report.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    /// The release, from the record's payload.
    pub release: &'a Release,
    /// SHA-256 of the record's payload.
    pub record: Sha256Digest,
    /// The record's signing time, as written.
    pub signed_at: Option<String>,
    /// Whether it was verified.
    pub verification: RecordStatus,
    /// Whether the model has systemic risk.
    pub systemic_risk: SystemicRisk,
}

/// Release identity in the report.
#[derive(Clone, Debug, Serialize)]
pub struct ReleaseId {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// `sha256:<hex>` of the record's payload.
    pub record_id: String,
    /// Signing time.
    pub signed_at: Option<String>,
}

/// Item counts.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Items covered in obligations that apply.
    pub covered: usize,
    /// Items partly covered in obligations that apply.
    pub partial: usize,
    /// Items missing in obligations that apply.
    pub missing: usize,
    /// Items of waived obligations.
    pub waived: usize,
}

/// A missing or partial item of an obligation that applies.
#[derive(Clone, Debug, Serialize)]
pub struct Gap {
    /// Item id.
    pub id: &'static str,
    /// Where it is in the law.
    pub reference: &'static str,
    /// Its status.
    pub status: Status,
    /// What is missing.
    pub missing: String,
}

/// The whole report (its JSON form is spec/ai-act.md §4).
#[derive(Clone, Debug, Serialize)]
pub struct AiActReport {
    /// `eu-ai-act-gpai`.
    pub report: &'static str,
    /// What it covers.
    pub regulation: &'static str,
    /// Whether the record was verified.
    pub verified: bool,
    /// How.
    pub verification: RecordStatus,
    /// The release.
    pub release: ReleaseId,
    /// Systemic risk.
    pub systemic_risk: SystemicRisk,
    /// The open-source exemption.
    pub open_source_exemption: Exemption,
    /// Art. 53(1)(a)–(d).
    pub obligations: Vec<Obligation>,
    /// Counts.
    pub summary: Summary,
    /// What is missing or partial in the obligations that apply.
    pub gaps: Vec<Gap>,
    /// Where the items come from.
    pub sources: &'static [&'static str],
    /// Not legal advice.
    pub disclaimer: &'static str,
}

// ----- Looking at the record ------------------------------------------------------------------

struct View<'a> {
    r: &'a Release,
    /// The effective claims: the record's over its signed card's (spec/claims.md §2.3).
    claims: Option<&'a Claims>,
    /// The MOF components as `sceau openness` finds them (spec/claims.md §3.2).
    openness: &'a OpennessReport,
    signed_at: Option<&'a str>,
}

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

impl View<'_> {
    fn files_of(&self, kind: ArtifactKind) -> Vec<&str> {
        self.r
            .artifacts
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| a.path.as_str())
            .collect()
    }

    /// Paths whose lower-cased name contains one of `needles`.
    fn files_named(&self, needles: &[&str]) -> Vec<&str> {
        self.r
            .artifacts
            .iter()
            .filter(|a| {
                let p = lower(a.path.as_str());
                let name = p.rsplit('/').next().unwrap_or(&p).to_owned();
                needles.iter().any(|n| name.contains(n))
            })
            .map(|a| a.path.as_str())
            .collect()
    }

    fn card_pipeline(&self) -> Option<&str> {
        self.r.card.as_ref()?.pipeline_tag.as_deref()
    }

    fn card_library(&self) -> Option<&str> {
        self.r.card.as_ref()?.library_name.as_deref()
    }

    fn claim_list(&self, f: impl Fn(&Claims) -> &Vec<String>) -> Vec<String> {
        self.claims.map(|c| f(c).clone()).unwrap_or_default()
    }

    /// A MOF component the record has (its files, a claimed location), described as
    /// `sceau openness` finds it (spec/claims.md §3.2).
    fn component(&self, c: MofComponent) -> Option<String> {
        let st = self.openness.component(c);
        if !st.present {
            return None;
        }
        const SHOW: usize = 5;
        let mut ev = st.evidence[..st.evidence.len().min(SHOW)].join(", ");
        if st.evidence.len() > SHOW {
            let _ = write!(ev, " and {} more", st.evidence.len() - SHOW);
        }
        Some(if ev.is_empty() {
            c.label().to_owned()
        } else {
            format!("{}: {ev}", c.label())
        })
    }

    fn weights(&self) -> Vec<&str> {
        self.files_of(ArtifactKind::Weights)
    }

    fn architecture_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .r
            .artifacts
            .iter()
            .filter_map(|a| a.weights.as_ref()?.architecture.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    fn model_cards(&self) -> Vec<&str> {
        self.files_of(ArtifactKind::ModelCard)
    }
}

fn files(label: &str, v: &[&str]) -> Option<String> {
    if v.is_empty() {
        return None;
    }
    const SHOW: usize = 5;
    let mut s = format!("{label}: {}", v[..v.len().min(SHOW)].join(", "));
    if v.len() > SHOW {
        let _ = write!(s, " and {} more", v.len() - SHOW);
    }
    Some(s)
}

fn item(
    id: &'static str,
    reference: &'static str,
    title: &'static str,
    status: Status,
    evidence: Vec<Option<String>>,
    missing: &str,
) -> Item {
    Item {
        id,
        reference,
        title,
        status,
        evidence: evidence.into_iter().flatten().collect(),
        missing: (status != Status::Covered).then(|| missing.to_owned()),
    }
}

fn grade(full: bool, some: bool) -> Status {
    if full {
        Status::Covered
    } else if some {
        Status::Partial
    } else {
        Status::Missing
    }
}

// ----- The items ---------------------------------------------------------------------------------

type Ids = (&'static str, &'static str);

fn tasks(v: &View<'_>, (id, reference): Ids) -> Item {
    let uses = v.claim_list(|c| &c.intended_use);
    let users = v.claim_list(|c| &c.intended_users);
    let pipe = v.card_pipeline();
    item(
        id,
        reference,
        "Tasks the model is intended to perform and the type and nature of AI systems in which it can be integrated",
        grade(!uses.is_empty(), pipe.is_some() || !users.is_empty()),
        vec![
            (!uses.is_empty()).then(|| format!("claims intended_use: {}", uses.join("; "))),
            (!users.is_empty()).then(|| format!("claims intended_users: {}", users.join("; "))),
            pipe.map(|p| format!("model card pipeline_tag: {p}")),
        ],
        "intended uses and the AI systems the model can be integrated in (claims intended_use)",
    )
}

fn aup(v: &View<'_>, (id, reference): Ids) -> Item {
    let docs = v.files_named(&[
        "acceptable-use",
        "acceptable_use",
        "acceptableuse",
        "use-policy",
        "use_policy",
        "usepolicy",
    ]);
    let oos = v.claim_list(|c| &c.out_of_scope_use);
    item(
        id,
        reference,
        "Acceptable use policies applicable",
        grade(!docs.is_empty(), !oos.is_empty()),
        vec![
            files("use policy in the release", &docs),
            (!oos.is_empty()).then(|| format!("claims out_of_scope_use: {}", oos.join("; "))),
        ],
        "an acceptable use policy document in the release (e.g. USE_POLICY.md)",
    )
}

fn release_date(v: &View<'_>, (id, reference): Ids) -> Item {
    item(
        id,
        reference,
        "Date of release and methods of distribution",
        grade(false, v.signed_at.is_some()),
        vec![
            v.signed_at.map(|t| format!("record signed at {t}")),
            Some(format!(
                "distributed as the {} files listed in the record",
                v.r.artifacts.len()
            )),
        ],
        "the release date and the distribution channels (hub, registry, download site) are not recorded; the signing time stands in for the date",
    )
}

fn architecture(v: &View<'_>, (id, reference): Ids) -> Item {
    let params = v.r.parameter_count();
    let archs = v.architecture_names();
    let configs = v.files_of(ArtifactKind::Config);
    let claim = v.component(MofComponent::ModelArchitecture);
    let arch_info = !archs.is_empty() || !configs.is_empty() || claim.is_some();
    item(
        id,
        reference,
        "Architecture and number of parameters",
        grade(params > 0 && arch_info, params > 0 || arch_info),
        vec![
            (params > 0).then(|| format!("{params} parameters, read from the weight headers")),
            (!archs.is_empty()).then(|| format!("architecture: {}", archs.join(", "))),
            files("configuration", &configs),
            claim,
        ],
        if params == 0 {
            "the number of parameters (no weight header sceau reads: safetensors or GGUF)"
        } else {
            "architecture information (a config file, or the model-architecture component in the claims)"
        },
    )
}

fn modality(v: &View<'_>, (id, reference): Ids, with_max_size: bool) -> Item {
    let pipe = v.card_pipeline();
    let tok = v.files_of(ArtifactKind::Tokenizer);
    let configs = v.files_of(ArtifactKind::Config);
    let (status, missing, title) = if with_max_size {
        (
            grade(false, pipe.is_some() || !configs.is_empty()),
            "the maximum input and output size (context window) is not recorded as such; it may be in a config file, which sceau does not read",
            "Modality and format of inputs and outputs and their maximum size (e.g. context window length)",
        )
    } else {
        (
            grade(pipe.is_some() && (!tok.is_empty() || !configs.is_empty()), pipe.is_some()),
            "the input and output modality (model card pipeline_tag) and format (tokenizer or config files)",
            "Modality (e.g. text, image) and format of inputs and outputs",
        )
    };
    item(
        id,
        reference,
        title,
        status,
        vec![
            pipe.map(|p| format!("model card pipeline_tag: {p}")),
            files("tokenizer", &tok),
            files("configuration", &configs),
        ],
        missing,
    )
}

fn licence_item(v: &View<'_>, (id, reference): Ids) -> Item {
    let mut ev = Vec::new();
    if let Some(l) = &v.r.licence {
        ev.push(Some(format!("release licence: {}", l.label())));
    }
    if let Some(l) = v
        .claims
        .and_then(|c| c.component(MofComponent::ModelParameters))
        .and_then(|c| c.licence.as_ref())
    {
        ev.push(Some(format!(
            "claims: model parameters under {}",
            l.label()
        )));
    }
    let lic_files = v.files_of(ArtifactKind::Licence);
    ev.push(files("licence files", &lic_files));
    let any = ev.iter().any(Option::is_some);
    item(
        id,
        reference,
        "The licence",
        grade(any, false),
        ev,
        "a licence (model card licence, the claims, or a LICENSE file)",
    )
}

fn integration(v: &View<'_>, (id, reference): Ids) -> Item {
    let cards = v.model_cards();
    let lib = v.card_library();
    let inference = v.component(MofComponent::InferenceCode);
    let docs = v.files_of(ArtifactKind::Docs);
    item(
        id,
        reference,
        "Technical means (e.g. instructions of use, infrastructure, tools) required for the model to be integrated in AI systems",
        grade(
            !cards.is_empty() && (lib.is_some() || inference.is_some()),
            !cards.is_empty() || lib.is_some() || inference.is_some() || !docs.is_empty(),
        ),
        vec![
            files("model card", &cards),
            lib.map(|l| format!("model card library_name: {l}")),
            inference,
            files("documentation", &docs),
        ],
        "instructions of use (model card) together with the library or inference code needed to run it",
    )
}

fn design(v: &View<'_>, (id, reference): Ids) -> Item {
    let report = v
        .component(MofComponent::TechnicalReport)
        .or_else(|| v.component(MofComponent::ResearchPaper));
    let training = v.component(MofComponent::TrainingCode);
    item(
        id,
        reference,
        "Design specifications of the model and training process: training methodologies and techniques, key design choices and their rationale, what the model optimises for, relevance of the parameters",
        grade(report.is_some(), training.is_some()),
        vec![report, training],
        "a technical report or research paper describing the training process (claims technical-report or research-paper component)",
    )
}

fn data(v: &View<'_>, (id, reference): Ids) -> Item {
    let ds: Vec<&sceau_core::claims::DatasetClaim> = v
        .claims
        .map(|c| c.datasets.iter().collect())
        .unwrap_or_default();
    let card_ds: Vec<String> =
        v.r.card
            .as_ref()
            .map(|c| c.datasets.clone())
            .unwrap_or_default();
    let training: Vec<_> = ds
        .iter()
        .filter(|d| d.purpose == DatasetPurpose::Training)
        .collect();
    let described = |d: &&&sceau_core::claims::DatasetClaim| {
        d.description.is_some() && (d.url.is_some() || d.included)
    };
    let full = !training.is_empty() && training.iter().all(described);
    let data_card = v.component(MofComponent::DataCard);
    let mut ev: Vec<Option<String>> = ds
        .iter()
        .take(10)
        .map(|d| {
            Some(format!(
                "claims dataset {} ({}{}{}{})",
                d.name,
                d.purpose.as_str(),
                d.licence
                    .as_ref()
                    .map(|l| format!(", licence {}", l.label()))
                    .unwrap_or_default(),
                d.url
                    .as_ref()
                    .map(|u| format!(", at {u}"))
                    .unwrap_or_default(),
                if d.included { ", included" } else { "" }
            ))
        })
        .collect();
    if ds.is_empty() && !card_ds.is_empty() {
        ev.push(Some(format!("model card datasets: {}", card_ds.join(", "))));
    }
    ev.push(data_card.clone());
    ev.push(files("dataset files", &v.files_of(ArtifactKind::Dataset)));
    ev.push(
        v.claims
            .and_then(|c| c.personal_data)
            .map(|p| format!("claims personal_data: {}", p.as_str())),
    );
    item(
        id,
        reference,
        "Information on the data used for training, testing and validation: type and provenance, curation methodologies, number of data points, scope and main characteristics, how obtained and selected, measures to detect unsuitable sources and biases",
        grade(full, !ds.is_empty() || !card_ds.is_empty() || data_card.is_some()),
        ev,
        "every training dataset in the claims with a description (provenance, selection, curation) and where to obtain it",
    )
}

fn compute(_v: &View<'_>, (id, reference): Ids) -> Item {
    item(
        id,
        reference,
        "Computational resources used to train the model (e.g. number of floating-point operations), training time, and other relevant training details",
        Status::Missing,
        vec![],
        "training compute (FLOPs) and training time: sceau records no field for them (state them in the technical report)",
    )
}

fn energy(v: &View<'_>, (id, reference): Ids) -> Item {
    let e = v.claims.and_then(|c| c.energy.as_ref());
    item(
        id,
        reference,
        "Known or estimated energy consumption of the model",
        grade(
            e.is_some_and(|e| e.kwh.is_some()),
            e.is_some_and(|e| e.tco2eq.is_some()),
        ),
        vec![e.map(|e| {
            format!(
                "claims energy: {}{}{} ({} source {})",
                e.kwh.map(|k| format!("{k} kWh")).unwrap_or_default(),
                if e.kwh.is_some() && e.tco2eq.is_some() {
                    ", "
                } else {
                    ""
                },
                e.tco2eq.map(|t| format!("{t} tCO2eq")).unwrap_or_default(),
                e.activity,
                e.source
            )
        })],
        "energy used for training in kWh (claims energy.kwh), measured or estimated from compute",
    )
}

fn evaluation(v: &View<'_>, (id, reference): Ids) -> Item {
    let evals = v.claims.map(|c| c.evaluation.len()).unwrap_or(0);
    let card = v.r.card.as_ref().map(|c| c.eval_results.len()).unwrap_or(0);
    let code = v.component(MofComponent::EvaluationCode);
    item(
        id,
        reference,
        "Evaluation strategies and results, including evaluation criteria, metrics and the methodology for identifying limitations",
        grade(evals + card > 0 && code.is_some(), evals + card > 0 || code.is_some()),
        vec![
            (evals > 0).then(|| format!("claims: {evals} evaluation result(s)")),
            (card > 0).then(|| format!("model card: {card} evaluation result(s)")),
            code,
        ],
        "evaluation results with the evaluation code or methodology (claims evaluation, evaluation-code component)",
    )
}

fn adversarial(v: &View<'_>, (id, reference): Ids) -> Item {
    let docs = v.files_named(&["red-team", "redteam", "red_team", "adversarial"]);
    item(
        id,
        reference,
        "Measures for internal and/or external adversarial testing (e.g. red teaming), model adaptations including alignment and fine-tuning",
        grade(!docs.is_empty(), false),
        vec![files("adversarial testing report", &docs)],
        "a red-teaming / adversarial testing report in the release",
    )
}

fn system_architecture(v: &View<'_>, (id, reference): Ids) -> Item {
    let docs = v.files_of(ArtifactKind::Docs);
    item(
        id,
        reference,
        "Where applicable, a detailed description of the system architecture explaining how software components build or feed into each other",
        grade(false, !docs.is_empty()),
        vec![files("documentation", &docs)],
        "a system architecture description (where applicable)",
    )
}

fn hw_sw(v: &View<'_>, (id, reference): Ids) -> Item {
    let lib = v.card_library();
    let code = v.files_of(ArtifactKind::Code);
    item(
        id,
        reference,
        "How the model interacts, or can be used to interact, with hardware or software that is not part of the model itself, where applicable",
        grade(lib.is_some() && !code.is_empty(), lib.is_some() || !code.is_empty()),
        vec![
            lib.map(|l| format!("model card library_name: {l}")),
            files("code", &code),
        ],
        "the software (library) and code the model runs with (where applicable)",
    )
}

fn sw_versions(v: &View<'_>, (id, reference): Ids) -> Item {
    let pins = v.files_named(&[
        "requirements",
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "environment.yml",
        "environment.yaml",
        "poetry.lock",
        "uv.lock",
        "package.json",
        "cargo.toml",
    ]);
    let lib = v.card_library();
    item(
        id,
        reference,
        "The versions of relevant software related to the use of the model, where applicable",
        grade(!pins.is_empty(), lib.is_some()),
        vec![
            files("dependency files", &pins),
            lib.map(|l| format!("model card library_name: {l} (no version)")),
        ],
        "pinned software versions (requirements.txt, pyproject.toml …) in the release (where applicable)",
    )
}

fn copyright(v: &View<'_>, (id, reference): Ids) -> Item {
    let docs = v.files_named(&[
        "copyright-policy",
        "copyright_policy",
        "copyrightpolicy",
        "tdm-policy",
        "tdm_policy",
        "text-and-data-mining",
    ]);
    item(
        id,
        reference,
        "A policy to comply with Union copyright law, in particular to identify and comply with reservations of rights under Art. 4(3) of Directive (EU) 2019/790 (text and data mining opt-outs)",
        grade(!docs.is_empty(), false),
        vec![files("copyright policy in the release", &docs)],
        "a copyright policy document in the release (e.g. COPYRIGHT_POLICY.md), covering text-and-data-mining opt-outs",
    )
}

fn tcs_names() -> &'static [&'static str] {
    &[
        "training-content-summary",
        "training_content_summary",
        "trainingcontentsummary",
        "training-data-summary",
        "training_data_summary",
        "public-summary",
        "public_summary",
    ]
}

fn tcs_document(v: &View<'_>) -> Item {
    let docs = v.files_named(tcs_names());
    item(
        "tcs-document",
        "Art. 53(1)(d); AI Office template",
        "A sufficiently detailed public summary of the content used for training, following the AI Office template",
        grade(!docs.is_empty(), false),
        vec![files("training-content summary in the release", &docs)],
        "the public summary of training content (e.g. TRAINING_CONTENT_SUMMARY.md) in the release",
    )
}

fn tcs_provider(v: &View<'_>) -> Item {
    let org = v.r.name.split_once('/').map(|(o, _)| o);
    let provider = v.claims.and_then(|c| c.provider.as_ref());
    let contacts: Vec<&str> = provider
        .map(|p| {
            [p.email.as_deref(), p.url.as_deref()]
                .into_iter()
                .flatten()
                .collect()
        })
        .unwrap_or_default();
    let missing = match provider {
        Some(_) => "the provider's contact details (an e-mail or a URL in [provider])",
        None => "the provider's name and contact details ([provider] in the claims)",
    };
    item(
        "tcs-1-1",
        "Template 1.1",
        "Provider identification: name and contact details (and authorised representative)",
        grade(
            provider.is_some() && !contacts.is_empty(),
            provider.is_some() || org.is_some(),
        ),
        vec![
            provider.map(|p| format!("claimed provider {:?}", p.name)),
            (!contacts.is_empty()).then(|| format!("provider contact {}", contacts.join(", "))),
            org.filter(|_| provider.is_none())
                .map(|o| format!("release name names the organisation {o:?}")),
        ],
        missing,
    )
}

fn tcs_model(v: &View<'_>) -> Item {
    let card_base: Vec<String> =
        v.r.card
            .as_ref()
            .map(|c| c.base_model.clone())
            .unwrap_or_default();
    let parents = &v.r.parents;
    let deps_ok = parents.len() >= card_base.len();
    let mut ev = vec![Some(format!("model {} version {}", v.r.name, v.r.version))];
    for p in parents {
        ev.push(Some(format!(
            "base model {} {} ({}), signed record sha256:{}",
            p.name, p.version, p.relation, p.record
        )));
    }
    if parents.is_empty() && !card_base.is_empty() {
        ev.push(Some(format!(
            "model card base_model: {} (no signed parent record)",
            card_base.join(", ")
        )));
    }
    item(
        "tcs-1-2",
        "Template 1.2",
        "Model identification: versioned model name and model dependencies (the base model it modifies or fine-tunes)",
        grade(deps_ok, true),
        ev,
        "the base model as a signed parent record (sign --parent RECORD:RELATION)",
    )
}

fn tcs_modalities(v: &View<'_>) -> Item {
    let pipe = v.card_pipeline();
    let langs: Vec<String> =
        v.r.card
            .as_ref()
            .map(|c| c.language.clone())
            .unwrap_or_default();
    item(
        "tcs-1-3",
        "Template 1.3",
        "Modalities, training data size per modality, types of content, latest date of data collection, linguistic characteristics",
        grade(false, pipe.is_some() || !langs.is_empty()),
        vec![
            pipe.map(|p| format!("model card pipeline_tag: {p}")),
            (!langs.is_empty()).then(|| format!("model card language: {}", langs.join(", "))),
        ],
        "training data size per modality and the latest date of data collection are not recorded",
    )
}

fn tcs_sources(v: &View<'_>) -> Item {
    let ds: Vec<&sceau_core::claims::DatasetClaim> = v
        .claims
        .map(|c| {
            c.datasets
                .iter()
                .filter(|d| d.purpose == DatasetPurpose::Training)
                .collect()
        })
        .unwrap_or_default();
    let card_ds: Vec<String> =
        v.r.card
            .as_ref()
            .map(|c| c.datasets.clone())
            .unwrap_or_default();
    let located = ds.iter().filter(|d| d.url.is_some() || d.included).count();
    item(
        "tcs-2",
        "Template 2.1-2.6",
        "List of data sources: public datasets, licensed private datasets, crawled and scraped data, user data, synthetic data, other sources",
        grade(!ds.is_empty() && located == ds.len(), !ds.is_empty() || !card_ds.is_empty()),
        vec![
            (!ds.is_empty()).then(|| {
                format!(
                    "claims: {} training dataset(s), {located} with where to obtain them",
                    ds.len()
                )
            }),
            (ds.is_empty() && !card_ds.is_empty())
                .then(|| format!("model card datasets: {}", card_ds.join(", "))),
        ],
        "every training data source with where to obtain it (claims datasets with url), including crawled, user and synthetic data",
    )
}

fn tcs_processing(v: &View<'_>) -> Item {
    let summary = v.files_named(tcs_names());
    let policy = v.files_named(&[
        "copyright-policy",
        "copyright_policy",
        "tdm-policy",
        "tdm_policy",
    ]);
    item(
        "tcs-3",
        "Template 3.1-3.2",
        "Data processing: respect of text-and-data-mining opt-outs and removal of illegal content",
        grade(false, !summary.is_empty() || !policy.is_empty()),
        vec![
            files("training-content summary (not read by sceau)", &summary),
            files("copyright policy (not read by sceau)", &policy),
        ],
        "how TDM opt-outs were respected and illegal content removed: sceau cannot read this from the record",
    )
}

// ----- Exemption -----------------------------------------------------------------------------------

fn exemption(v: &View<'_>, systemic: SystemicRisk) -> Exemption {
    // The parameters' licences, judged as `sceau openness` judges them (spec/claims.md §3.3-§3.4):
    // OSI-approved, FSF-libre, open-data or open-content licences, or OpenMDW.
    let params = v.openness.component(MofComponent::ModelParameters);
    let labels: Vec<&str> = params.licences.iter().map(|l| l.licence.as_str()).collect();
    let open =
        params.present && !params.licences.is_empty() && params.licences.iter().all(|l| l.open);
    let from = "the model parameters' licence";
    let lics = &params.licences;
    let weights = v.weights();
    let params_claim = v.component(MofComponent::ModelParameters);
    let arch = !v.architecture_names().is_empty()
        || !v.files_of(ArtifactKind::Config).is_empty()
        || v.component(MofComponent::ModelArchitecture).is_some();
    let cards = v.model_cards();
    let uses = v.claim_list(|c| &c.intended_use);
    let conditions = vec![
        Condition {
            id: "licence",
            text: "The model is released under a free and open-source licence that allows access, usage, modification and distribution (Art. 53(2), Recital 102)",
            met: open,
            evidence: if lics.is_empty() || labels == ["none"] {
                "no licence for the parameters in the record".into()
            } else if open {
                format!("{from}: {} (free and open-source)", labels.join(", "))
            } else {
                format!(
                    "{from}: {} is not a free and open-source licence (OSI-approved, FSF-libre or open-data)",
                    labels.join(", ")
                )
            },
        },
        Condition {
            id: "parameters",
            text: "The parameters, including the weights, are made publicly available",
            met: !weights.is_empty() || params_claim.is_some(),
            evidence: files("weights in the release", &weights)
                .or(params_claim)
                .unwrap_or_else(|| "no weight file in the record".into()),
        },
        Condition {
            id: "architecture",
            text: "Information on the model architecture is made publicly available",
            met: arch,
            evidence: if arch {
                "architecture recorded from the weights, a config file or the claims".into()
            } else {
                "no architecture information in the record".into()
            },
        },
        Condition {
            id: "usage",
            text: "Information on model usage is made publicly available",
            met: !cards.is_empty() || !uses.is_empty(),
            evidence: files("model card", &cards)
                .or_else(|| (!uses.is_empty()).then(|| "claims intended_use".to_owned()))
                .unwrap_or_else(|| "no model card or intended use in the record".into()),
        },
        Condition {
            id: "not-systemic-risk",
            text: "The model is not a general-purpose AI model with systemic risk (Art. 51; presumed above 10^25 training FLOPs)",
            met: systemic == SystemicRisk::NotDeclared,
            evidence: match systemic {
                SystemicRisk::NotDeclared => {
                    "systemic risk not declared (pass --systemic-risk if it applies)".into()
                }
                SystemicRisk::Declared => "systemic risk declared with --systemic-risk".into(),
            },
        },
    ];
    let applies = conditions.iter().all(|c| c.met);
    Exemption {
        applies,
        conditions,
        waives: if applies {
            vec!["art-53-1-a", "art-53-1-b"]
        } else {
            Vec::new()
        },
        note: "The exemption of Art. 53(2) only ever waives Art. 53(1)(a) and (b); the copyright policy (c) and the training-content summary (d) are always due, and nothing is waived for models with systemic risk. 'Publicly available' means published: the record shows these are part of the release, not that the release is public.",
    }
}

// ----- The report ------------------------------------------------------------------------------------

fn aggregate(items: &[Item]) -> Status {
    if items.iter().all(|i| i.status == Status::Covered) {
        Status::Covered
    } else if items.iter().all(|i| i.status == Status::Missing) {
        Status::Missing
    } else {
        Status::Partial
    }
}

fn obligation(
    id: &'static str,
    reference: &'static str,
    title: &'static str,
    exemptible: bool,
    waived: bool,
    items: Vec<Item>,
) -> Obligation {
    Obligation {
        id,
        reference,
        title,
        exemptible,
        waived,
        status: aggregate(&items),
        items,
    }
}

/// Builds the report (spec/ai-act.md).
pub fn ai_act_report(input: &Input<'_>) -> AiActReport {
    let r = input.release;
    let claims = Claims::effective(r);
    let openness = crate::openness::evaluate(r, &Inherited::default());
    let v = View {
        r,
        claims: Some(&claims),
        openness: &openness,
        signed_at: input.signed_at.as_deref(),
    };
    let ex = exemption(&v, input.systemic_risk);
    let waive_ab = ex.applies;
    let mut xi = vec![
        tasks(&v, ("annex-xi-1-1-a", "Annex XI 1.1(a)")),
        aup(&v, ("annex-xi-1-1-b", "Annex XI 1.1(b)")),
        release_date(&v, ("annex-xi-1-1-c", "Annex XI 1.1(c)")),
        architecture(&v, ("annex-xi-1-1-d", "Annex XI 1.1(d)")),
        modality(&v, ("annex-xi-1-1-e", "Annex XI 1.1(e)"), false),
        licence_item(&v, ("annex-xi-1-1-f", "Annex XI 1.1(f)")),
        integration(&v, ("annex-xi-1-2-a", "Annex XI 1.2(a)")),
        design(&v, ("annex-xi-1-2-b", "Annex XI 1.2(b)")),
        data(&v, ("annex-xi-1-2-c", "Annex XI 1.2(c)")),
        compute(&v, ("annex-xi-1-2-d", "Annex XI 1.2(d)")),
        energy(&v, ("annex-xi-1-2-e", "Annex XI 1.2(e)")),
    ];
    if input.systemic_risk == SystemicRisk::Declared {
        xi.push(evaluation(&v, ("annex-xi-2-1", "Annex XI 2.1")));
        xi.push(adversarial(&v, ("annex-xi-2-2", "Annex XI 2.2")));
        xi.push(system_architecture(&v, ("annex-xi-2-3", "Annex XI 2.3")));
    }
    let xii = vec![
        tasks(&v, ("annex-xii-1-a", "Annex XII 1(a)")),
        aup(&v, ("annex-xii-1-b", "Annex XII 1(b)")),
        release_date(&v, ("annex-xii-1-c", "Annex XII 1(c)")),
        hw_sw(&v, ("annex-xii-1-d", "Annex XII 1(d)")),
        sw_versions(&v, ("annex-xii-1-e", "Annex XII 1(e)")),
        architecture(&v, ("annex-xii-1-f", "Annex XII 1(f)")),
        modality(&v, ("annex-xii-1-g", "Annex XII 1(g)"), false),
        licence_item(&v, ("annex-xii-1-h", "Annex XII 1(h)")),
        integration(&v, ("annex-xii-2-a", "Annex XII 2(a)")),
        modality(&v, ("annex-xii-2-b", "Annex XII 2(b)"), true),
        data(&v, ("annex-xii-2-c", "Annex XII 2(c)")),
    ];
    let obligations = vec![
        obligation(
            "art-53-1-a",
            "Art. 53(1)(a)",
            "Technical documentation of the model, including its training and testing process and the results of its evaluation, with at least the information of Annex XI, for the AI Office and national authorities",
            true,
            waive_ab,
            xi,
        ),
        obligation(
            "art-53-1-b",
            "Art. 53(1)(b)",
            "Information and documentation for providers of AI systems who intend to integrate the model, with at least the elements of Annex XII",
            true,
            waive_ab,
            xii,
        ),
        obligation(
            "art-53-1-c",
            "Art. 53(1)(c)",
            "A policy to comply with Union copyright law and related rights",
            false,
            false,
            vec![copyright(&v, ("copyright-policy", "Art. 53(1)(c)"))],
        ),
        obligation(
            "art-53-1-d",
            "Art. 53(1)(d)",
            "A sufficiently detailed summary of the content used for training, made publicly available according to the AI Office template",
            false,
            false,
            vec![
                tcs_document(&v),
                tcs_provider(&v),
                tcs_model(&v),
                tcs_modalities(&v),
                tcs_sources(&v),
                tcs_processing(&v),
            ],
        ),
    ];
    let mut summary = Summary::default();
    let mut gaps = Vec::new();
    for o in &obligations {
        for i in &o.items {
            if o.waived {
                summary.waived += 1;
                continue;
            }
            match i.status {
                Status::Covered => summary.covered += 1,
                Status::Partial => summary.partial += 1,
                Status::Missing => summary.missing += 1,
            }
            if let (Status::Partial | Status::Missing, Some(m)) = (i.status, &i.missing) {
                gaps.push(Gap {
                    id: i.id,
                    reference: i.reference,
                    status: i.status,
                    missing: m.clone(),
                });
            }
        }
    }
    AiActReport {
        report: "eu-ai-act-gpai",
        regulation: REGULATION,
        verified: matches!(input.verification, RecordStatus::Verified { .. }),
        verification: input.verification.clone(),
        release: ReleaseId {
            name: r.name.clone(),
            version: r.version.clone(),
            record_id: format!("sha256:{}", input.record),
            signed_at: input.signed_at.clone(),
        },
        systemic_risk: input.systemic_risk,
        open_source_exemption: ex,
        obligations,
        summary,
        gaps,
        sources: SOURCES,
        disclaimer: DISCLAIMER,
    }
}

mod render;

impl AiActReport {
    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        render::markdown(self)
    }

    /// The report as one self-contained HTML page (no scripts, no external resources).
    pub fn to_html(&self) -> String {
        render::html_page(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sceau_core::release::{Artifact, IgnoreRules};
    use sceau_core::{Licence, RelPath, WeightFormat, WeightInfo};

    fn art(path: &str, kind: ArtifactKind) -> Artifact {
        Artifact {
            path: RelPath::new(path).unwrap(),
            size: 1,
            sha256: Sha256Digest([0; 32]),
            blake3: None,
            kind,
            licence: None,
            detected_licence: None,
            weights: (kind == ArtifactKind::Weights).then(|| WeightInfo {
                format: WeightFormat::Safetensors,
                tensor_count: 1,
                parameter_count: 1000,
                dtypes: Default::default(),
                architecture: None,
                file_type: None,
            }),
            folder: None,
            fingerprint: None,
        }
    }

    fn release(licence: &str, files: &[(&str, ArtifactKind)]) -> Release {
        let mut artifacts: Vec<Artifact> = files.iter().map(|(p, k)| art(p, *k)).collect();
        artifacts.sort_by(|a, b| a.path.cmp(&b.path));
        Release {
            name: "org/m".into(),
            version: "1.0".into(),
            artifacts,
            licence: Some(Licence::Spdx {
                expression: licence.into(),
            }),
            card: None,
            ignore: IgnoreRules::default(),
            parents: vec![],
            tokenizer_changed: false,
            oms_root: None,
            claims: None,
            manifest: None,
        }
    }

    fn report(r: &Release, systemic: SystemicRisk) -> AiActReport {
        ai_act_report(&Input {
            release: r,
            record: Sha256Digest([1; 32]),
            signed_at: Some("2026-01-01T00:00:00Z".into()),
            verification: RecordStatus::NotVerified,
            systemic_risk: systemic,
        })
    }

    const OPEN: &[(&str, ArtifactKind)] = &[
        ("model.safetensors", ArtifactKind::Weights),
        ("config.json", ArtifactKind::Config),
        ("README.md", ArtifactKind::ModelCard),
        ("LICENSE", ArtifactKind::Licence),
    ];

    #[test]
    fn an_open_release_is_exempt_from_a_and_b_only() {
        let r = release("Apache-2.0", OPEN);
        let rep = report(&r, SystemicRisk::NotDeclared);
        assert!(rep.open_source_exemption.applies);
        let waived: Vec<_> = rep
            .obligations
            .iter()
            .filter(|o| o.waived)
            .map(|o| o.id)
            .collect();
        assert_eq!(waived, ["art-53-1-a", "art-53-1-b"]);
        assert!(rep.gaps.iter().any(|g| g.id == "copyright-policy"));
        assert!(rep.gaps.iter().all(|g| !g.id.starts_with("annex-")));
    }

    #[test]
    fn systemic_risk_or_a_closed_licence_waives_nothing() {
        let r = release("Apache-2.0", OPEN);
        let rep = report(&r, SystemicRisk::Declared);
        assert!(!rep.open_source_exemption.applies);
        assert!(rep.obligations.iter().all(|o| !o.waived));
        assert!(rep.obligations[0]
            .items
            .iter()
            .any(|i| i.id == "annex-xi-2-2"));
        for lic in ["CC-BY-NC-4.0", "LicenseRef-llama3"] {
            let r = release(lic, OPEN);
            let rep = report(&r, SystemicRisk::NotDeclared);
            assert!(!rep.open_source_exemption.applies, "{lic}");
            assert!(!rep.open_source_exemption.conditions[0].met, "{lic}");
        }
        let mut r = release("MIT", OPEN);
        let w = r
            .artifacts
            .iter()
            .position(|a| a.kind == ArtifactKind::Weights)
            .unwrap();
        r.artifacts[w].licence = Some(Licence::Named {
            id: "llama3.1".into(),
            url: None,
            file: None,
        });
        let rep = report(&r, SystemicRisk::NotDeclared);
        assert!(!rep.open_source_exemption.applies);
        assert!(
            rep.open_source_exemption.conditions[0]
                .evidence
                .contains("llama3.1"),
            "{:?}",
            rep.open_source_exemption.conditions[0]
        );
    }

    #[test]
    fn documents_in_the_release_cover_c_and_d() {
        let mut files = OPEN.to_vec();
        files.push(("COPYRIGHT_POLICY.md", ArtifactKind::Docs));
        files.push(("TRAINING_CONTENT_SUMMARY.md", ArtifactKind::Docs));
        let r = release("MIT", &files);
        let rep = report(&r, SystemicRisk::NotDeclared);
        let st = |id: &str| {
            rep.obligations
                .iter()
                .flat_map(|o| &o.items)
                .find(|i| i.id == id)
                .unwrap()
                .status
        };
        assert_eq!(st("copyright-policy"), Status::Covered);
        assert_eq!(st("tcs-document"), Status::Covered);
        assert_eq!(st("annex-xi-1-1-d"), Status::Covered);
        assert_eq!(st("annex-xi-1-2-d"), Status::Missing);
        assert_eq!(rep.obligations[2].status, Status::Covered);
    }

    #[test]
    fn the_claimed_provider_identifies_the_provider_for_the_training_summary() {
        let st = |r: &Release| {
            let rep = report(r, SystemicRisk::NotDeclared);
            let i = rep
                .obligations
                .iter()
                .flat_map(|o| &o.items)
                .find(|i| i.id == "tcs-1-1")
                .cloned()
                .unwrap();
            (i.status, i.evidence.join("; "))
        };
        let mut r = release("MIT", OPEN);
        assert_eq!(st(&r).0, Status::Partial, "org/ in the name only");
        r.name = "m".into();
        assert_eq!(st(&r).0, Status::Missing);
        let mut claims = sceau_core::Claims {
            provider: Some(sceau_core::claims::Provider {
                name: "Example Org".into(),
                url: None,
                email: None,
            }),
            ..Default::default()
        };
        r.claims = Some(claims.clone());
        let (status, evidence) = st(&r);
        assert_eq!(status, Status::Partial, "a name without contact");
        assert!(evidence.contains("Example Org"), "{evidence}");
        if let Some(p) = claims.provider.as_mut() {
            p.email = Some("security@example.invalid".into());
        }
        r.claims = Some(claims);
        let (status, evidence) = st(&r);
        assert_eq!(status, Status::Covered);
        assert!(evidence.contains("security@example.invalid"), "{evidence}");
    }

    #[test]
    fn renderers_escape_record_text() {
        let mut r = release("MIT", OPEN);
        r.name = "org/<script>|x".into();
        let rep = report(&r, SystemicRisk::NotDeclared);
        let h = rep.to_html();
        assert!(!h.contains("<script>"));
        assert!(h.contains("&lt;script&gt;"));
        assert!(h.contains("NOT VERIFIED"));
        let m = rep.to_markdown();
        assert!(m.contains("org/\\<script\\>\\|x"));
        assert!(m.contains("NOT VERIFIED"));
        assert!(m.contains("## Art. 53(1)(c)"));
    }
}
