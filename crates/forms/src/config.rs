//! What a model's `config.json` says about its modalities, context window, architecture and
//! software (spec/forms.md §4.2), read strictly and at bounded cost: the file is at most
//! [`MAX_CONFIG_BYTES`], nested at most 128 levels (serde_json's limit), and only the keys
//! below are looked at. Its bytes must be the ones the record signed (the caller checks the
//! digest, [`crate::evidence`]), so what is read here is derived from a signed artifact.
use sceau_core::claims::values::Modality;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::ConfigError;

/// Largest `config.json` read.
pub const MAX_CONFIG_BYTES: usize = 4 * 1024 * 1024;
/// Longest name kept from the file (an architecture, a model type, a version).
const MAX_NAME: usize = 128;
/// Most architecture names kept.
const MAX_ARCHITECTURES: usize = 16;

/// The keys that give the context window, in the order they are looked for: at the top
/// level, then under `text_config`.
pub const CONTEXT_KEYS: &[&str] = &[
    "max_position_embeddings",
    "n_positions",
    "max_sequence_length",
    "seq_length",
    "max_seq_len",
    "n_ctx",
];

/// What the configuration shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConfigFacts {
    /// `architectures` (e.g. `LlamaForCausalLM`).
    pub architectures: Vec<String>,
    /// `model_type` (e.g. `llama`).
    pub model_type: Option<String>,
    /// Input modalities, and the keys that show each.
    pub inputs: Vec<(Modality, String)>,
    /// Output modalities, and the architecture that shows each.
    pub outputs: Vec<(Modality, String)>,
    /// The context window in tokens, and the key that gives it.
    pub context: Option<(u64, String)>,
    /// `transformers_version`.
    pub transformers_version: Option<String>,
}

fn name(v: Option<&Value>) -> Option<String> {
    let s = v?.as_str()?.trim();
    let ok = !s.is_empty()
        && s.len() <= MAX_NAME
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'));
    ok.then(|| s.to_owned())
}

fn tokens(v: Option<&Value>) -> Option<u64> {
    v?.as_u64()
        .filter(|n| (1..=sceau_core::claims::values::MAX_CONTEXT).contains(n))
}

/// The output modality an architecture class name shows (`…ForCausalLM` → text).
fn output_of(arch: &str) -> Option<Modality> {
    const TEXT: &[&str] = &[
        "ForCausalLM",
        "LMHeadModel",
        "ForConditionalGeneration",
        "ForSeq2SeqLM",
        "ForSpeechSeq2Seq",
        "ForVision2Seq",
        "ForImageTextToText",
        "ForMaskedLM",
    ];
    const OTHER: &[&str] = &[
        "ForSequenceClassification",
        "ForTokenClassification",
        "ForImageClassification",
        "ForAudioClassification",
        "ForQuestionAnswering",
        "ForObjectDetection",
        "ForSemanticSegmentation",
    ];
    if TEXT.iter().any(|s| arch.ends_with(s)) {
        Some(Modality::Text)
    } else if OTHER.iter().any(|s| arch.ends_with(s)) {
        Some(Modality::Other)
    } else {
        None
    }
}

fn push(v: &mut Vec<(Modality, String)>, m: Modality, why: String) {
    if !v.iter().any(|(x, _)| *x == m) {
        v.push((m, why));
    }
}

fn inputs(top: &Map<String, Value>) -> Vec<(Modality, String)> {
    let mut v = Vec::new();
    let has = |k: &str| top.contains_key(k);
    let text_config = top.get("text_config").and_then(Value::as_object);
    if has("vocab_size") || text_config.is_some_and(|t| t.contains_key("vocab_size")) {
        let key = if has("vocab_size") {
            "vocab_size"
        } else {
            "text_config.vocab_size"
        };
        push(&mut v, Modality::Text, key.into());
    }
    if has("vision_config") {
        push(&mut v, Modality::Image, "vision_config".into());
    } else if has("num_channels") && (has("image_size") || has("patch_size")) {
        push(
            &mut v,
            Modality::Image,
            "num_channels and image_size".into(),
        );
    }
    if has("audio_config") {
        push(&mut v, Modality::Audio, "audio_config".into());
    } else if has("num_mel_bins") {
        push(&mut v, Modality::Audio, "num_mel_bins".into());
    }
    if has("video_config") {
        push(&mut v, Modality::Video, "video_config".into());
    }
    v
}

/// Reads the facts of a `config.json`.
pub fn read_config(bytes: &[u8]) -> Result<ConfigFacts, ConfigError> {
    if bytes.len() > MAX_CONFIG_BYTES {
        return Err(ConfigError::TooLarge { len: bytes.len() });
    }
    let v: Value = serde_json::from_slice(bytes).map_err(|e| ConfigError::Json {
        message: e.to_string(),
    })?;
    let top = v.as_object().ok_or(ConfigError::NotAnObject)?;
    let architectures: Vec<String> = top
        .get("architectures")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| name(Some(x)))
                .take(MAX_ARCHITECTURES)
                .collect()
        })
        .unwrap_or_default();
    let mut outputs = Vec::new();
    for a in &architectures {
        if let Some(m) = output_of(a) {
            push(&mut outputs, m, a.clone());
        }
    }
    let text_config = top.get("text_config").and_then(Value::as_object);
    let context = CONTEXT_KEYS
        .iter()
        .find_map(|k| tokens(top.get(*k)).map(|n| (n, (*k).to_owned())))
        .or_else(|| {
            let t = text_config?;
            CONTEXT_KEYS
                .iter()
                .find_map(|k| tokens(t.get(*k)).map(|n| (n, format!("text_config.{k}"))))
        });
    Ok(ConfigFacts {
        architectures,
        model_type: name(top.get("model_type")),
        inputs: inputs(top),
        outputs,
        context,
        transformers_version: name(top.get("transformers_version")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &[u8] = include_bytes!("../../../examples/tiny-llm/config.json");

    #[test]
    fn the_example_is_a_text_model_with_a_256_token_window() {
        let f = read_config(TINY).unwrap();
        assert_eq!(f.architectures, ["LlamaForCausalLM"]);
        assert_eq!(f.model_type.as_deref(), Some("llama"));
        assert_eq!(f.inputs, [(Modality::Text, "vocab_size".to_owned())]);
        assert_eq!(f.outputs, [(Modality::Text, "LlamaForCausalLM".to_owned())]);
        assert_eq!(f.context, Some((256, "max_position_embeddings".to_owned())));
        assert_eq!(f.transformers_version.as_deref(), Some("4.44.2"));
    }

    #[test]
    fn vision_language_and_speech_configs() {
        let vl = br#"{"architectures":["LlavaForConditionalGeneration"],"vision_config":{},
            "text_config":{"vocab_size":32000,"max_position_embeddings":4096}}"#;
        let f = read_config(vl).unwrap();
        let ins: Vec<Modality> = f.inputs.iter().map(|(m, _)| *m).collect();
        assert_eq!(ins, [Modality::Text, Modality::Image]);
        assert_eq!(
            f.context,
            Some((4096, "text_config.max_position_embeddings".to_owned()))
        );
        let asr = br#"{"architectures":["WhisperForConditionalGeneration"],"num_mel_bins":80,
            "vocab_size":51865,"max_target_positions":448}"#;
        let f = read_config(asr).unwrap();
        assert!(f.inputs.iter().any(|(m, _)| *m == Modality::Audio));
        assert_eq!(f.context, None);
    }

    #[test]
    fn hostile_configs_are_refused_or_ignored() {
        assert!(matches!(read_config(b"[]"), Err(ConfigError::NotAnObject)));
        assert!(matches!(read_config(b"{"), Err(ConfigError::Json { .. })));
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(read_config(deep.as_bytes()).is_err());
        let big = vec![b' '; MAX_CONFIG_BYTES + 1];
        assert!(matches!(
            read_config(&big),
            Err(ConfigError::TooLarge { .. })
        ));
        let odd = br#"{"architectures":["a\u001b[2J", 7, "Ok"],"model_type":{"x":1},
            "max_position_embeddings":-5,"n_positions":1e30}"#;
        let f = read_config(odd).unwrap();
        assert_eq!(f.architectures, ["Ok"]);
        assert_eq!((f.model_type, f.context), (None, None));
    }
}
