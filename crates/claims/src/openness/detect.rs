//! Which recorded files make up which MOF component when the claims do not say (spec/claims.md
//! §3.2): by artifact kind and by name.
use sceau_core::claims::MofComponent;
use sceau_core::{Artifact, ArtifactKind};

const DOC_EXT: &[&str] = &["md", "pdf", "txt", "html", "htm", "rst", "tex", "adoc"];

struct Name {
    /// Lower-case file name without its last extension.
    stem: String,
    /// Lower-case extension.
    ext: String,
    /// Lower-case folder names.
    dirs: Vec<String>,
}

fn name(a: &Artifact) -> Name {
    let p = a.path.as_str().to_ascii_lowercase();
    let mut segs: Vec<&str> = p.split('/').collect();
    let file = segs.pop().unwrap_or_default();
    let (stem, ext) = match file.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_owned(), e.to_owned()),
        _ => (file.to_owned(), String::new()),
    };
    Name {
        stem,
        ext,
        dirs: segs.into_iter().map(str::to_owned).collect(),
    }
}

/// Words of a name, split at anything that is not a letter or a digit.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

fn starts_any(s: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| s.starts_with(p))
}

impl Name {
    fn doc(&self) -> bool {
        DOC_EXT.contains(&self.ext.as_str())
    }
    fn dir_starts(&self, prefixes: &[&str]) -> bool {
        self.dirs.iter().any(|d| starts_any(d, prefixes))
    }
    fn dir_is(&self, names: &[&str]) -> bool {
        self.dirs.iter().any(|d| names.contains(&d.as_str()))
    }
}

/// Weights that are intermediate checkpoints rather than the final parameters: under a folder
/// named `checkpoint*`, `ckpt*` or `intermediate*`, or named `checkpoint*` / `*step-N*`.
pub fn is_intermediate(a: &Artifact) -> bool {
    let n = name(a);
    a.kind == ArtifactKind::Weights
        && (n.dir_starts(&["checkpoint", "ckpt", "intermediate"])
            || n.stem.contains("checkpoint")
            || n.stem.contains("step-")
            || n.stem.contains("step_"))
}

/// A data file whose name or folders say it is for evaluation.
pub fn is_evaluation_data(a: &Artifact) -> bool {
    const EVAL: &[&str] = &[
        "eval",
        "evaluation",
        "test",
        "tests",
        "testing",
        "valid",
        "validation",
        "val",
        "dev",
        "benchmark",
        "heldout",
    ];
    let p = a.path.as_str().to_ascii_lowercase();
    let ws: Vec<&str> = words(&p).collect();
    ws.iter().any(|w| EVAL.contains(w))
}

/// A data file (not documentation about the data).
pub fn is_data_file(a: &Artifact) -> bool {
    a.kind == ArtifactKind::Dataset && !name(a).doc()
}

/// Whether `a` belongs to component `c` by sceau's naming conventions. Datasets and
/// evaluation data are decided by the caller (they also depend on dataset claims).
pub fn by_convention(c: MofComponent, a: &Artifact) -> bool {
    use MofComponent::*;
    let n = name(a);
    let code = a.kind == ArtifactKind::Code;
    let doc = a.kind == ArtifactKind::Docs || (n.doc() && a.kind == ArtifactKind::Dataset);
    match c {
        ModelArchitecture => {
            code && (starts_any(
                &n.stem,
                &["modeling", "modelling", "model_", "architecture"],
            ) || n.stem == "model"
                || n.dir_is(&["models", "modeling", "modelling", "architecture"]))
        }
        ModelParameters => a.kind == ArtifactKind::Weights && !is_intermediate(a),
        IntermediateParameters => is_intermediate(a),
        ModelCard => a.kind == ArtifactKind::ModelCard,
        DataCard => {
            doc && ([
                "data_card",
                "datacard",
                "data-card",
                "datasheet",
                "dataset_card",
                "dataset-card",
            ]
            .iter()
            .any(|k| n.stem.contains(k))
                || (n.stem == "readme" && n.dir_is(&["data", "datasets"])))
        }
        TechnicalReport => doc && n.stem.contains("report"),
        ResearchPaper => doc && (n.stem.contains("paper") || n.dir_is(&["paper", "papers"])),
        EvaluationResults => {
            doc && ((n.stem.contains("eval") && n.stem.contains("result"))
                || n.stem.starts_with("results")
                || n.stem.contains("benchmark"))
        }
        SampleModelOutputs => {
            (doc || a.kind == ArtifactKind::Dataset || a.kind == ArtifactKind::Other)
                && ((n.stem.contains("sample")
                    && (n.stem.contains("output") || n.stem.contains("generation")))
                    || n.dir_is(&["samples", "sample_outputs", "sample-outputs"]))
        }
        TrainingCode => {
            code && (starts_any(
                &n.stem,
                &[
                    "train",
                    "finetune",
                    "fine_tune",
                    "fine-tune",
                    "pretrain",
                    "sft",
                ],
            ) || n.dir_starts(&["train"]))
        }
        InferenceCode => {
            code && (starts_any(
                &n.stem,
                &[
                    "infer",
                    "generate",
                    "predict",
                    "serve",
                    "chat",
                    "run_inference",
                ],
            ) || n.dir_is(&["inference", "serving"]))
        }
        EvaluationCode => {
            code && (starts_any(&n.stem, &["eval", "benchmark"])
                || n.dir_starts(&["eval", "benchmark"]))
        }
        DataPreprocessingCode => {
            code && (starts_any(
                &n.stem,
                &[
                    "preprocess",
                    "prepare",
                    "prep_",
                    "data_prep",
                    "process_data",
                    "clean",
                    "filter",
                    "dedup",
                    "tokenize_data",
                    "build_dataset",
                    "make_dataset",
                    "download_data",
                ],
            ) || n.dir_is(&["preprocessing", "data_prep", "data", "datasets"]))
        }
        SupportingLibraries => {
            code && (n.stem.starts_with("requirements")
                || ["pyproject", "setup", "environment", "cargo", "package"]
                    .contains(&n.stem.as_str())
                || n.dir_is(&["lib", "libs", "utils", "tools"]))
        }
        ModelMetadata => {
            a.kind == ArtifactKind::Config && matches!(n.ext.as_str(), "json" | "yaml" | "yml")
        }
        Datasets => is_data_file(a) && !is_evaluation_data(a),
        EvaluationData => is_data_file(a) && is_evaluation_data(a),
    }
}
