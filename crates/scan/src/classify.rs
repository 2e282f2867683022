//! Classifying files by name (spec/scan.md §3).
use sceau_core::ArtifactKind;

const WEIGHT_EXT: &[&str] = &[
    "safetensors",
    "gguf",
    "ggml",
    "bin",
    "pt",
    "pth",
    "ckpt",
    "onnx",
    "h5",
    "hdf5",
    "keras",
    "msgpack",
    "tflite",
    "mlmodel",
    "pb",
    "pdparams",
    "ot",
    "nemo",
    "mar",
    "llamafile",
    "pkl",
    "pickle",
    "joblib",
    "npz",
    "engine",
    "trt",
    "mlx",
];
const DATASET_EXT: &[&str] = &[
    "parquet",
    "arrow",
    "jsonl",
    "ndjson",
    "csv",
    "tsv",
    "tfrecord",
    "tfrecords",
    "feather",
    "avro",
    "orc",
    "webdataset",
    "zst",
    "jsonl.gz",
    "csv.gz",
    "json.gz",
    "tar",
];
const CODE_EXT: &[&str] = &[
    "py", "ipynb", "sh", "bash", "js", "mjs", "ts", "rs", "c", "cc", "cpp", "cxx", "h", "hpp",
    "cu", "cuh", "go", "java", "jl", "r", "lua", "swift", "kt", "rb", "pl", "bat", "ps1", "scala",
    "m", "mm", "zig",
];
const CODE_NAMES: &[&str] = &[
    "makefile",
    "dockerfile",
    "cmakelists.txt",
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "cargo.toml",
    "package.json",
    "environment.yml",
];
const CONFIG_EXT: &[&str] = &["json", "yaml", "yml", "toml", "ini", "cfg", "conf", "xml"];
const CONFIG_NAMES: &[&str] = &[".gitattributes", ".gitignore", "modelfile"];
const DOC_EXT: &[&str] = &[
    "md", "rst", "txt", "pdf", "html", "htm", "png", "jpg", "jpeg", "gif", "svg", "webp", "adoc",
    "tex", "bib",
];
const LICENCE_PREFIXES: &[&str] = &[
    "license",
    "licence",
    "copying",
    "notice",
    "use_policy",
    "use-policy",
];
const TOKENIZER_NAMES: &[&str] = &[
    "vocab.json",
    "vocab.txt",
    "merges.txt",
    "special_tokens_map.json",
    "added_tokens.json",
    "spiece.model",
    "sentencepiece.model",
    "sentencepiece.bpe.model",
    "bpe.codes",
];

/// True when `lower` ends with `.` and `ext`: no allocation (classification runs once per file
/// of trees of millions, spec/manifest.md §4).
fn has_ext(lower: &str, ext: &str) -> bool {
    lower.len() > ext.len()
        && lower.ends_with(ext)
        && lower.as_bytes()[lower.len() - ext.len() - 1] == b'.'
}

/// True for names the spec treats as licence files (spec/scan.md §3.1).
pub fn is_licence_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    LICENCE_PREFIXES.iter().any(|p| match n.strip_prefix(p) {
        // LICENSE, LICENSE.md, LICENSE-MIT, LICENSE_APACHE, NOTICE.txt …, but not
        // license_plate_detector.onnx: after the prefix only a separator and a text-like rest.
        Some("") => true,
        Some(rest) => {
            rest.starts_with(['.', '-', '_'])
                && !WEIGHT_EXT
                    .iter()
                    .chain(DATASET_EXT)
                    .chain(CODE_EXT)
                    .any(|e| has_ext(&n, e))
        }
        None => false,
    })
}

/// True for a root README that may be a model card (spec/scan.md §3.2).
pub fn is_card_candidate(path: &str) -> bool {
    path == "README.md"
}

/// Classifies a relative path (spec/scan.md §3). The model card is decided by the caller
/// once the front matter has been read: this returns `Docs` for a README.
pub fn classify(path: &str) -> ArtifactKind {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let ext_of = |e: &str| -> bool { has_ext(&lower, e) };
    let in_data_dir = path
        .split('/')
        .rev()
        .skip(1)
        .any(|seg| seg.eq_ignore_ascii_case("data") || seg.eq_ignore_ascii_case("datasets"));

    if is_licence_name(name) {
        return ArtifactKind::Licence;
    }
    if lower.starts_with("tokenizer")
        || TOKENIZER_NAMES.contains(&lower.as_str())
        || ext_of("tiktoken")
    {
        return ArtifactKind::Tokenizer;
    }
    if lower.ends_with(".index.json") {
        return ArtifactKind::Config;
    }
    if WEIGHT_EXT.iter().any(|e| ext_of(e)) && !in_data_dir {
        return ArtifactKind::Weights;
    }
    if CODE_EXT.iter().any(|e| ext_of(e))
        || CODE_NAMES.contains(&lower.as_str())
        || (lower.starts_with("requirements") && lower.ends_with(".txt"))
    {
        return ArtifactKind::Code;
    }
    if in_data_dir || DATASET_EXT.iter().any(|e| ext_of(e)) {
        return ArtifactKind::Dataset;
    }
    if CONFIG_EXT.iter().any(|e| ext_of(e)) || CONFIG_NAMES.contains(&lower.as_str()) {
        return ArtifactKind::Config;
    }
    if DOC_EXT.iter().any(|e| ext_of(e)) {
        return ArtifactKind::Docs;
    }
    ArtifactKind::Other
}

#[cfg(test)]
mod tests {
    use super::*;
    use ArtifactKind::*;

    #[test]
    fn classifies_a_typical_release() {
        for (p, k) in [
            ("model.safetensors", Weights),
            ("model-00001-of-00002.safetensors", Weights),
            ("model.safetensors.index.json", Config),
            ("pytorch_model.bin", Weights),
            ("model-Q4_K_M.gguf", Weights),
            ("onnx/model.onnx", Weights),
            ("tf_model.h5", Weights),
            ("flax_model.msgpack", Weights),
            ("tokenizer.json", Tokenizer),
            ("tokenizer_config.json", Tokenizer),
            ("tokenizer.model", Tokenizer),
            ("vocab.txt", Tokenizer),
            ("merges.txt", Tokenizer),
            ("config.json", Config),
            ("generation_config.json", Config),
            (".gitattributes", Config),
            ("data/train.json", Dataset),
            ("datasets/x/y.bin", Dataset),
            ("train.parquet", Dataset),
            ("eval.jsonl", Dataset),
            ("src/train.py", Code),
            ("data/prepare.py", Code),
            ("requirements.txt", Code),
            ("LICENSE", Licence),
            ("LICENSE.md", Licence),
            ("COPYING", Licence),
            ("NOTICE", Licence),
            ("USE_POLICY.md", Licence),
            ("README.md", Docs),
            ("docs/guide.md", Docs),
            ("notes.txt", Docs),
            ("blob.xyz", Other),
            ("license_plate_detector.onnx", Weights),
            ("LICENSE-MIT", Licence),
            ("notice_board.py", Code),
        ] {
            assert_eq!(classify(p), k, "{p}");
        }
    }
}
