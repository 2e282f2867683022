//! Openness computed, not asserted (spec/claims.md §3): the Model Openness Framework class and
//! the OSI Open Source AI Definition items a release reaches, derived from the artifacts and
//! licences in its signed record; and **open washing** — a claimed class or "open source" the
//! record does not support — named component by component.
//!
//! [`evaluate`] is a pure function of a release (and the datasets its verified ancestors
//! declare). It reads no file, no clock and prints nothing.
use std::collections::BTreeSet;

use sceau_core::claims::{
    Claims, ComponentClaim, ContentType, DatasetClaim, DatasetPurpose, Inherited, InheritedDataset,
    InheritedLicence, MofClass, MofComponent, PathIndex,
};
use sceau_core::{Artifact, ArtifactKind, Licence, Release};
use serde::Serialize;

mod detect;
pub mod licences;

pub use detect::{by_convention, is_evaluation_data, is_intermediate};
use licences::{judge, LicenceVerdict};

/// How many file names a component lists as evidence before summarising.
const MAX_EVIDENCE: usize = 8;

/// One MOF component as found in the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComponentStatus {
    /// Which component.
    pub component: MofComponent,
    /// For people.
    pub label: &'static str,
    /// The class whose rows include it.
    pub class: MofClass,
    /// Code, data or document.
    pub content_type: ContentType,
    /// Whether its class needs it.
    pub required: bool,
    /// Whether the record has it (files, a claimed location, or the model card standing in).
    pub present: bool,
    /// What was found: file paths, URLs, "the model card lists the datasets".
    pub evidence: Vec<String>,
    /// Each distinct licence that applies, judged for the component's content type.
    pub licences: Vec<LicenceVerdict>,
    /// Present and every licence open.
    pub open: bool,
    /// Every licence of the kind the content type needs.
    pub type_appropriate: bool,
    /// Counts toward its class: present, open, and no problem.
    pub satisfied: bool,
    /// Why it does not count (missing files, undisclosed datasets, closed licences).
    pub problems: Vec<String>,
    /// Counted, but worth knowing (open licences that do not suit the content type).
    pub warnings: Vec<String>,
}

impl ComponentStatus {
    /// Why the component does not count, in one line.
    pub fn reason(&self) -> String {
        if self.problems.is_empty() {
            if self.present {
                "does not count".into()
            } else {
                "not in the record".into()
            }
        } else {
            self.problems.join("; ")
        }
    }
}

/// A component a class needs and the record lacks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// Which component.
    pub component: MofComponent,
    /// For people.
    pub label: &'static str,
    /// Why it does not count.
    pub reason: String,
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.component, self.label, self.reason)
    }
}

/// One item of the OSI Open Source AI Definition 1.0.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OsaidItem {
    /// `data-information`, `code` or `parameters`.
    pub item: &'static str,
    /// Whether the record provides it.
    pub met: bool,
    /// What is missing or not under acceptable terms.
    pub missing: Vec<String>,
}

/// A claim the record does not support.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OpenWashing {
    /// What is claimed ("openness class I (Open Science Model)", "open source").
    pub claim: String,
    /// What the record lacks for it, naming each component or item.
    pub missing: Vec<String>,
}

/// Everything [`evaluate`] found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OpennessReport {
    /// The most open MOF class reached; `None` when not even Class III.
    pub class: Option<MofClass>,
    /// Every component, in MOF order.
    pub components: Vec<ComponentStatus>,
    /// The next class up, when there is one.
    pub next_class: Option<MofClass>,
    /// What the next class needs that the record lacks.
    pub missing_for_next: Vec<Missing>,
    /// The OSAID items.
    pub osaid: Vec<OsaidItem>,
    /// All OSAID items met.
    pub open_source_ai: bool,
    /// The class the maintainers claim.
    pub claimed_class: Option<MofClass>,
    /// Whether the maintainers claim "open source".
    pub claimed_open_source: Option<bool>,
    /// Claims the record does not support; empty when the claims hold.
    pub open_washing: Vec<OpenWashing>,
    /// Datasets declared by verified ancestors, counted for data information.
    pub inherited_datasets: Vec<InheritedDataset>,
    /// Licences the weights inherit from their ancestors' weights (spec/lineage.md §5.7).
    pub inherited_licences: Vec<InheritedLicence>,
    /// Warnings over all components.
    pub warnings: Vec<String>,
}

impl OpennessReport {
    /// True when every openness claim is supported (no open washing).
    pub fn passed(&self) -> bool {
        self.open_washing.is_empty()
    }

    /// The status of one component.
    pub fn component(&self, c: MofComponent) -> &ComponentStatus {
        // Built from MofComponent::ALL: every component is there, in that order.
        &self.components[MofComponent::ALL
            .iter()
            .position(|x| *x == c)
            .unwrap_or_default()]
    }

    /// What `target` needs that the record lacks (cumulative: Class I includes II and III).
    pub fn missing_for(&self, target: MofClass) -> Vec<Missing> {
        missing_for(&self.components, target)
    }
}

fn evidence_of(files: &[&Artifact]) -> Vec<String> {
    let mut out: Vec<String> = files
        .iter()
        .take(MAX_EVIDENCE)
        .map(|a| a.path.to_string())
        .collect();
    if files.len() > MAX_EVIDENCE {
        out.push(format!("and {} more file(s)", files.len() - MAX_EVIDENCE));
    }
    out
}

fn kind_word(ct: ContentType) -> &'static str {
    match ct {
        ContentType::Code => "an OSI-approved licence",
        ContentType::Data => "an open-data licence",
        ContentType::Document => "an open-content licence",
    }
}

/// Distinct licences, in first-seen order.
fn distinct(ls: impl IntoIterator<Item = Option<Licence>>) -> Vec<Option<Licence>> {
    let mut out: Vec<Option<Licence>> = Vec::new();
    for l in ls {
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

struct Builder<'a> {
    release: &'a Release,
    claims: &'a Claims,
    inherited: &'a Inherited,
}

impl Builder<'_> {
    fn file_licence(&self, a: &Artifact) -> Option<Licence> {
        a.licence.clone().or_else(|| self.release.licence.clone())
    }

    /// The model card's licence: claimed, else the card file's, else the release's.
    fn model_card_licence(&self) -> Option<Licence> {
        if let Some(l) = self
            .claims
            .component(MofComponent::ModelCard)
            .and_then(|c| c.licence.clone())
        {
            return Some(l);
        }
        self.release
            .artifacts
            .iter()
            .find(|a| a.kind == ArtifactKind::ModelCard)
            .and_then(|a| self.file_licence(a))
            .or_else(|| self.release.licence.clone())
    }

    fn finish(
        &self,
        c: MofComponent,
        present: bool,
        evidence: Vec<String>,
        licences: Vec<Option<Licence>>,
        mut problems: Vec<String>,
    ) -> ComponentStatus {
        let ct = c.content_type();
        let verdicts: Vec<LicenceVerdict> =
            licences.iter().map(|l| judge(l.as_ref(), ct)).collect();
        let mut warnings = Vec::new();
        if present {
            for v in &verdicts {
                if !v.open {
                    problems.push(if v.licence == "none" {
                        "no licence".to_owned()
                    } else {
                        format!("licence {} is not an open licence", v.licence)
                    });
                } else if !v.type_appropriate {
                    warnings.push(format!(
                        "{}: {} is open but not {} ({} content); counted, as the MOF tool does",
                        c,
                        v.licence,
                        kind_word(ct),
                        ct
                    ));
                }
            }
        }
        let open = present && !verdicts.is_empty() && verdicts.iter().all(|v| v.open);
        let type_appropriate =
            present && !verdicts.is_empty() && verdicts.iter().all(|v| v.type_appropriate);
        ComponentStatus {
            component: c,
            label: c.label(),
            class: c.class(),
            content_type: ct,
            required: c.required(),
            present,
            evidence,
            licences: verdicts,
            open,
            type_appropriate,
            satisfied: present && open && problems.is_empty(),
            problems,
            warnings,
        }
    }

    fn component(&self, c: MofComponent) -> ComponentStatus {
        if matches!(c, MofComponent::Datasets | MofComponent::EvaluationData) {
            return self.data(c);
        }
        let claim = self.claims.component(c);
        let mut problems = Vec::new();
        let files: Vec<&Artifact> = match claim.filter(|cl| !cl.paths.is_empty()) {
            Some(cl) => {
                let index = PathIndex::new(cl.paths.iter().map(|p| (p.as_str(), 0)));
                let files: Vec<&Artifact> = self
                    .release
                    .artifacts
                    .iter()
                    .filter(|a| index.covers(a.path.as_str()))
                    .collect();
                if files.is_empty() {
                    let paths: Vec<&str> = cl.paths.iter().map(|p| p.as_str()).collect();
                    problems.push(format!(
                        "the claims place it at {} but the record has no such file",
                        paths.join(", ")
                    ));
                }
                files
            }
            None => self
                .release
                .artifacts
                .iter()
                .filter(|a| by_convention(c, a))
                .collect(),
        };
        let mut evidence = evidence_of(&files);
        let url = claim.and_then(|cl| cl.url.clone());
        if let Some(u) = &url {
            evidence.push(format!("published at {u} (claimed; not in the record)"));
        }
        let mut present = !files.is_empty() || url.is_some();
        let mut via_card = false;
        if !present {
            let has_card = self
                .release
                .artifacts
                .iter()
                .any(|a| a.kind == ArtifactKind::ModelCard);
            match c {
                MofComponent::DataCard if has_card && !self.claims.datasets.is_empty() => {
                    present = true;
                    via_card = true;
                    evidence.push(format!(
                        "the model card, which names the {} dataset(s)",
                        self.claims.datasets.len()
                    ));
                }
                MofComponent::EvaluationResults if !self.claims.evaluation.is_empty() => {
                    present = true;
                    via_card = true;
                    evidence.push(format!(
                        "{} evaluation result(s) in the signed record",
                        self.claims.evaluation.len()
                    ));
                }
                _ => {}
            }
        }
        let mut licences = if let Some(l) = claim.and_then(|cl| cl.licence.clone()) {
            vec![Some(l)]
        } else if !files.is_empty() {
            distinct(files.iter().map(|a| self.file_licence(a)))
        } else if via_card {
            vec![self.model_card_licence()]
        } else if present {
            vec![self.release.licence.clone()]
        } else {
            Vec::new()
        };
        // The weights carry their ancestors' weights licences, whatever the claims say
        // (spec/claims.md §3.3, spec/lineage.md §5.7).
        if c == MofComponent::ModelParameters && present {
            for il in &self.inherited.licences {
                evidence.push(format!(
                    "inherits {} ({}) from {}",
                    il.licence.label(),
                    il.terms.join(", "),
                    il.from
                ));
                if !licences.contains(&Some(il.licence.clone())) {
                    licences.push(Some(il.licence.clone()));
                }
            }
        }
        self.finish(c, present, evidence, licences, problems)
    }

    /// Datasets and evaluation data: dataset claims of the matching purpose, and data files.
    fn data(&self, c: MofComponent) -> ComponentStatus {
        let purpose = if c == MofComponent::Datasets {
            DatasetPurpose::Training
        } else {
            DatasetPurpose::Evaluation
        };
        let other = if c == MofComponent::Datasets {
            MofComponent::EvaluationData
        } else {
            MofComponent::Datasets
        };
        let claim = self.claims.component(c);
        let other_claim = self.claims.component(other);
        let (mine_paths, other_paths) = (index_of(claim), index_of(other_claim));
        let claimed_paths = claim.is_some_and(|cl| !cl.paths.is_empty());
        // Each data file goes to the dataset claims whose paths cover it, or is loose.
        let datasets = &self.claims.datasets;
        let ds_index = PathIndex::new(
            datasets
                .iter()
                .enumerate()
                .flat_map(|(i, d)| d.paths.iter().map(move |p| (p.as_str(), i))),
        );
        let mut per_dataset: Vec<Vec<&Artifact>> = vec![Vec::new(); datasets.len()];
        let mut loose: Vec<&Artifact> = Vec::new();
        for a in self
            .release
            .artifacts
            .iter()
            .filter(|a| detect::is_data_file(a))
        {
            let owners = ds_index.owners(a.path.as_str());
            if owners.is_empty() {
                let p = a.path.as_str();
                let belongs = if claimed_paths {
                    mine_paths.covers(p)
                } else {
                    !other_paths.covers(p) && by_convention(c, a)
                };
                if belongs {
                    loose.push(a);
                }
            }
            for i in owners {
                per_dataset[i].push(a);
            }
        }
        let mine: Vec<(&DatasetClaim, &[&Artifact])> = datasets
            .iter()
            .zip(&per_dataset)
            .filter(|(d, _)| d.purpose == purpose)
            .map(|(d, f)| (d, f.as_slice()))
            .collect();

        let comp_licence = claim.and_then(|cl| cl.licence.clone());
        let mut evidence = Vec::new();
        let mut problems = Vec::new();
        let mut licences = Vec::new();
        for (d, files) in &mine {
            let mut e = format!("dataset {:?}", d.name);
            if d.included {
                e.push_str(&format!(", included ({} file(s))", files.len()));
            }
            if let Some(u) = &d.url {
                e.push_str(&format!(", from {u}"));
            }
            evidence.push(e);
            if d.included && files.is_empty() {
                let paths: Vec<&str> = d.paths.iter().map(|p| p.as_str()).collect();
                problems.push(format!(
                    "dataset {:?} is claimed as included ({}) but the record has no such data file",
                    d.name,
                    paths.join(", ")
                ));
            }
            if !d.included && d.url.is_none() {
                problems.push(format!(
                    "dataset {:?} is undisclosed: not included and no url to obtain it",
                    d.name
                ));
            }
            let l = d
                .licence
                .clone()
                .or_else(|| comp_licence.clone())
                .or_else(|| {
                    // An included dataset falls back to its files' licence.
                    files.first().and_then(|a| self.file_licence(a))
                });
            if l.is_none() {
                problems.push(format!("dataset {:?} has no licence", d.name));
            } else {
                licences.push(l);
            }
        }
        evidence.extend(evidence_of(&loose));
        for a in &loose {
            licences.push(comp_licence.clone().or_else(|| self.file_licence(a)));
        }
        let present = !mine.is_empty() || !loose.is_empty();
        self.finish(c, present, evidence, distinct(licences), problems)
    }
}

fn index_of(cl: Option<&ComponentClaim>) -> PathIndex<'_> {
    PathIndex::new(
        cl.into_iter()
            .flat_map(|cl| cl.paths.iter().map(|p| (p.as_str(), 0))),
    )
}

fn missing_for(components: &[ComponentStatus], target: MofClass) -> Vec<Missing> {
    let get = |c: MofComponent| components.iter().find(|s| s.component == c);
    let paper_ok = get(MofComponent::ResearchPaper).is_some_and(|s| s.satisfied);
    components
        .iter()
        .filter(|s| s.required && target.covers(s.class) && !s.satisfied)
        // A research paper stands in for the technical report (MOF).
        .filter(|s| !(s.component == MofComponent::TechnicalReport && paper_ok))
        .map(|s| Missing {
            component: s.component,
            label: s.label,
            reason: s.reason(),
        })
        .collect()
}

fn osaid(
    components: &[ComponentStatus],
    claims: &Claims,
    inherited: &[InheritedDataset],
) -> Vec<OsaidItem> {
    // Every component is evaluated; one that were not would count as absent, never as met.
    let get = |c: MofComponent| components.iter().find(|s| s.component == c);
    let present = |c: MofComponent| get(c).is_some_and(|s| s.present);
    // Data information: every training dataset listed with where to obtain it, and a
    // description of the data (a data card, or the model card listing the datasets).
    let mut data = Vec::new();
    if !present(MofComponent::Datasets) && inherited.is_empty() {
        data.push("datasets: no training data is listed (no dataset claimed or in the card, no data file, none inherited)".to_owned());
    }
    for d in claims
        .datasets
        .iter()
        .filter(|d| d.purpose == DatasetPurpose::Training)
    {
        if !d.included && d.url.is_none() {
            data.push(format!(
                "datasets: {:?} is named without a url to obtain it and is not included",
                d.name
            ));
        }
    }
    for p in get(MofComponent::Datasets)
        .into_iter()
        .flat_map(|s| s.problems.iter())
    {
        if p.contains("claimed as included") {
            data.push(format!("datasets: {p}"));
        }
    }
    if !present(MofComponent::DataCard) {
        data.push("data-card: no description of the training data (data card, or a model card listing the datasets)".into());
    }
    // Code: everything used to process the data, train and run the model, OSI-approved.
    let mut code = Vec::new();
    for c in [
        MofComponent::DataPreprocessingCode,
        MofComponent::TrainingCode,
        MofComponent::InferenceCode,
        MofComponent::ModelArchitecture,
    ] {
        match get(c) {
            Some(s) if s.present => {
                for v in s.licences.iter().filter(|v| !v.osi_approved) {
                    code.push(format!("{c}: licence {} is not OSI-approved", v.licence));
                }
            }
            _ => code.push(format!("{c}: not in the record")),
        }
    }
    // Parameters: the weights, under open terms (OSAID asks for OSI-approved terms and no
    // particular legal mechanism; any open licence of the MOF lists is accepted).
    let mut params = Vec::new();
    let weights = get(MofComponent::ModelParameters).filter(|s| s.present);
    if weights.is_none() {
        params.push("model-parameters: no weights in the record".to_owned());
    }
    if let Some(p) = weights {
        for v in p.licences.iter().filter(|v| !v.open) {
            params.push(if v.licence == "none" {
                "model-parameters: no licence".to_owned()
            } else {
                format!(
                    "model-parameters: licence {} is not an open licence",
                    v.licence
                )
            });
        }
    }
    [
        ("data-information", data),
        ("code", code),
        ("parameters", params),
    ]
    .into_iter()
    .map(|(item, missing)| OsaidItem {
        item,
        met: missing.is_empty(),
        missing,
    })
    .collect()
}

/// Computes the openness of `release` (spec/claims.md §3): every MOF component with its
/// licences, the class reached and what the next one needs, the OSAID items, and the claims
/// (effective claims: the record's claims over its signed model card) it does not support.
/// `inherited`: datasets declared by verified ancestors (`sceau_lineage::Lineage::inherited_datasets`).
pub fn evaluate(release: &Release, inherited: &Inherited) -> OpennessReport {
    let claims = Claims::effective(release);
    let b = Builder {
        release,
        claims: &claims,
        inherited,
    };
    let components: Vec<ComponentStatus> =
        MofComponent::ALL.iter().map(|c| b.component(*c)).collect();
    let class = MofClass::ASCENDING
        .iter()
        .copied()
        .take_while(|k| missing_for(&components, *k).is_empty())
        .last();
    let next_class = match class {
        None => Some(MofClass::III),
        Some(k) => k.next(),
    };
    let missing_for_next = next_class
        .map(|k| missing_for(&components, k))
        .unwrap_or_default();
    let osaid = osaid(&components, &claims, &inherited.datasets);
    let open_source_ai = osaid.iter().all(|i| i.met);

    let mut open_washing = Vec::new();
    if let Some(k) = claims.openness_class {
        if !class.is_some_and(|c| c.covers(k)) {
            open_washing.push(OpenWashing {
                claim: format!("openness class {} ({})", k.as_str(), k.label()),
                missing: missing_for(&components, k)
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            });
        }
    }
    if claims.open_source == Some(true) && !open_source_ai {
        open_washing.push(OpenWashing {
            claim: "open source (OSI Open Source AI Definition)".into(),
            missing: osaid
                .iter()
                .flat_map(|i| i.missing.iter().map(move |m| format!("{}: {m}", i.item)))
                .collect(),
        });
    }
    let mut seen = BTreeSet::new();
    let warnings = components
        .iter()
        .flat_map(|s| s.warnings.iter().cloned())
        .filter(|w| seen.insert(w.clone()))
        .collect();
    OpennessReport {
        class,
        components,
        next_class,
        missing_for_next,
        osaid,
        open_source_ai,
        claimed_class: claims.openness_class,
        claimed_open_source: claims.open_source,
        open_washing,
        inherited_datasets: inherited.datasets.clone(),
        inherited_licences: inherited.licences.clone(),
        warnings,
    }
}

#[cfg(test)]
mod tests;
